package org.jsock.server.internal;

import org.jsock.net.Poller;
import org.jsock.net.Shutdown;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.server.Connection;
import org.jsock.server.Handler;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connection served by one thread making blocking calls (ITERATIVE, THREADS), or by one virtual
 * thread that parks on a {@link VirtualParker} when the non-blocking socket would block (VIRTUAL).
 * Writes go out before write() returns, so nothing queues: back-pressure is the blocked send itself.
 */
final class BlockingConnection implements Connection, Runnable {
    private final ServerContext ctx;
    private final Socket socket;
    private final Handler handler;
    private final VirtualParker parker;
    private final SockAddr peer;
    private volatile boolean closeRequested;
    private volatile boolean closed;

    BlockingConnection(ServerContext ctx, Socket socket, Handler handler, VirtualParker parker, SockAddr peer) {
        this.ctx = ctx;
        this.socket = socket;
        this.handler = handler;
        this.parker = parker;
        this.peer = peer;
    }

    @Override
    public void run() {
        Throwable cause = null;
        try {
            long timeout = readTimeoutNanos();
            if (parker != null) socket.configureBlocking(false);
            else if (timeout > 0) socket.set(SockOpt.SO_RCVTIMEO, Duration.ofNanos(timeout));
            callback("onAccept", () -> handler.onAccept(this));
            ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
            while (!closeRequested) {
                buf.clear();
                int n = socket.recv(buf);
                if (n == Socket.WOULD_BLOCK) {
                    if (!parker.await(socket.fd(), Poller.IN, timeout)) throw timedOut(timeout);
                    continue;
                }
                if (n == Socket.EOF) {
                    callback("onPeerShutdown", () -> handler.onPeerShutdown(this));
                    break; // nothing more can arrive: whatever the handler had to send, it has sent
                }
                buf.flip();
                callback("onRead", () -> handler.onRead(this, buf));
            }
        } catch (SocketTimeoutException e) {
            ctx.timedOut.increment();
            ctx.log("dropping " + peer + ": " + e.getMessage());
            cause = e;
        } catch (SocketClosedException e) {
            cause = closeRequested ? null : e; // closed by a server shutdown
        } catch (HandlerFailure e) {
            cause = e.getCause();
        } catch (IOException e) {
            cause = e;
        } finally {
            finish(cause);
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

    private static SocketTimeoutException timedOut(long nanos) {
        return new SocketTimeoutException("nothing received for " + nanos / 1_000_000 + " ms");
    }

    private interface Callback { void run() throws IOException; }

    /** Marks an exception thrown by the handler, so it is logged as such. */
    private static final class HandlerFailure extends RuntimeException {
        HandlerFailure(Throwable cause) { super(cause); }
    }

    private void callback(String where, Callback cb) throws IOException {
        try {
            cb.run();
        } catch (IOException e) {
            throw e; // a socket error from a write inside the handler
        } catch (Throwable e) {
            ctx.handlerErrors.increment();
            ctx.log("handler failed in " + where + " for " + peer + ": " + e + "; closing that connection");
            throw new HandlerFailure(e);
        }
    }

    private void finish(Throwable cause) {
        closed = true;
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
                if (n == Socket.WOULD_BLOCK && !parker.await(socket.fd(), Poller.OUT, 0)) {
                    throw new SocketTimeoutException("send timed out");
                }
            }
        } catch (IOException e) {
            // The peer is gone: stop serving it. The read loop sees the close and reports.
            data.position(data.limit());
            closeRequested = true;
            socket.close();
        }
    }

    @Override public boolean writable() { return !closeRequested; }

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
        socket.close();
    }

    @Override public boolean isOpen() { return !closed && !closeRequested; }

    /** Server shutdown: make a blocked recv return EOF, so the handler finishes as for a peer's close. */
    void stopReading() {
        try {
            socket.shutdown(Shutdown.READ);
        } catch (IOException ignored) {
            // already gone
        }
    }

    void forceClose() {
        closeRequested = true;
        socket.close();
    }
}
