package org.jsock.net;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;
import org.jsock.sys.internal.CallState;
import org.jsock.sys.internal.PreClose;
import org.jsock.sys.internal.RawCalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A socket that owns its file descriptor: the typed face of {@link Sys}.
 *
 * <p>Every call maps to one system call (plus the EINTR retries C would make), and errors surface as
 * {@link ErrnoException} with the call's name and errno. In non-blocking mode, or with
 * {@link MsgFlags#DONTWAIT}, a call that would block returns {@link #WOULD_BLOCK}; a stream at its end
 * returns {@link #EOF}.
 *
 * <h2>Closing</h2>
 * {@link #close} is idempotent, and after it every call throws {@link SocketClosedException} before
 * reaching the kernel. A thread blocked in this socket when another thread closes it wakes with that
 * exception: close shuts the socket down (which wakes accept, connect, recv and send), then
 * {@code dup2}s a dead socket over the fd so the number stays taken until the last blocked call has
 * returned, and only then closes it. So an fd number is never reused while a call may still use it.
 * <pre>
 *   ctl = [CLOSED | CLOSING | count of calls in progress]
 *   call:  count++ ; CLOSING? -> count--, throw   ... syscall ...   count-- ; last out of a CLOSING socket closes
 *   close: set CLOSING and count++ ; others in calls? -> shutdown + dup2(dead, fd) ; count--
 * </pre>
 *
 * <p>Instances are thread-safe: one thread may send while another receives. As a {@link ByteStream}
 * it has channel(), inputStream() and outputStream() views.
 */
public final class Socket implements ByteStream {
    /** recv at end of stream. */
    public static final int EOF = -1;
    /** A non-blocking call that would have blocked (EAGAIN). */
    public static final int WOULD_BLOCK = -2;

    private static final int CLOSING = 1 << 30;
    private static final int CLOSED = 1 << 29;
    private static final int COUNT = CLOSED - 1;

    private final int fd;
    private final Family family;
    private final SockType type;
    /** Calls in progress and the close state; see the class comment. */
    private final AtomicInteger ctl = new AtomicInteger();
    private volatile boolean blocking = true;
    /** The peer as accept reported it, so peerAddress() needs no syscall; null until known. */
    private volatile SockAddr peer;

    private Socket(int fd, Family family, SockType type) {
        this.fd = fd;
        this.family = family;
        this.type = type;
    }

    // ==== creating ===========================================================================

    /** {@code socket(family, type | SOCK_CLOEXEC, 0)}. */
    public static Socket open(Family family, SockType type) throws IOException {
        int fd = Sys.socket(family.value(), type.value() | Sys.SOCK_CLOEXEC, 0);
        return new Socket(fd, family, type);
    }

    public static Socket tcp(Family family) throws IOException { return open(family, SockType.STREAM); }

    public static Socket udp(Family family) throws IOException { return open(family, SockType.DGRAM); }

    /** A connected pair of Unix sockets ({@code socketpair(AF_UNIX, type, 0)}). */
    public static Socket[] pair(SockType type) throws IOException {
        int[] sv = new int[2];
        Sys.socketpair(Sys.AF_UNIX, type.value() | Sys.SOCK_CLOEXEC, 0, sv);
        return new Socket[] {new Socket(sv[0], Family.UNIX, type), new Socket(sv[1], Family.UNIX, type)};
    }

    /** Takes ownership of an open socket fd (one received with SCM_RIGHTS, say). */
    public static Socket adopt(int fd) throws IOException {
        CallState cs = CallState.get();
        cs.len.set(ValueLayout.JAVA_INT, 0, 4);
        Sys.getsockopt(fd, Sys.SOL_SOCKET, Sys.SO_DOMAIN, cs.small, cs.len);
        int domain = cs.small.get(ValueLayout.JAVA_INT, 0);
        cs.len.set(ValueLayout.JAVA_INT, 0, 4);
        Sys.getsockopt(fd, Sys.SOL_SOCKET, Sys.SO_TYPE, cs.small, cs.len);
        Socket s = new Socket(fd, Family.of(domain), SockType.of(cs.small.get(ValueLayout.JAVA_INT, 0)));
        // The fd may come non-blocking (accept4 SOCK_NONBLOCK, SCM_RIGHTS): EAGAIN must then read as WOULD_BLOCK.
        s.blocking = (Sys.fcntl(fd, Sys.F_GETFL) & Sys.O_NONBLOCK) == 0;
        return s;
    }

    /**
     * A listening socket on {@code addr}: socket, SO_REUSEADDR (IP families), bind, listen. Closes the
     * socket if any step fails.
     */
    public static Socket listenOn(SockAddr addr, int backlog) throws IOException {
        Socket s = open(addr.family(), SockType.STREAM);
        try {
            if (addr.family() != Family.UNIX) s.set(SockOpt.SO_REUSEADDR, true);
            s.bind(addr);
            s.listen(backlog);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A stream socket connected to {@code addr}; closed again if connect fails. */
    public static Socket connectTo(SockAddr addr) throws IOException {
        Socket s = open(addr.family(), SockType.STREAM);
        try {
            s.connect0(addr);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    // ==== the close protocol =================================================================

    private void begin(String call) throws SocketClosedException {
        int v = ctl.getAndIncrement();
        if ((v & CLOSING) != 0) {
            end();
            throw new SocketClosedException(call);
        }
    }

    private void end() {
        if (ctl.decrementAndGet() == CLOSING && ctl.compareAndSet(CLOSING, CLOSING | CLOSED)) {
            closeFd();
        }
    }

    /** After a call returns: if the socket was closed meanwhile, its result is not to be trusted. */
    private void checkOpen(String call) throws SocketClosedException {
        if ((ctl.get() & CLOSING) != 0) throw new SocketClosedException(call);
    }

    /**
     * Closes the socket. Idempotent. Threads blocked in it wake with {@link SocketClosedException},
     * and the fd is released once the last of them has left.
     */
    @Override
    public void close() {
        int v;
        do {
            v = ctl.get();
            if ((v & CLOSING) != 0) return;
        } while (!ctl.compareAndSet(v, (v + 1) | CLOSING));
        try {
            if ((v & COUNT) != 0) preClose();
        } finally {
            end(); // even if pre-close failed: the last one out must still close the fd
        }
    }

    /** True once close has been called. */
    public boolean isClosed() { return (ctl.get() & CLOSING) != 0; }

    // Wakes blocked threads and keeps the fd number taken: see the class comment.
    private void preClose() {
        try {
            Sys.shutdown(fd, Sys.SHUT_RDWR);
        } catch (ErrnoException ignored) {
            // ENOTCONN on an unconnected socket: the shutdown still wakes its waiters.
        }
        try {
            Sys.dup2(PreClose.fd(), fd);
        } catch (ErrnoException e) {
            throw new IllegalStateException("pre-close dup2 failed on fd " + fd, e);
        }
    }

    private void closeFd() {
        try {
            Sys.close(fd);
        } catch (ErrnoException ignored) {
            // The fd is gone either way; nothing a caller could do.
        }
    }

    // ==== naming and connecting ==============================================================

    /** The file descriptor, for interop (poll, epoll); -1 once closed. */
    public int fd() { return isClosed() ? -1 : fd; }

    public Family family() { return family; }

    public SockType type() { return type; }

    public void bind(SockAddr addr) throws IOException {
        checkFamily(addr);
        begin("bind");
        try {
            MemorySegment a = CallState.get().addr;
            Sys.bind(fd, a, addr.encode(a));
        } finally {
            end();
        }
    }

    public void listen(int backlog) throws IOException {
        begin("listen");
        try {
            Sys.listen(fd, backlog);
        } finally {
            end();
        }
    }

    /**
     * Accepts a connection: the new socket (close-on-exec; blocking) with its peer's address at
     * {@link #peerAddress()}. Returns null when non-blocking and none is pending.
     */
    public Socket accept() throws IOException {
        begin("accept");
        int nfd;
        SockAddr from;
        try {
            CallState cs = CallState.get();
            cs.len.set(ValueLayout.JAVA_INT, 0, 128);
            nfd = Sys.accept4(fd, cs.addr, cs.len, Sys.SOCK_CLOEXEC, true);
            if (nfd < 0) {
                checkOpen("accept");
                if (blocking) throw new SocketTimeoutException("accept: timed out (SO_RCVTIMEO)");
                return null;
            }
            from = SockAddr.decode(cs.addr, cs.len.get(ValueLayout.JAVA_INT, 0));
        } catch (ErrnoException e) {
            checkOpen("accept");
            throw e;
        } finally {
            end();
        }
        Socket s = new Socket(nfd, family, type);
        s.peer = from;
        if (isClosed()) {
            s.close();
            throw new SocketClosedException("accept");
        }
        return s;
    }

    /**
     * Connects. Blocking: returns true once connected. Non-blocking: returns false while the
     * connection is in progress; wait for writability, then call {@link #finishConnect()}.
     */
    public boolean connect(SockAddr addr) throws IOException {
        return connect0(addr);
    }

    private boolean connect0(SockAddr addr) throws IOException {
        checkFamily(addr);
        begin("connect");
        try {
            MemorySegment a = CallState.get().addr;
            int r = Sys.connect(fd, a, addr.encode(a));
            checkOpen("connect");
            if (r == 0) {
                peer = addr;
                return true;
            }
            // EINPROGRESS goes on in the background; a Unix socket's EAGAIN (the listener's backlog
            // is full) does not, so it is a failure to report, not a connect to wait for.
            if (Sys.errno() != Sys.EINPROGRESS) throw new ErrnoException("connect", Sys.errno());
            return false;
        } catch (ErrnoException e) {
            checkOpen("connect");
            throw e;
        } finally {
            end();
        }
    }

    /**
     * Connects within {@code timeout}: a non-blocking connect, poll for POLLOUT, then SO_ERROR.
     * Throws SocketTimeoutException when the time runs out.
     */
    public void connect(SockAddr addr, Duration timeout) throws IOException {
        boolean wasBlocking = blocking;
        configureBlocking(false);
        try {
            if (!connect0(addr)) {
                if (!await(Sys.POLLOUT, timeout)) {
                    throw new SocketTimeoutException("connect " + addr + ": timed out after " + timeout.toMillis() + " ms");
                }
                finishConnect();
            }
        } finally {
            if (wasBlocking && !isClosed()) configureBlocking(true);
        }
        peer = addr;
    }

    /**
     * Completes a non-blocking connect: false while it is still in progress, true once connected;
     * throws the connect error that SO_ERROR reports.
     */
    public boolean finishConnect() throws IOException {
        if (!await(Sys.POLLOUT, Duration.ZERO)) return false; // still in progress
        int err = get(SockOpt.SO_ERROR);
        if (err != 0) throw new ErrnoException("connect", err);
        return true;
    }

    /**
     * Waits until the socket is ready for {@code events} (POLLIN, POLLOUT) or the timeout passes.
     * Returns false on timeout. A null timeout waits forever.
     */
    public boolean await(int events, Duration timeout) throws IOException {
        begin("poll");
        try {
            MemorySegment p = CallState.get().small;
            p.set(ValueLayout.JAVA_INT, 0, fd);
            p.set(ValueLayout.JAVA_SHORT, 4, (short) events);
            p.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            int ms = timeout == null ? -1 : (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
            int r = Sys.poll(p, 1, ms);
            checkOpen("poll");
            return r > 0;
        } finally {
            end();
        }
    }

    public void shutdown(Shutdown how) throws IOException {
        begin("shutdown");
        try {
            Sys.shutdown(fd, how.how());
        } finally {
            end();
        }
    }

    /** getsockname: where this socket is bound (the port the kernel chose, after bind to port 0). */
    public SockAddr localAddress() throws IOException {
        return name("getsockname");
    }

    /** getpeername, or the address accept or connect already reported. */
    public SockAddr peerAddress() throws IOException {
        SockAddr p = peer;
        if (p != null) {
            if (isClosed()) throw new SocketClosedException("getpeername");
            return p;
        }
        return peer = name("getpeername");
    }

    private SockAddr name(String call) throws IOException {
        begin(call);
        try {
            CallState cs = CallState.get();
            cs.len.set(ValueLayout.JAVA_INT, 0, 128);
            Sys.name(call, fd, cs.addr, cs.len);
            return SockAddr.decode(cs.addr, cs.len.get(ValueLayout.JAVA_INT, 0));
        } finally {
            end();
        }
    }

    private void checkFamily(SockAddr addr) {
        if (addr.family() != family) {
            throw new IllegalArgumentException("address " + addr + " is " + addr.family() + " but the socket is " + family);
        }
    }

    // ==== blocking mode ======================================================================

    /** Sets O_NONBLOCK off (blocking, the default) or on. */
    public void configureBlocking(boolean block) throws IOException {
        begin("fcntl");
        try {
            int fl = Sys.fcntl(fd, Sys.F_GETFL);
            int want = block ? fl & ~Sys.O_NONBLOCK : fl | Sys.O_NONBLOCK;
            if (want != fl) Sys.fcntl(fd, Sys.F_SETFL, want);
            blocking = block;
        } finally {
            end();
        }
    }

    public boolean isBlocking() { return blocking; }

    // ==== sending ============================================================================

    public int send(byte[] b) throws IOException { return send(b, 0, b.length, MsgFlags.NONE); }

    public int send(byte[] b, int off, int len) throws IOException { return send(b, off, len, MsgFlags.NONE); }

    public int send(byte[] b, int off, int len, MsgFlags flags) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        CallState cs = CallState.get();
        int n = chunk(len);
        long address = cs.bufferAddress(n);
        MemorySegment.copy(b, off, cs.buffer(n), ValueLayout.JAVA_BYTE, 0, n);
        return (int) sendRaw(cs, address, n, flags);
    }

    /**
     * How much of a heap array goes through the thread's copy buffer in one call: all of it for a
     * datagram, which must stay whole; at most 1 MiB of a stream, which may be sent in parts.
     */
    private int chunk(int len) {
        return type == SockType.STREAM ? Math.min(len, COPY_CHUNK) : len;
    }

    private static final int COPY_CHUNK = 1 << 20;

    /** Sends from the buffer's position to its limit and advances the position by what was sent. */
    public int send(ByteBuffer src) throws IOException { return send(src, MsgFlags.NONE); }

    public int send(ByteBuffer src, MsgFlags flags) throws IOException {
        int n;
        if (src.isDirect()) {
            CallState cs = CallState.get();
            n = (int) sendRaw(cs, cs.addressOf(src) + src.position(), src.remaining(), flags);
        } else if (src.hasArray()) {
            return send(src.array(), src.arrayOffset() + src.position(), src.remaining(), flags, src);
        } else {
            n = (int) send0(MemorySegment.ofBuffer(src), flags, MemorySegment.NULL, 0); // read-only heap buffer
        }
        if (n > 0) src.position(src.position() + n);
        return n;
    }

    private int send(byte[] a, int off, int len, MsgFlags flags, ByteBuffer advance) throws IOException {
        int n = send(a, off, len, flags);
        if (n > 0) advance.position(advance.position() + n);
        return n;
    }

    /** send(2) from native memory at {@code address}: no allocation. */
    private long sendRaw(CallState cs, long address, long len, MsgFlags flags) throws IOException {
        begin("send");
        try {
            // MSG_NOSIGNAL: a vanished peer is an EPIPE to report, never a SIGPIPE.
            long r = RawCalls.send(cs, fd, address, len, flags.bits() | Sys.MSG_NOSIGNAL);
            checkOpen("send");
            if (r < 0) {
                if (blocking && (flags.bits() & Sys.MSG_DONTWAIT) == 0) throw new SocketTimeoutException("send: timed out (SO_SNDTIMEO)");
                return WOULD_BLOCK;
            }
            return r;
        } catch (ErrnoException e) {
            checkOpen("send");
            throw e;
        } finally {
            end();
        }
    }

    public long send(MemorySegment src, MsgFlags flags) throws IOException {
        return send0(src, flags, MemorySegment.NULL, 0);
    }

    /** sendto: one datagram to {@code to}. */
    public int sendTo(ByteBuffer src, SockAddr to) throws IOException {
        checkFamily(to);
        MemorySegment a = CallState.get().addr;
        int n = (int) send0(MemorySegment.ofBuffer(src), MsgFlags.NONE, a, to.encode(a));
        if (n > 0) src.position(src.position() + n);
        return n;
    }

    public int sendTo(byte[] b, int off, int len, SockAddr to) throws IOException {
        return sendTo(ByteBuffer.wrap(b, off, len), to);
    }

    private long send0(MemorySegment src, MsgFlags flags, MemorySegment to, int tolen) throws IOException {
        begin("send");
        try {
            // MSG_NOSIGNAL: a vanished peer is an EPIPE to report, never a SIGPIPE.
            long r = Sys.sendto(fd, src, src.byteSize(), flags.bits() | Sys.MSG_NOSIGNAL, to, tolen,
                    to.equals(MemorySegment.NULL) ? "send" : "sendto");
            checkOpen("send");
            if (r < 0) {
                if (blocking && (flags.bits() & Sys.MSG_DONTWAIT) == 0) throw new SocketTimeoutException("send: timed out (SO_SNDTIMEO)");
                return WOULD_BLOCK;
            }
            return r;
        } catch (ErrnoException e) {
            checkOpen("send");
            throw e;
        } finally {
            end();
        }
    }

    /** Sends every byte, looping over partial sends as the seeds' write loops do. */
    public void sendAll(byte[] b, int off, int len) throws IOException {
        sendAll(ByteBuffer.wrap(b, off, len));
    }

    public void sendAll(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            int n = send(src);
            if (n == WOULD_BLOCK) await(Sys.POLLOUT, null);
        }
    }

    // ==== receiving ==========================================================================

    public int recv(byte[] b) throws IOException { return recv(b, 0, b.length, MsgFlags.NONE); }

    public int recv(byte[] b, int off, int len) throws IOException { return recv(b, off, len, MsgFlags.NONE); }

    /** Receives into {@code b[off, off+len)}: bytes received, {@link #EOF}, or {@link #WOULD_BLOCK}. */
    public int recv(byte[] b, int off, int len, MsgFlags flags) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        CallState cs = CallState.get();
        int want = chunk(len);
        long address = cs.bufferAddress(want);
        int n = (int) recvRaw(cs, address, want, flags);
        if (n > 0) MemorySegment.copy(cs.buffer(want), ValueLayout.JAVA_BYTE, 0, b, off, Math.min(n, want));
        return n;
    }

    /** Receives into the buffer from its position and advances the position. */
    public int recv(ByteBuffer dst) throws IOException { return recv(dst, MsgFlags.NONE); }

    public int recv(ByteBuffer dst, MsgFlags flags) throws IOException {
        int n;
        if (dst.isDirect()) {
            CallState cs = CallState.get();
            n = (int) recvRaw(cs, cs.addressOf(dst) + dst.position(), dst.remaining(), flags);
        } else if (dst.hasArray() && !dst.isReadOnly()) {
            n = recv(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining(), flags);
        } else {
            n = (int) recv0(MemorySegment.ofBuffer(dst), flags, MemorySegment.NULL, MemorySegment.NULL);
        }
        // With MSG_TRUNC a datagram's full length comes back, which may exceed what the buffer took.
        if (n > 0) dst.position(dst.position() + Math.min(n, dst.remaining()));
        return n;
    }

    public long recv(MemorySegment dst, MsgFlags flags) throws IOException {
        return recv0(dst, flags, MemorySegment.NULL, MemorySegment.NULL);
    }

    /**
     * recvfrom: one datagram into {@code dst} (advancing its position); returns the sender, or null
     * when non-blocking and nothing is queued. A datagram larger than the buffer is truncated.
     */
    public SockAddr recvFrom(ByteBuffer dst) throws IOException {
        CallState cs = CallState.get();
        cs.len.set(ValueLayout.JAVA_INT, 0, 128);
        long n = recv0(MemorySegment.ofBuffer(dst), MsgFlags.NONE, cs.addr, cs.len);
        if (n == WOULD_BLOCK) return null;
        if (n > 0) dst.position(dst.position() + (int) n);
        return SockAddr.decode(cs.addr, cs.len.get(ValueLayout.JAVA_INT, 0));
    }

    /** recv(2) into native memory at {@code address}: no allocation. */
    private long recvRaw(CallState cs, long address, long len, MsgFlags flags) throws IOException {
        begin("recv");
        try {
            long r = RawCalls.recv(cs, fd, address, len, flags.bits());
            checkOpen("recv");
            return recvResult(r, len, flags);
        } catch (ErrnoException e) {
            checkOpen("recv");
            throw e;
        } finally {
            end();
        }
    }

    /** EAGAIN, a stream's EOF, or a byte count, in this API's terms. */
    private long recvResult(long r, long len, MsgFlags flags) throws SocketTimeoutException {
        if (r < 0) {
            if (blocking && (flags.bits() & Sys.MSG_DONTWAIT) == 0) throw new SocketTimeoutException("recv: timed out (SO_RCVTIMEO)");
            return WOULD_BLOCK;
        }
        // A stream's 0 is its end, and so is a SEQPACKET's (the peer closed); a datagram socket
        // may receive an empty datagram.
        if (r == 0 && len > 0 && (type == SockType.STREAM || type == SockType.SEQPACKET)) return EOF;
        return r;
    }

    private long recv0(MemorySegment dst, MsgFlags flags, MemorySegment from, MemorySegment fromLen) throws IOException {
        begin("recv");
        try {
            long r = Sys.recvfrom(fd, dst, dst.byteSize(), flags.bits(), from, fromLen,
                    from.equals(MemorySegment.NULL) ? "recv" : "recvfrom");
            checkOpen("recv");
            return recvResult(r, dst.byteSize(), flags);
        } catch (ErrnoException e) {
            checkOpen("recv");
            throw e;
        } finally {
            end();
        }
    }

    /**
     * Reads until {@code dst} is full or the stream ends, as the seed's {@code read_data} loops.
     * Returns the bytes read; fewer than asked means the peer closed first.
     */
    public int recvFully(ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = recv(dst);
            if (n == EOF) break;
            if (n == WOULD_BLOCK) {
                await(Sys.POLLIN, null);
                continue;
            }
            total += n;
        }
        return total;
    }

    public int recvFully(byte[] b, int off, int len) throws IOException {
        return recvFully(ByteBuffer.wrap(b, off, len));
    }

    // ==== batches of datagrams ===============================================================

    /**
     * Sends slots {@code from} to {@code from+count-1} of {@code batch}, one datagram each, in one
     * sendmmsg call: each to its slot's address, or to the connected peer when it has none. Returns
     * how many were sent, which may be fewer than {@code count} (the socket buffer filled, or a later
     * datagram failed: the next call reports that error), or {@link #WOULD_BLOCK} when a non-blocking
     * socket could send none. Allocates nothing.
     */
    public int sendBatch(DatagramBatch batch, int from, int count) throws IOException {
        return sendBatch(batch, from, count, MsgFlags.NONE);
    }

    public int sendBatch(DatagramBatch batch, int from, int count, MsgFlags flags) throws IOException {
        java.util.Objects.checkFromIndexSize(from, count, batch.slots());
        begin("sendmmsg");
        try {
            batch.prepareSend(from, count);
            // MSG_NOSIGNAL: a vanished peer is an EPIPE to report, never a SIGPIPE.
            int r = Sys.sendmmsg(fd, batch.msgvecFrom(from), count, flags.bits() | Sys.MSG_NOSIGNAL);
            checkOpen("sendmmsg");
            if (r < 0) {
                if (blocking && (flags.bits() & Sys.MSG_DONTWAIT) == 0) throw new SocketTimeoutException("sendmmsg: timed out (SO_SNDTIMEO)");
                return WOULD_BLOCK;
            }
            return r;
        } catch (ErrnoException e) {
            checkOpen("sendmmsg");
            throw e;
        } finally {
            end();
        }
    }

    /**
     * Receives a batch: blocks for the first datagram, then takes whatever else is queued, up to
     * {@code batch.slots()}, in one recvmmsg call ({@link MsgFlags#WAITFORONE}). Returns how many
     * arrived, n; slots 0 to n-1 then hold each datagram, its length and its sender. Returns
     * {@link #WOULD_BLOCK} when the socket is non-blocking and nothing is queued.
     */
    public int recvBatch(DatagramBatch batch) throws IOException {
        return recvBatch(batch, MsgFlags.WAITFORONE);
    }

    /**
     * recvmmsg with these flags, as C has it: without {@link MsgFlags#WAITFORONE} or
     * {@link MsgFlags#DONTWAIT} a blocking socket waits until every slot is filled. Returns how many
     * arrived (slots 0 to n-1 hold them; the other slots are left empty), or {@link #WOULD_BLOCK}.
     * A datagram longer than the slot capacity is cut: {@link DatagramBatch#truncated} says so.
     * Allocates nothing.
     */
    public int recvBatch(DatagramBatch batch, MsgFlags flags) throws IOException {
        begin("recvmmsg");
        int r = -1;
        try {
            batch.prepareReceive();
            r = Sys.recvmmsg(fd, batch.msgvecFrom(0), batch.slots(), flags.bits(), MemorySegment.NULL);
            checkOpen("recvmmsg");
            if (r < 0) {
                if (blocking && (flags.bits() & Sys.MSG_DONTWAIT) == 0) throw new SocketTimeoutException("recvmmsg: timed out (SO_RCVTIMEO)");
                return WOULD_BLOCK;
            }
            return r;
        } catch (ErrnoException e) {
            checkOpen("recvmmsg");
            throw e;
        } finally {
            batch.received(r); // none on failure or WOULD_BLOCK: every slot reads empty
            end();
        }
    }

    // ==== options ============================================================================

    public <T> void set(SockOpt<T> opt, T value) throws IOException {
        if (opt.readOnly()) throw new UnsupportedOperationException(opt.name() + " is read-only");
        begin("setsockopt");
        try {
            MemorySegment v = CallState.get().small;
            int len = opt.codec.encode(value, v);
            Sys.setsockopt(fd, opt.level(), opt.optname(), v, len);
        } finally {
            end();
        }
    }

    public <T> T get(SockOpt<T> opt) throws IOException {
        begin("getsockopt");
        try {
            CallState cs = CallState.get();
            MemorySegment v = cs.small;
            v.asSlice(0, opt.codec.size()).fill((byte) 0);
            cs.len.set(ValueLayout.JAVA_INT, 0, opt.codec.size());
            Sys.getsockopt(fd, opt.level(), opt.optname(), v, cs.len);
            return opt.codec.decode(v, cs.len.get(ValueLayout.JAVA_INT, 0));
        } finally {
            end();
        }
    }

    /** Any int option by its C level and name. */
    public void setIntOption(int level, int name, int value) throws IOException {
        begin("setsockopt");
        try {
            MemorySegment v = CallState.get().small;
            v.set(ValueLayout.JAVA_INT, 0, value);
            Sys.setsockopt(fd, level, name, v, 4);
        } finally {
            end();
        }
    }

    public int getIntOption(int level, int name) throws IOException {
        byte[] b = new byte[4];
        getOption(level, name, b);
        return MemorySegment.ofArray(b).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    }

    /** Any option as raw bytes; returns the length the kernel wrote. */
    public int getOption(int level, int name, byte[] value) throws IOException {
        begin("getsockopt");
        try {
            CallState cs = CallState.get();
            MemorySegment v = cs.buffer(Math.max(1, value.length));
            cs.len.set(ValueLayout.JAVA_INT, 0, value.length);
            Sys.getsockopt(fd, level, name, v, cs.len);
            int n = cs.len.get(ValueLayout.JAVA_INT, 0);
            MemorySegment.copy(v, ValueLayout.JAVA_BYTE, 0, value, 0, Math.min(n, value.length));
            return n;
        } finally {
            end();
        }
    }

    public void setOption(int level, int name, byte[] value) throws IOException {
        begin("setsockopt");
        try {
            Sys.setsockopt(fd, level, name, MemorySegment.ofArray(value), value.length);
        } finally {
            end();
        }
    }

    // ==== ByteStream ==========================================================================

    /** shutdown(SHUT_WR). */
    @Override
    public void shutdownOutput() throws IOException {
        shutdown(Shutdown.WRITE);
    }

    @Override
    public void awaitReadable() throws IOException {
        await(Sys.POLLIN, null);
    }

    @Override
    public String toString() {
        return "Socket[fd=" + fd + ", " + family + "/" + type + (isClosed() ? ", closed" : "") + "]";
    }
}
