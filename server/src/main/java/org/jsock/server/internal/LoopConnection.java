package org.jsock.server.internal;

import org.jsock.net.Poller;
import org.jsock.net.Shutdown;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.server.Connection;
import org.jsock.server.Handler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * A connection on an {@link EventLoop}: non-blocking socket, a write queue with watermarks, and the
 * handler's callbacks. Touched only by its loop's thread.
 * <pre>
 *   readable  -> recv into the loop's buffer -> onRead       (EOF -> onPeerShutdown)
 *   write()   -> send now; what is left is copied to the queue and OUT interest is set
 *   writable  -> send from the queue; empty -> drop OUT; then a pending shutdown or close happens
 *   queued > high -> stop reading;  queued < low -> read again and call onWritable
 * </pre>
 */
final class LoopConnection implements Connection {
    private static final int READS_PER_EVENT = 16;

    private final EventLoop loop;
    private final Socket socket;
    private final int fd;
    private final Handler handler;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long queued;
    private int interest = Poller.IN | Poller.RDHUP;
    private boolean readPaused;
    private boolean peerShutdown;
    private boolean shutdownPending;
    /** close() was called: input is dropped, the queue drains, then output shuts and we wait for EOF. */
    private boolean closePending;
    private boolean outputShut;
    private boolean closed;
    private Timers.Timer lingerTimer;
    private long lastRead = System.nanoTime();
    private long lastActivity = lastRead;
    private Timers.Timer timer;
    private SockAddr peer;

    LoopConnection(EventLoop loop, Socket socket, Handler handler) {
        this.loop = loop;
        this.socket = socket;
        this.fd = socket.fd();
        this.handler = handler;
    }

    void start() {
        armTimer();
        try {
            handler.onAccept(this);
        } catch (Throwable e) {
            handlerFailed("onAccept", e);
        }
    }

    // ---- events ----------------------------------------------------------------------------------

    void onEvents(int ev) {
        if (closed) return;
        if ((ev & Poller.OUT) != 0) flush();
        if (closed) return;
        if ((ev & (Poller.IN | Poller.RDHUP | Poller.HUP | Poller.ERR)) != 0 && closePending && !peerShutdown) discard();
        else if ((ev & (Poller.IN | Poller.RDHUP | Poller.HUP | Poller.ERR)) != 0 && !readPaused && !peerShutdown) read();
        else if ((ev & (Poller.HUP | Poller.ERR)) != 0 && !closed) {
            // Reading is paused but the connection broke: find out how, and close.
            probeError();
        }
    }

    private void read() {
        ByteBuffer buf = loop.readBuffer;
        for (int i = 0; i < READS_PER_EVENT && !closed && !readPaused && !peerShutdown; i++) {
            buf.clear();
            int n;
            try {
                n = socket.recv(buf);
            } catch (IOException e) {
                closeNow(e);
                return;
            }
            if (n == Socket.WOULD_BLOCK) return;
            long now = System.nanoTime();
            if (n == Socket.EOF) {
                peerShutdown = true;
                lastActivity = now;
                setInterest(interest & ~(Poller.IN | Poller.RDHUP));
                try {
                    handler.onPeerShutdown(this);
                } catch (Throwable e) {
                    handlerFailed("onPeerShutdown", e);
                }
                return;
            }
            lastRead = lastActivity = now;
            buf.flip();
            try {
                handler.onRead(this, buf);
            } catch (Throwable e) {
                handlerFailed("onRead", e);
                return;
            }
            if (n < buf.capacity()) return; // drained: no need to try again
        }
    }

    /**
     * Closing: what the peer still sends is read and dropped. Left unread, it would make close(2)
     * answer with a RST, and a RST throws away the replies still in the send buffer.
     */
    private void discard() {
        ByteBuffer buf = loop.readBuffer;
        for (int i = 0; i < READS_PER_EVENT; i++) {
            buf.clear();
            int n;
            try {
                n = socket.recv(buf);
            } catch (IOException e) {
                closeNow(e);
                return;
            }
            if (n == Socket.WOULD_BLOCK) return;
            if (n == Socket.EOF) {
                peerShutdown = true;
                setInterest(interest & ~(Poller.IN | Poller.RDHUP));
                if (queue.isEmpty()) closeNow(null);
                return;
            }
        }
    }

    private void probeError() {
        try {
            int err = socket.get(org.jsock.net.SockOpt.SO_ERROR);
            closeNow(err == 0 ? null : new org.jsock.sys.ErrnoException("recv", err));
        } catch (IOException e) {
            closeNow(e);
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    @Override
    public void write(ByteBuffer data) {
        if (closed || closePending || shutdownPending) {
            data.position(data.limit());
            return;
        }
        if (queue.isEmpty() && data.hasRemaining()) {
            try {
                int n = socket.send(data);
                if (n > 0) lastActivity = System.nanoTime();
            } catch (IOException e) {
                closeNow(e);
                data.position(data.limit());
                return;
            }
        }
        if (!data.hasRemaining()) return;
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        queue.add(copy);
        queued += copy.remaining();
        setInterest(interest | Poller.OUT);
        if (queued > loop.ctx.config.highWatermark() && !readPaused) {
            readPaused = true;
            setInterest(interest & ~(Poller.IN | Poller.RDHUP));
        }
    }

    private void flush() {
        while (!queue.isEmpty()) {
            ByteBuffer head = queue.peek();
            int n;
            try {
                n = socket.send(head);
            } catch (IOException e) {
                closeNow(e);
                return;
            }
            if (n == Socket.WOULD_BLOCK) break;
            queued -= n;
            lastActivity = System.nanoTime();
            if (head.hasRemaining()) break;
            queue.poll();
        }
        if (!queue.isEmpty()) return;
        setInterest(interest & ~Poller.OUT);
        if (closePending) {
            finishClose();
            return;
        }
        if (shutdownPending) {
            shutdownPending = false;
            shutOutput();
            if (closed) return;
        }
        if (readPaused && queued <= loop.ctx.config.lowWatermark()) {
            readPaused = false;
            if (!peerShutdown) setInterest(interest | Poller.IN | Poller.RDHUP);
            try {
                handler.onWritable(this);
            } catch (Throwable e) {
                handlerFailed("onWritable", e);
            }
        }
    }

    @Override public boolean writable() { return !closed && !closePending && queued <= loop.ctx.config.highWatermark(); }

    @Override public long queued() { return queued; }

    @Override
    public void shutdownOutput() {
        if (closed || outputShut) return;
        if (queue.isEmpty()) {
            shutOutput();
        } else {
            shutdownPending = true;
        }
    }

    private void shutOutput() {
        outputShut = true;
        try {
            socket.shutdown(Shutdown.WRITE);
        } catch (IOException e) {
            closeNow(e);
        }
    }

    /**
     * A lingering close: the queue drains, then output shuts (the peer reads EOF after the last
     * byte), and the socket closes when the peer's EOF comes, or after the drain timeout. Input
     * meanwhile is read and dropped, never left to turn the close into a RST.
     */
    @Override
    public void close() {
        if (closed || closePending) return;
        closePending = true;
        if (!peerShutdown) {
            readPaused = false;
            setInterest(interest | Poller.IN | Poller.RDHUP);
        }
        if (closed) return;
        Duration drain = loop.ctx.config.drainTimeout();
        lingerTimer = loop.timers.schedule(System.nanoTime() + drain.toNanos(), () -> closeNow(null));
        if (queue.isEmpty()) finishClose();
    }

    private void finishClose() {
        if (peerShutdown) {
            closeNow(null);
            return;
        }
        if (!outputShut) shutOutput();
    }

    @Override public void abort() { closeNow(null); }

    @Override public boolean isOpen() { return !closed; }

    @Override
    public SockAddr peer() {
        if (peer == null) {
            try {
                peer = socket.peerAddress();
            } catch (IOException e) {
                return null;
            }
        }
        return peer;
    }

    void closeNow(Throwable cause) {
        if (closed) return;
        closed = true;
        if (timer != null) timer.cancel();
        if (lingerTimer != null) lingerTimer.cancel();
        try {
            loop.poller.remove(fd);
        } catch (IOException ignored) {
            // the socket closes below either way
        }
        socket.close();
        queue.clear();
        queued = 0;
        loop.connections.remove(this);
        loop.ctx.release();
        try {
            handler.onClose(this, cause);
        } catch (Throwable e) {
            loop.ctx.handlerErrors.increment();
            loop.ctx.log("handler failed in onClose: " + e);
        }
    }

    private void handlerFailed(String where, Throwable e) {
        loop.ctx.handlerErrors.increment();
        loop.ctx.log("handler failed in " + where + " for " + peer() + ": " + e + "; closing that connection");
        closeNow(e);
    }

    private void setInterest(int want) {
        if (closed || want == interest) return;
        interest = want;
        try {
            loop.poller.modify(fd, want);
        } catch (IOException e) {
            closeNow(e);
        }
    }

    // ---- timeouts ------------------------------------------------------------------------------

    /** One timer per connection, at the earliest deadline; it re-arms itself while traffic flows. */
    private void armTimer() {
        Duration idle = loop.ctx.config.idleTimeout();
        Duration read = loop.ctx.config.readTimeout();
        if (idle.isZero() && read.isZero()) return;
        long deadline = Long.MAX_VALUE;
        if (!idle.isZero()) deadline = Math.min(deadline, lastActivity + idle.toNanos());
        if (!read.isZero()) deadline = Math.min(deadline, lastRead + read.toNanos());
        timer = loop.timers.schedule(deadline, this::onTimer);
    }

    private void onTimer() {
        if (closed) return;
        long now = System.nanoTime();
        Duration idle = loop.ctx.config.idleTimeout();
        Duration read = loop.ctx.config.readTimeout();
        String why = null;
        if (!idle.isZero() && now - lastActivity >= idle.toNanos()) why = "idle for " + idle.toMillis() + " ms";
        else if (!read.isZero() && now - lastRead >= read.toNanos()) why = "nothing received for " + read.toMillis() + " ms";
        if (why != null) {
            loop.ctx.timedOut.increment();
            loop.ctx.log("dropping " + peer() + ": " + why);
            closeNow(new java.net.SocketTimeoutException(why));
            return;
        }
        armTimer();
    }
}
