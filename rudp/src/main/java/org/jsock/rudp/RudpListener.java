package org.jsock.rudp;

import org.jsock.net.SockAddr;
import org.jsock.net.SocketClosedException;
import org.jsock.rudp.conn.Connection;
import org.jsock.rudp.io.Driver;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An rudp server socket: one UDP port, many connections, told apart by connection ID. A client gets
 * a connection only after proving its address with the stateless cookie (docs/rudp.md).
 * {@link #accept()} returns connections in the order their handshakes completed.
 *
 * <p>Closing the listener stops new connections; connections already accepted go on until they close.
 */
public final class RudpListener implements Closeable {
    private final Driver driver;
    private volatile boolean blocking = true;
    private volatile boolean closed;

    private RudpListener(Driver driver) {
        this.driver = driver;
    }

    static RudpListener bind(SockAddr local, RudpConfig config) throws IOException {
        if (local instanceof SockAddr.Unix) throw new IllegalArgumentException("rudp runs over UDP/IP, not " + local);
        return new RudpListener(Driver.start(local, null, config));
    }

    /** The next connection: waits for one when blocking, or returns null when non-blocking and none is ready. */
    public RudpSocket accept() throws IOException {
        return accept(null);
    }

    /** The next connection, waiting at most {@code timeout} (null: no limit); null on timeout. */
    public RudpSocket accept(Duration timeout) throws IOException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        driver.lock.lock();
        try {
            while (true) {
                if (closed) throw new SocketClosedException("accept");
                if (driver.isStopped() && driver.fatal() != null) throw driver.fatal();
                Connection c = driver.endpoint().accept();
                if (c != null) {
                    driver.retain();
                    return new RudpSocket(driver, c);
                }
                if (!blocking) return null;
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                driver.changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("accept: interrupted");
        } finally {
            driver.lock.unlock();
        }
    }

    public SockAddr localAddress() { return driver.localAddress(); }

    public void configureBlocking(boolean block) { this.blocking = block; }

    public boolean isClosed() { return closed; }

    /** Endpoint-wide counters: datagrams, corrupt drops, RETRYs, version negotiations, invalid cookies, send drops. */
    public java.util.Map<String, Long> counters() {
        driver.lock.lock();
        try {
            return driver.counters();
        } finally {
            driver.lock.unlock();
        }
    }

    /** Stops accepting; connections not yet accepted are aborted. Idempotent. */
    @Override
    public void close() {
        driver.lock.lock();
        try {
            if (closed) return;
            closed = true;
            driver.endpoint().stopAccepting(driver.now());
            driver.endpoint().flush(driver.now());
            driver.changed.signalAll();
            driver.release();
        } finally {
            driver.lock.unlock();
        }
    }

    @Override public String toString() { return "rudp listener " + localAddress(); }
}
