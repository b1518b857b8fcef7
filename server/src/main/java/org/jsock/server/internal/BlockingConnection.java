package org.jsock.server.internal;

import org.jsock.net.Poller;
import org.jsock.net.Shutdown;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.server.Connection;
import org.jsock.server.Handler;
import org.jsock.sys.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A connection served by one thread (ITERATIVE, THREADS), or by one virtual thread that parks on a
 * {@link VirtualParker} whenever its non-blocking socket would block (VIRTUAL). Writes go out
 * before write() returns, so nothing queues: back-pressure is the blocked send itself.
 * <pre>
 *   onAccept; loop { wait readable (or timeout, or server stop); recv; onRead | onPeerShutdown }
 *   then a lingering close: shutdown(SHUT_WR), drop input until EOF or the drain time, close
 * </pre>
 * Platform threads wait with poll(2) on the socket and the engine's stop eventfd, so a server
 * stop wakes idle readers without touching their sockets (a shutdown(SHUT_RD) would turn the close
 * into a RST that throws away replies still being sent).
 */
final class BlockingConnection implements Connection, Runnable {
    private static final int READY = VirtualParker.READY;
    private static final int TIMEOUT = VirtualParker.TIMEOUT;
    private static final int STOP = VirtualParker.ABORTED;

    private final ServerContext ctx;
    private final Socket socket;
    private final Handler handler;
    private final VirtualParker parker;
    private final VirtualParker.Registration registration;
    private final int stopFd;
    private final SockAddr peer;
    /** Two pollfds (socket, stop eventfd) for platform threads. */
    private final MemorySegment pollfds;
    private volatile Thread thread;
    /** The server is stopping: read no more, finish what is being written. */
    private volatile boolean stopRequested;
    /** The drain time is over: give up even on writes. */
    private volatile boolean killed;
    private volatile boolean closeRequested;
    private volatile boolean closed;
    private boolean peerEof;

    BlockingConnection(ServerContext ctx, Socket socket, Handler handler, VirtualParker parker, int stopFd, SockAddr peer) {
        this.ctx = ctx;
        this.socket = socket;
        this.handler = handler;
        this.parker = parker;
        this.stopFd = stopFd;
        this.peer = peer;
        this.pollfds = parker == null ? Arena.ofAuto().allocate(16, 8) : null;
        this.registration = parker == null ? null : new VirtualParker.Registration(socket.fd());
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        Throwable cause = null;
        boolean linger = true;
        try {
            // Non-blocking on every model: a read is tried first, and only a would-block waits
            // (poll with the stop fd, or a park), so a busy connection makes one call per read.
            socket.configureBlocking(false);
            long timeout = readTimeoutNanos();
            callback("onAccept", () -> handler.onAccept(this));
            while (!closeRequested) {
                if (stopRequested) break;
                // Borrowed for this read and its callback only: a waiting connection holds no buffer.
                ByteBuffer buf = ctx.readBuffers.take();
                int n;
                try {
                    n = socket.recv(buf);
                    if (n > 0) {
                        buf.flip();
                        callback("onRead", () -> handler.onRead(this, buf));
                    }
                } finally {
                    ctx.readBuffers.give(buf);
                }
                if (n == Socket.WOULD_BLOCK) {
                    int w = awaitReadable(timeout);
                    if (w == STOP) break;
                    if (w == TIMEOUT) {
                        ctx.timedOut.increment();
                        String why = "nothing received for " + timeout / 1_000_000 + " ms";
                        ctx.log("dropping " + peer + ": " + why);
                        cause = new SocketTimeoutException(why);
                        linger = false;
                        break;
                    }
                    continue;
                }
                if (n == Socket.EOF) {
                    peerEof = true;
                    callback("onPeerShutdown", () -> handler.onPeerShutdown(this));
                    break; // nothing more can arrive: whatever the handler had to send, it has sent
                }
            }
            if (linger && !killed) lingeringClose();
        } catch (SocketClosedException e) {
            cause = killed || closeRequested ? null : e;
        } catch (HandlerFailure e) {
            cause = e.getCause();
        } catch (IOException e) {
            cause = e;
        } finally {
            finish(cause);
        }
    }

    /** READY, TIMEOUT (no bytes for {@code timeoutNanos}; 0 means no limit) or STOP. */
    private int awaitReadable(long timeoutNanos) throws IOException {
        if (stopRequested) return STOP;
        if (parker != null) return parker.await(registration, Poller.IN, timeoutNanos, () -> stopRequested || killed);
        int ms = timeoutNanos == 0 ? -1 : (int) Math.max(1, timeoutNanos / 1_000_000);
        pollfds.set(ValueLayout.JAVA_INT, 0, socket.fd());
        pollfds.set(ValueLayout.JAVA_SHORT, 4, (short) Sys.POLLIN);
        pollfds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        pollfds.set(ValueLayout.JAVA_INT, 8, stopFd);
        pollfds.set(ValueLayout.JAVA_SHORT, 12, (short) Sys.POLLIN);
        pollfds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
        if (socket.isClosed()) throw new SocketClosedException("poll");
        int n = Sys.poll(pollfds, 2, ms);
        if (n == 0) return TIMEOUT;
        if (pollfds.get(ValueLayout.JAVA_SHORT, 14) != 0 || stopRequested) return STOP;
        return READY;
    }

    /**
     * Output shuts after the last byte; input is dropped until the peer's EOF or the drain time.
     * Closing with input unread would make the kernel answer with a RST instead.
     */
    private void lingeringClose() throws IOException {
        if (!peerEof) {
            socket.shutdown(Shutdown.WRITE);
            long end = System.nanoTime() + ctx.config.drainTimeout().toNanos();
            ByteBuffer sink = ctx.readBuffers.take();
            try {
                drain(end, sink);
            } finally {
                ctx.readBuffers.give(sink);
            }
        }
    }

    /** Drops input until the peer's EOF, the drain deadline, or a kill. */
    private void drain(long end, ByteBuffer sink) throws IOException {
        while (!killed) {
            long left = end - System.nanoTime();
            if (left <= 0) break;
            int w = parker != null
                    ? parker.await(registration, Poller.IN, left, () -> killed)
                    : socket.await(Sys.POLLIN, Duration.ofNanos(left)) ? READY : TIMEOUT;
            if (w != READY) break;
            sink.clear();
            int n = socket.recv(sink);
            if (n == Socket.EOF) break;
        }
    }

    private long readTimeoutNanos() {
        Duration idle = ctx.config.idleTimeout();
        Duration read = ctx.config.readTimeout();
        long t = 0;
        if (!idle.isZero()) t = idle.toNanos();
        if (!read.isZero()) t = t == 0 ? read.toNanos() : Math.min(t, read.toNanos());
        return t;
    }

    private interface Callback { void run() throws IOException; }

    /** Marks an exception thrown by the handler, so it is logged and counted as such. */
    private static final class HandlerFailure extends RuntimeException {
        HandlerFailure(Throwable cause) { super(cause); }
    }

    // Connection.write never throws (a broken socket closes the connection), so anything a
    // callback throws, IOException included, is the handler's own failure.
    private void callback(String where, Callback cb) {
        try {
            cb.run();
        } catch (Throwable e) {
            ctx.handlerErrors.increment();
            ctx.log("handler failed in " + where + " for " + peer + ": " + e + "; closing that connection");
            throw new HandlerFailure(e);
        }
    }

    private void finish(Throwable cause) {
        closed = true;
        if (registration != null) parker.release(registration);
        socket.close();
        ctx.release();
        try {
            handler.onClose(this, cause);
        } catch (Throwable e) {
            ctx.handlerErrors.increment();
            ctx.log("handler failed in onClose: " + e);
        }
    }

    @Override public SockAddr peer() { return peer; }

    @Override
    public void write(ByteBuffer data) {
        try {
            while (data.hasRemaining()) {
                int n = socket.send(data);
                if (n != Socket.WOULD_BLOCK) continue;
                if (parker != null) {
                    if (parker.await(registration, Poller.OUT, 0, () -> killed) != READY) throw new SocketClosedException("send");
                } else {
                    socket.await(Sys.POLLOUT, null); // a forced close wakes it (the socket's pre-close)
                    if (killed) throw new SocketClosedException("send");
                }
            }
        } catch (IOException e) {
            // The peer is gone, or the server gave up on it: stop serving it; the read loop ends.
            data.position(data.limit());
            closeRequested = true;
            socket.close();
        }
    }

    @Override public boolean writable() { return !closeRequested && !killed; }

    @Override public long queued() { return 0; }

    @Override
    public void shutdownOutput() {
        try {
            socket.shutdown(Shutdown.WRITE);
        } catch (IOException e) {
            closeRequested = true;
        }
    }

    @Override public void close() { closeRequested = true; }

    @Override public void abort() {
        closeRequested = true;
        killed = true;
        socket.close();
    }

    @Override public boolean isOpen() { return !closed && !closeRequested; }

    /** Server stop: read no more; a thread waiting to read wakes (poll on the stop fd, or unpark). */
    void stop() {
        stopRequested = true;
        Thread t = thread;
        if (parker != null && t != null) LockSupport.unpark(t);
    }

    /** The drain time is over: close now, waking a thread blocked in any call on the socket. */
    void forceClose() {
        killed = true;
        closeRequested = true;
        socket.close();
        Thread t = thread;
        if (parker != null && t != null) LockSupport.unpark(t);
    }
}
