package org.jsock.tls;

import org.jsock.net.Poller;
import org.jsock.net.SockAddr;
import org.jsock.net.SockType;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * TLS over a connected jsock stream: the JDK's {@link SSLEngine} driven over a {@link Transport}, with
 * {@link Socket}'s shape. {@link #send} and {@link #recv} return a count, {@link #EOF} (only after the
 * peer's close_notify) or {@link #WOULD_BLOCK}; a transport that ends without close_notify is a
 * {@link TlsTruncationException}, never an EOF.
 *
 * <pre>{@code
 * try (TlsSocket t = TlsSocket.connect(SockAddr.Inet4.loopback(8443), "localhost", TlsConfig.client(), null)) {
 *     t.sendAll(request);
 *     t.shutdownOutput();                  // close_notify, then shutdown(SHUT_WR)
 *     while ((n = t.recv(buf)) != TlsSocket.EOF) ...
 * }
 * }</pre>
 *
 * <h2>Blocking and non-blocking</h2>
 * The socket's mode is the transport's. Blocking: {@link #handshake}, send and recv complete (a send
 * has written every byte it encrypted). Non-blocking: each returns {@link #WOULD_BLOCK} when the
 * transport would block; wait for {@link #waitingFor()} (IN or OUT, which a handshake may need
 * either way round) with {@link #await} or a {@link Poller}, then call again. Keep calling recv until
 * it returns WOULD_BLOCK before waiting: decrypted bytes may be buffered here, where no poller sees
 * them. A non-blocking send may keep encrypted bytes it could not write yet; the next send, or
 * {@link #flush()}, writes them.
 * <pre>
 *   recv:  appIn has bytes? -> copy out | unwrap a record from netIn -> appIn | transport.read -> netIn
 *   send:  flush netOut | wrap src -> netOut (up to 4 records) | transport.write(netOut)
 * </pre>
 *
 * <p>Threading: one thread may send while another receives, as with {@link Socket}. {@link #close}
 * may come from any thread; a thread blocked in this socket then wakes with an exception.
 */
public final class TlsSocket implements org.jsock.net.ByteStream {
    /** recv after the peer's close_notify. */
    public static final int EOF = Socket.EOF;
    /** A non-blocking call that would have blocked: wait for {@link #waitingFor()}. */
    public static final int WOULD_BLOCK = Socket.WOULD_BLOCK;

    /** How long a blocking {@link #close} may wait to hand its close_notify to a full send buffer. */
    static final Duration CLOSE_NOTIFY_WAIT = Duration.ofSeconds(5);
    /** Encrypted bytes a send gathers before writing: a few records per system call. */
    private static final int RECORDS_PER_WRITE = 4;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private static final int PROGRESS = 1;
    private static final int NEED_DATA = 0;
    private static final int CLOSED = -1;

    private final Transport transport;
    private final SSLEngine engine;
    /** The receive side: netIn, appIn, unwrap. Lock order: readLock before writeLock. */
    private final ReentrantLock readLock = new ReentrantLock();
    /** The send side: netOut, wrap. */
    private final ReentrantLock writeLock = new ReentrantLock();

    /** Encrypted bytes received and not yet unwrapped; write mode. Guarded by readLock. */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet returned by recv; read mode. Guarded by readLock. */
    private ByteBuffer appIn;
    /** Encrypted bytes not yet written; read mode. Guarded by writeLock. */
    private ByteBuffer netOut;
    /** beginHandshake was called. Written holding both locks. */
    private volatile boolean begun;
    /** When beginHandshake was called (ms). Guarded by both locks. */
    private long handshakeStart;
    /** Once true, always true. */
    private volatile boolean handshakeDone;
    private volatile TlsSession session;
    /** The peer's close_notify was read: recv returns EOF from now on. */
    private volatile boolean inputEnded;
    /** Set when the transport ended without close_notify; recv throws it again. */
    private volatile TlsTruncationException truncation;
    /** Our close_notify went out (shutdownOutput, or the answer to a TLS 1.2 peer's). */
    private volatile boolean outputShut;
    /** The transport's output was shut down. Guarded by writeLock. */
    private boolean transportShut;
    /** What the last WOULD_BLOCK waits for: Poller.IN or Poller.OUT. */
    private volatile int waitingFor = Poller.IN;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TlsSocket(Transport transport, SSLEngine engine) {
        this.transport = transport;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        this.netOut = ByteBuffer.allocate(packet * RECORDS_PER_WRITE).flip();
    }

    // ==== creating ===========================================================================

    /**
     * The client end over a connected socket. {@code host} is the server's name: sent as SNI (unless
     * it is an IP literal or the config names another), checked against its certificate, and with
     * {@code port} the key of the session cache. Nothing is sent until {@link #handshake} or the
     * first send or recv.
     */
    public static TlsSocket client(Socket socket, TlsConfig config, String host, int port) throws IOException {
        return client(Transport.of(socket), config, host, port);
    }

    public static TlsSocket client(Transport transport, TlsConfig config, String host, int port) throws IOException {
        if (!config.isClient()) throw new IllegalArgumentException("TlsSocket.client needs a client config, got " + config);
        return new TlsSocket(transport, config.newEngine(host, port));
    }

    /** The server end over an accepted socket. */
    public static TlsSocket server(Socket socket, TlsConfig config) throws IOException {
        return server(Transport.of(socket), config);
    }

    public static TlsSocket server(Transport transport, TlsConfig config) throws IOException {
        if (config.isClient()) throw new IllegalArgumentException("TlsSocket.server needs a server config, got " + config);
        return new TlsSocket(transport, config.newEngine(null, -1));
    }

    /**
     * Connects a TCP (or Unix) socket to {@code addr} within {@code timeout} (null: no limit) and
     * completes the handshake, as {@code host}; on any failure the socket is closed.
     */
    public static TlsSocket connect(SockAddr addr, String host, TlsConfig config, Duration timeout) throws IOException {
        Socket s = Socket.open(addr.family(), SockType.STREAM);
        try {
            if (timeout == null) s.connect(addr);
            else s.connect(addr, timeout);
            int port = switch (addr) {
                case SockAddr.Inet4 a -> a.port();
                case SockAddr.Inet6 a -> a.port();
                case SockAddr.Unix u -> -1;
            };
            TlsSocket t = client(s, config, host, port);
            t.handshake();
            return t;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    // ==== the handshake ======================================================================

    /**
     * Runs the handshake to its end: 0 when done (at once if it already is), or {@link #WOULD_BLOCK}
     * in non-blocking mode. send and recv call it by themselves. A failed handshake throws an
     * {@link SSLException}; {@link TlsErrors#describe} says why in one line.
     */
    public int handshake() throws IOException {
        if (handshakeDone) return 0;
        readLock.lock();
        try {
            writeLock.lock();
            try {
                return handshakeLocked();
            } finally {
                writeLock.unlock();
            }
        } finally {
            readLock.unlock();
        }
    }

    private int handshakeLocked() throws IOException {
        if (handshakeDone) return 0;
        checkOpen("handshake");
        try {
            if (!begun) {
                begun = true;
                handshakeStart = System.currentTimeMillis();
                engine.beginHandshake();
            }
            while (true) {
                if (flushLocked() == WOULD_BLOCK) return blocked(Poller.OUT);
                switch (engine.getHandshakeStatus()) {
                    case NOT_HANDSHAKING, FINISHED -> {
                        session = TlsSession.of(engine, handshakeStart);
                        handshakeDone = true;
                        return 0;
                    }
                    case NEED_TASK -> runTasks();
                    case NEED_WRAP -> wrapLocked(EMPTY);
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        int step = unwrapLocked();
                        if (step == CLOSED) throw new PeerClosedException("the peer ended the TLS session during the handshake");
                        if (step == NEED_DATA) {
                            int n = transport.read(netIn);
                            if (n == WOULD_BLOCK) return blocked(Poller.IN);
                            if (n == EOF) {
                                throw new PeerClosedException("the peer closed the connection during the TLS handshake"
                                        + " (it may not speak TLS, or refused our parameters without saying why)");
                            }
                        }
                    }
                }
            }
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
    }

    public boolean isHandshakeDone() { return handshakeDone; }

    /** What the handshake agreed on; null until it is done. */
    public TlsSession session() { return session; }

    // ==== receiving ==========================================================================

    /**
     * Decrypts into {@code dst} from its position, advancing it: the bytes received, {@link #EOF} after
     * the peer's close_notify, or {@link #WOULD_BLOCK}. Throws {@link TlsTruncationException} when the
     * transport ended without close_notify.
     */
    public int recv(ByteBuffer dst) throws IOException {
        if (!handshakeDone && handshake() == WOULD_BLOCK) return WOULD_BLOCK;
        readLock.lock();
        try {
            while (true) {
                if (appIn.hasRemaining()) return drainTo(dst);
                if (truncation != null) throw truncation;
                if (inputEnded) return EOF;
                checkOpen("recv");
                if (!dst.hasRemaining()) return 0;
                int step = unwrapLocked();
                if (step == CLOSED) {
                    inputEnded = true;
                    answerCloseNotify();
                    return EOF;
                }
                afterUnwrap();
                if (step == PROGRESS) continue;
                int n = transport.read(netIn);
                if (n == WOULD_BLOCK) return blocked(Poller.IN);
                if (n == EOF) throw truncation = truncated();
            }
        } catch (TlsTruncationException e) {
            throw e;
        } catch (SSLException e) {
            sendAlert();
            throw e;
        } finally {
            readLock.unlock();
        }
    }

    public int recv(byte[] b) throws IOException { return recv(b, 0, b.length); }

    public int recv(byte[] b, int off, int len) throws IOException {
        return recv(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Reads until {@code dst} is full or the stream ends (close_notify); returns the bytes read. Waits
     * for readiness in non-blocking mode.
     */
    public int recvFully(ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = recv(dst);
            if (n == EOF) break;
            if (n == WOULD_BLOCK) {
                await(null);
                continue;
            }
            total += n;
        }
        return total;
    }

    public int recvFully(byte[] b, int off, int len) throws IOException {
        return recvFully(ByteBuffer.wrap(b, off, len));
    }

    private int drainTo(ByteBuffer dst) {
        int n = Math.min(appIn.remaining(), dst.remaining());
        if (n == appIn.remaining()) {
            dst.put(appIn);
        } else {
            dst.put(dst.position(), appIn, appIn.position(), n);
            dst.position(dst.position() + n);
            appIn.position(appIn.position() + n);
        }
        return n;
    }

    private TlsTruncationException truncated() {
        SSLException why = null;
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            why = e;
        }
        return new TlsTruncationException("TLS connection truncated: the peer closed the connection without "
                + "close_notify, so the data received may be incomplete", why);
    }

    /** After the peer's close_notify: TLS 1.2 answers with its own (the engine asks to wrap it). */
    private void answerCloseNotify() {
        try {
            afterUnwrap();
        } catch (IOException e) {
            // the peer may be gone already; its close_notify is what mattered
        }
        if (engine.isOutboundDone()) outputShut = true;
    }

    /** Runs what the engine asks for after an unwrap: tasks, and wraps of post-handshake messages. */
    private void afterUnwrap() throws IOException {
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                writeLock.lock();
                try {
                    SSLEngineResult r = wrapLocked(EMPTY);
                    flushLocked();
                    if (r.bytesProduced() == 0 && r.getStatus() == Status.CLOSED) return;
                } finally {
                    writeLock.unlock();
                }
            } else {
                return;
            }
        }
    }

    /** Unwraps one record from netIn into appIn. Caller holds readLock. */
    private int unwrapLocked() throws SSLException {
        netIn.flip();
        appIn.compact();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
            appIn.flip();
        }
        switch (r.getStatus()) {
            case OK -> {
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) runTasks();
                if (r.bytesConsumed() > 0 || r.bytesProduced() > 0) return PROGRESS;
                return r.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP ? NEED_DATA : PROGRESS;
            }
            case BUFFER_UNDERFLOW -> {
                int need = engine.getSession().getPacketBufferSize();
                if (netIn.capacity() < need) netIn = growWriteMode(netIn, need);
                else if (!netIn.hasRemaining()) netIn = growWriteMode(netIn, netIn.capacity() * 2);
                return NEED_DATA;
            }
            case BUFFER_OVERFLOW -> {
                appIn = growReadMode(appIn, appIn.remaining() + engine.getSession().getApplicationBufferSize());
                return PROGRESS;
            }
            default -> {
                return CLOSED;
            }
        }
    }

    // ==== sending ============================================================================

    /**
     * Encrypts from {@code src}'s position and sends, advancing the position by what was taken: the
     * bytes taken, or {@link #WOULD_BLOCK} when earlier bytes are still waiting to be written.
     * Blocking: everything taken has been written when it returns.
     */
    public int send(ByteBuffer src) throws IOException {
        if (!handshakeDone && handshake() == WOULD_BLOCK) return WOULD_BLOCK;
        writeLock.lock();
        try {
            checkOpen("send");
            if (outputShut || engine.isOutboundDone()) throw new SSLException("send: the TLS output is closed (close_notify was sent)");
            if (flushLocked() == WOULD_BLOCK) return blocked(Poller.OUT);
            if (!src.hasRemaining()) return 0;
            int packet = engine.getSession().getPacketBufferSize();
            int taken = 0;
            while (src.hasRemaining() && netOut.capacity() - netOut.remaining() >= packet) {
                SSLEngineResult r = wrapLocked(src);
                if (r.getStatus() == Status.CLOSED) {
                    if (taken == 0) throw new SSLException("send: the TLS session is closed");
                    break;
                }
                taken += r.bytesConsumed();
                if (r.bytesConsumed() == 0 && r.bytesProduced() > 0) continue; // a handshake message went first
                if (r.bytesConsumed() == 0) {
                    if (taken > 0 || engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP) break;
                    // The peer started a renegotiation (TLS 1.2): its messages must be read first.
                    if (renegotiate() == WOULD_BLOCK) return WOULD_BLOCK;
                }
            }
            if (flushLocked() == WOULD_BLOCK) waitingFor = Poller.OUT;
            return taken;
        } catch (SSLException e) {
            sendAlert();
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * A TLS 1.2 renegotiation the peer began, met while sending: read its messages if no other thread
     * is reading (that thread would handle them), else give it a moment. Caller holds writeLock.
     */
    private int renegotiate() throws IOException {
        if (!readLock.tryLock()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("send: interrupted during a renegotiation");
            }
            return 0;
        }
        try {
            flushLocked();
            int step = unwrapLocked();
            if (step == CLOSED) throw new SSLException("send: the peer closed the TLS session during a renegotiation");
            afterUnwrap();
            if (step == NEED_DATA) {
                int n = transport.read(netIn);
                if (n == WOULD_BLOCK) return blocked(Poller.IN);
                if (n == EOF) throw truncation = truncated();
            }
            return 0;
        } finally {
            readLock.unlock();
        }
    }

    public int send(byte[] b) throws IOException { return send(b, 0, b.length); }

    public int send(byte[] b, int off, int len) throws IOException {
        return send(ByteBuffer.wrap(b, off, len));
    }

    /** Sends every byte and writes out all that is buffered, waiting for readiness in non-blocking mode. */
    public void sendAll(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (send(src) == WOULD_BLOCK) await(null);
        }
        while (flush() == WOULD_BLOCK) await(null);
    }

    public void sendAll(byte[] b, int off, int len) throws IOException {
        sendAll(ByteBuffer.wrap(b, off, len));
    }

    /** Writes encrypted bytes a non-blocking send left behind: 0 when none are left, or {@link #WOULD_BLOCK}. */
    public int flush() throws IOException {
        writeLock.lock();
        try {
            checkOpen("send");
            return flushLocked() == WOULD_BLOCK ? blocked(Poller.OUT) : 0;
        } finally {
            writeLock.unlock();
        }
    }

    /** True when a non-blocking send left encrypted bytes to write. */
    public boolean hasPendingOutput() {
        writeLock.lock();
        try {
            return netOut.hasRemaining();
        } finally {
            writeLock.unlock();
        }
    }

    /** Caller holds writeLock. */
    private int flushLocked() throws IOException {
        while (netOut.hasRemaining()) {
            if (transport.write(netOut) == WOULD_BLOCK) return WOULD_BLOCK;
        }
        return 0;
    }

    /** Wraps {@code src} (maybe empty: handshake and alerts) onto netOut. Caller holds writeLock. */
    private SSLEngineResult wrapLocked(ByteBuffer src) throws SSLException {
        while (true) {
            netOut.compact();
            SSLEngineResult r;
            try {
                r = engine.wrap(src, netOut);
            } finally {
                netOut.flip();
            }
            if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                netOut = growReadMode(netOut, netOut.remaining() + engine.getSession().getPacketBufferSize());
                continue;
            }
            if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) runTasks();
            return r;
        }
    }

    // ==== closing ============================================================================

    /**
     * Sends close_notify, then shuts the transport's output (the peer's recv returns EOF); receiving
     * goes on. With TLS 1.2 the peer answers with its own close_notify and sends nothing more; TLS 1.3
     * allows it to keep sending. Waits for writability if it must, even in non-blocking mode.
     */
    public void shutdownOutput() throws IOException {
        if (begun) {
            while (handshake() == WOULD_BLOCK) await(null);
        }
        writeLock.lock();
        try {
            checkOpen("shutdown");
            if (!outputShut && begun) closeNotifyLocked();
            while (flushLocked() == WOULD_BLOCK) transport.await(Poller.OUT, null);
            outputShut = true;
            if (!transportShut) {
                transport.shutdownOutput();
                transportShut = true;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Puts close_notify on netOut. Caller holds writeLock. */
    private void closeNotifyLocked() throws SSLException {
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
            SSLEngineResult r = wrapLocked(EMPTY);
            if (r.bytesProduced() == 0) break;
        }
    }

    /**
     * Sends close_notify if it can (after a finished handshake, unless shutdownOutput sent it or
     * another thread is sending), then closes the transport. Blocking mode waits up to five seconds
     * for room in the send buffer; non-blocking mode tries once. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            if (handshakeDone && !outputShut && transport.isOpen() && writeLock.tryLock()) {
                try {
                    closeNotifyLocked();
                    if (transport.isBlocking()) {
                        long deadline = System.nanoTime() + CLOSE_NOTIFY_WAIT.toNanos();
                        while (netOut.hasRemaining()) {
                            long left = deadline - System.nanoTime();
                            if (left <= 0 || !transport.await(Poller.OUT, Duration.ofNanos(left))) break;
                            if (transport.write(netOut) == WOULD_BLOCK) break;
                        }
                    } else {
                        flushLocked();
                    }
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (IOException | RuntimeException e) {
            // The transport closes below either way; a close_notify that cannot go is the peer's loss.
        } finally {
            transport.close();
        }
    }

    public boolean isClosed() { return closed.get(); }

    /** Best effort after a fatal error: the engine has an alert for the peer; try once to send it. */
    private void sendAlert() {
        if (!writeLock.tryLock()) return;
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                if (wrapLocked(EMPTY).bytesProduced() == 0) break;
            }
            if (transport.isOpen()) transport.write(netOut);
        } catch (IOException | RuntimeException ignored) {
            // the handshake's own exception is what the caller needs
        } finally {
            writeLock.unlock();
        }
    }

    private void checkOpen(String call) throws SocketClosedException {
        if (closed.get()) throw new SocketClosedException(call);
    }

    // ==== modes and waiting ==================================================================

    public void configureBlocking(boolean block) throws IOException { transport.configureBlocking(block); }

    public boolean isBlocking() { return transport.isBlocking(); }

    /** The readiness the last {@link #WOULD_BLOCK} waits for: {@link Poller#IN} or {@link Poller#OUT}. */
    public int waitingFor() { return waitingFor; }

    /** Waits for {@link #waitingFor()} on the transport, up to {@code timeout} (null: no limit). */
    public boolean await(Duration timeout) throws IOException {
        return transport.await(waitingFor, timeout);
    }

    private int blocked(int events) {
        waitingFor = events;
        return WOULD_BLOCK;
    }

    public Transport transport() { return transport; }

    /** The engine, for what this class does not cover; do not wrap or unwrap with it. */
    public SSLEngine engine() { return engine; }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) task.run();
    }

    static ByteBuffer growWriteMode(ByteBuffer b, int capacity) {
        ByteBuffer n = ByteBuffer.allocate(Math.max(capacity, b.capacity()));
        b.flip();
        n.put(b);
        return n;
    }

    static ByteBuffer growReadMode(ByteBuffer b, int capacity) {
        ByteBuffer n = ByteBuffer.allocate(Math.max(capacity, b.capacity()));
        n.put(b);
        return n.flip();
    }

    // ==== ByteStream ==========================================================================

    /** Waits for what the last WOULD_BLOCK was waiting for. */
    @Override
    public void awaitReadable() throws IOException {
        await(null);
    }

    /** Sends encrypted bytes held back by a non-blocking send, waiting if it must. */
    @Override
    public void flushOutput() throws IOException {
        while (flush() == WOULD_BLOCK) await(null);
    }

    @Override
    public String toString() {
        TlsSession s = session;
        return "TlsSocket[" + transport + (s == null ? ", handshaking" : ", " + s.protocol() + " " + s.cipherSuite())
                + (isClosed() ? ", closed" : "") + "]";
    }
}
