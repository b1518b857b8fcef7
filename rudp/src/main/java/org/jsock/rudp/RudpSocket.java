package org.jsock.rudp;

import org.jsock.net.ByteStream;
import org.jsock.net.Family;
import org.jsock.net.Poller;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.rudp.conn.Connection;
import org.jsock.rudp.io.Driver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One rudp connection: a reliable, ordered byte stream over UDP, with the socket API's calls
 * ({@link #connect}, {@link #listen}, {@link #send}, {@link #recv}, {@link #shutdownOutput},
 * {@link #close}) and the same results as {@link Socket}'s: a count, {@link Socket#EOF} at the end of
 * the stream, or {@link Socket#WOULD_BLOCK} when non-blocking and not ready. As a {@link ByteStream}
 * it also offers {@link #inputStream()}, {@link #outputStream()} and {@link #channel()}.
 *
 * <p>{@link #close} is orderly: it waits (up to {@link RudpConfig#linger()}) until the peer has
 * acknowledged every byte written, so nothing written before close is lost. {@link #abort} does not wait.
 *
 * <p>Thread-safe: one thread may read while another writes, and closing wakes both.
 */
public final class RudpSocket implements ByteStream {
    private final Driver driver;
    private final Connection conn;
    private volatile boolean blocking = true;
    private volatile boolean closed;

    RudpSocket(Driver driver, Connection conn) {
        this.driver = driver;
        this.conn = conn;
    }

    /** Connects to an rudp server with the default configuration. */
    public static RudpSocket connect(SockAddr server) throws IOException {
        return connect(server, RudpConfig.defaults());
    }

    /**
     * Connects to an rudp server: binds an ephemeral UDP port, runs the handshake (RETRY cookie and
     * all), and returns once the server has answered. Throws {@link RudpException} (kind
     * HANDSHAKE_TIMEOUT, NO_COMMON_VERSION) when it cannot.
     */
    public static RudpSocket connect(SockAddr server, RudpConfig config) throws IOException {
        if (server instanceof SockAddr.Unix) throw new IllegalArgumentException("rudp runs over UDP/IP, not " + server);
        SockAddr any = server.family() == Family.INET ? SockAddr.Inet4.any(0) : SockAddr.Inet6.any(0);
        Driver d = Driver.start(any, server, config);
        d.lock.lock();
        try {
            Connection c = d.endpoint().connect(d.now(), server);
            d.touched(c);
            long limit = config.handshakeTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
            long deadline = System.nanoTime() + limit;
            while (!c.isEstablished() && c.failure() == null && c.state() != Connection.State.CLOSED && !d.isStopped()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                d.changed.awaitNanos(left);
            }
            if (!c.isEstablished()) {
                d.release();
                if (c.failure() != null) throw copy(c.failure());
                if (d.fatal() != null) throw d.fatal();
                throw new RudpException(RudpException.Kind.HANDSHAKE_TIMEOUT, -1, "", "connect: connection timed out");
            }
            return new RudpSocket(d, c);
        } catch (InterruptedException e) {
            d.release();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("connect: interrupted");
        } finally {
            d.lock.unlock();
        }
    }

    /** A server socket on {@code local} with the default configuration. */
    public static RudpListener listen(SockAddr local) throws IOException {
        return listen(local, RudpConfig.defaults());
    }

    /** A server socket on {@code local}: {@link RudpListener#accept()} returns each new connection. */
    public static RudpListener listen(SockAddr local, RudpConfig config) throws IOException {
        return RudpListener.bind(local, config);
    }

    // The caller's copy: the connection's exception was made on another thread.
    private static RudpException copy(RudpException e) {
        RudpException c = new RudpException(e.kind(), e.code(), e.reason(), e.getMessage());
        c.initCause(e);
        return c;
    }

    /**
     * Reads into {@code dst}: the count, {@link Socket#EOF} at the end of the stream, or
     * {@link Socket#WOULD_BLOCK} when non-blocking and nothing is ready. Blocking, it waits for at least one byte.
     */
    @Override
    public int recv(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) return 0;
        driver.lock.lock();
        try {
            while (true) {
                checkOpen("recv");
                int n = conn.read(dst);
                if (n > 0) {
                    driver.touched(conn);   // the window may have opened: MAX_DATA
                    return n;
                }
                if (n < 0) return Socket.EOF;
                if (!blocking) return Socket.WOULD_BLOCK;
                await("recv");
            }
        } catch (RudpException e) {
            throw copy(e);
        } finally {
            driver.lock.unlock();
        }
    }

    /**
     * Writes from {@code src} into the send buffer: the count (at least one byte when blocking), or
     * {@link Socket#WOULD_BLOCK} when non-blocking and the buffer is full.
     */
    @Override
    public int send(ByteBuffer src) throws IOException {
        if (!src.hasRemaining()) return 0;
        driver.lock.lock();
        try {
            while (true) {
                checkOpen("send");
                int n = conn.write(src);
                if (n > 0) {
                    driver.touched(conn);
                    return n;
                }
                if (!blocking) return Socket.WOULD_BLOCK;
                await("send");
            }
        } catch (RudpException e) {
            throw copy(e);
        } finally {
            driver.lock.unlock();
        }
    }

    @Override
    public void sendAll(byte[] b, int off, int len) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(b, off, len);
        while (src.hasRemaining()) {
            if (send(src) == Socket.WOULD_BLOCK) awaitWritable();
        }
    }

    /** Ends our direction: the peer reads end of stream after the last byte written. */
    @Override
    public void shutdownOutput() throws IOException {
        driver.lock.lock();
        try {
            checkOpen("shutdown");
            conn.shutdownOutput();
            driver.touched(conn);
        } finally {
            driver.lock.unlock();
        }
    }

    /** Stops reading: later reads return end of stream and arriving data is dropped. */
    public void shutdownInput() throws IOException {
        driver.lock.lock();
        try {
            checkOpen("shutdown");
            conn.shutdownInput();
            driver.touched(conn);
        } finally {
            driver.lock.unlock();
        }
    }

    @Override
    public void awaitReadable() throws IOException {
        await(Poller.IN, null);
    }

    /** Waits until the send buffer has room. */
    public void awaitWritable() throws IOException {
        await(Poller.OUT, null);
    }

    /**
     * Waits until the socket is ready for {@code events} ({@link Poller#IN}, {@link Poller#OUT}) or the
     * timeout passes (null: no limit). Returns false on timeout. A finished or failed connection is ready.
     */
    public boolean await(int events, Duration timeout) throws IOException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        driver.lock.lock();
        try {
            while (true) {
                checkOpen("poll");
                if ((events & Poller.IN) != 0 && conn.readable()) return true;
                if ((events & Poller.OUT) != 0 && (conn.writable() > 0 || conn.isTerminated() || conn.failure() != null)) return true;
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
        } finally {
            driver.lock.unlock();
        }
    }

    private void await(String call) throws IOException {
        awaitNanos(TimeUnit.SECONDS.toNanos(1));
        checkOpen(call);
    }

    private void awaitNanos(long nanos) throws IOException {
        try {
            driver.changed.awaitNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        if (driver.isStopped() && driver.fatal() != null) throw driver.fatal();
    }

    private void checkOpen(String call) throws SocketClosedException {
        if (closed) throw new SocketClosedException(call);
    }

    /**
     * Orderly close: sends end of stream, waits up to the linger time for every byte to be acknowledged,
     * then ends the connection with CLOSE(NO_ERROR). Threads blocked on this socket wake with
     * {@link SocketClosedException}. Idempotent. Non-blocking sockets return at once and finish in the background.
     */
    @Override
    public void close() {
        driver.lock.lock();
        try {
            if (closed) return;
            closed = true;
            try {
                conn.close(driver.now());
                driver.touched(conn);
                if (blocking) {
                    long deadline = System.nanoTime() + driver.endpoint().config().linger().toNanos() + TimeUnit.SECONDS.toNanos(1);
                    while (!conn.isTerminated() && !driver.isStopped()) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) break;
                        driver.changed.awaitNanos(left);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                driver.changed.signalAll();
                driver.release();
            }
        } finally {
            driver.lock.unlock();
        }
    }

    /** Ends the connection at once with APPLICATION_ERROR and {@code reason}; unacknowledged data is dropped. */
    public void abort(String reason) {
        driver.lock.lock();
        try {
            if (closed) return;
            closed = true;
            conn.abort(driver.now(), reason);
            driver.touched(conn);
            driver.release();
        } finally {
            driver.lock.unlock();
        }
    }

    /**
     * The close result: null if every byte written was acknowledged and the close was orderly, else why
     * not (linger expired, aborted, the peer failed). Meaningful after {@link #close()} returned.
     */
    public RudpException closeFailure() {
        driver.lock.lock();
        try {
            return conn.failure();
        } finally {
            driver.lock.unlock();
        }
    }

    @Override
    public boolean isClosed() { return closed; }

    public void configureBlocking(boolean block) { this.blocking = block; }

    public boolean isBlocking() { return blocking; }

    public SockAddr localAddress() { return driver.localAddress(); }

    public SockAddr peerAddress() { return conn.peer(); }

    /** A snapshot of the connection's counters. */
    public RudpStats stats() {
        driver.lock.lock();
        try {
            return conn.stats(driver.endpoint().corruptDropped());
        } finally {
            driver.lock.unlock();
        }
    }

    @Override public String toString() { return "rudp " + localAddress() + " -> " + peerAddress() + (closed ? " closed" : ""); }
}
