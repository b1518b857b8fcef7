package org.jsock.rudp.io;

import org.jsock.net.Family;
import org.jsock.net.Poller;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.conn.Connection;
import org.jsock.rudp.conn.Endpoint;
import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs an {@link Endpoint} over a real jsock UDP socket: one daemon thread waits in epoll for
 * datagrams or the endpoint's next timer, and feeds both in. Application threads call the endpoint
 * under {@link #lock} and wait on {@link #changed}, which the driver signals after every event.
 *
 * <p>The driver ends, closing its socket, when no user holds it ({@link #retain}/{@link #release})
 * and every connection has finished closing.
 */
public final class Driver {
    /** IP_PMTUDISC_DO: set DF and refuse to fragment (linux/in.h). */
    private static final int PMTUDISC_DO = 2;
    private static final int RECV_BATCH = 256;

    public final ReentrantLock lock = new ReentrantLock();
    public final Condition changed = lock.newCondition();

    private final Socket udp;
    private final Poller poller;
    private final Endpoint endpoint;
    private final SockAddr local;
    private final Thread thread;
    private final ByteBuffer in;
    private int users = 1;   // the caller of start() holds it
    private volatile boolean stopped;
    private volatile long sleepingUntil = Long.MAX_VALUE;
    private long sendDrops, sendErrors;
    private IOException fatal;
    private boolean unreachable;

    private Driver(Socket udp, Poller poller, RudpConfig config, boolean server) throws IOException {
        this.udp = udp;
        this.poller = poller;
        this.endpoint = new Endpoint(config, server, new SecureRandom(), this::sendDatagram);
        this.local = udp.localAddress();
        this.in = ByteBuffer.allocateDirect(RudpConfig.MAX_DATAGRAM);
        this.thread = Thread.ofPlatform().daemon().name((server ? "rudp server " : "rudp client ") + local).unstarted(this::run);
    }

    /**
     * Binds a UDP socket to {@code bind} and starts the driver thread, held once by the caller. A client
     * passes its server as {@code peer}: the socket is connected to it, so only the server's datagrams
     * arrive and a closed port is reported (ICMP port unreachable becomes ECONNREFUSED).
     */
    public static Driver start(SockAddr bind, SockAddr peer, RudpConfig config) throws IOException {
        boolean server = peer == null;
        Socket udp = Socket.udp(bind.family());
        Poller poller = null;
        try {
            if (server) udp.set(SockOpt.SO_REUSEADDR, true);
            // Room for bursts: a full congestion window can arrive between two wakeups.
            udp.set(SockOpt.SO_RCVBUF, 4 << 20);
            udp.set(SockOpt.SO_SNDBUF, 4 << 20);
            if (bind.family() == Family.INET6) {
                udp.setIntOption(Sys.IPPROTO_IPV6, Sys.IPV6_MTU_DISCOVER, PMTUDISC_DO);
            }
            // IPv4, and IPv4-mapped traffic on a dual-stack IPv6 socket.
            udp.setIntOption(Sys.IPPROTO_IP, Sys.IP_MTU_DISCOVER, PMTUDISC_DO);
            udp.bind(bind);
            if (peer != null) udp.connect(peer);
            udp.configureBlocking(false);
            poller = Poller.open();
            poller.add(udp.fd(), Poller.IN, null);
            Driver d = new Driver(udp, poller, config, server);
            d.thread.start();
            return d;
        } catch (IOException | RuntimeException e) {
            if (poller != null) poller.close();
            udp.close();
            throw e;
        }
    }

    public Endpoint endpoint() { return endpoint; }

    public SockAddr localAddress() { return local; }

    public long now() { return System.nanoTime(); }

    /** Under {@link #lock}: the application changed {@code c}; send now and wake the driver if its timer moved earlier. */
    public void touched(Connection c) {
        long now = now();
        endpoint.touched(now, c);
        changed.signalAll();
        if (endpoint.nextTimer() < sleepingUntil) poller.wakeup();
    }

    /** Under {@link #lock}: one more socket uses this driver. */
    public void retain() { users++; }

    /** Under {@link #lock}: a socket is done with this driver; it stops once its connections finish. */
    public void release() {
        users--;
        poller.wakeup();
    }

    /** Under {@link #lock}: the I/O error that stopped the driver, or null. */
    public IOException fatal() { return fatal; }

    public boolean isStopped() { return stopped; }

    /**
     * Under {@link #lock}: the endpoint's counters, and the datagrams the socket would not take
     * (a full buffer: they count as lost) or refused with an error.
     */
    public java.util.Map<String, Long> counters() {
        java.util.Map<String, Long> m = endpoint.counters();
        m.put("sendDrops", sendDrops);
        m.put("sendErrors", sendErrors);
        return m;
    }

    private void sendDatagram(SockAddr to, ByteBuffer datagram) {
        try {
            int n = udp.sendTo(datagram, to);
            if (n == Socket.WOULD_BLOCK) sendDrops++;
        } catch (ErrnoException e) {
            if (e.is("ECONNREFUSED")) unreachable = true;   // an earlier datagram's ICMP error, reported here
            else sendErrors++;
        } catch (IOException e) {
            sendErrors++;   // e.g. ENETUNREACH: the packet is lost; recovery decides what happens next
        }
    }

    private void run() {
        try {
            while (true) {
                long deadline;
                lock.lock();
                try {
                    if (users <= 0 && endpoint.connectionCount() == 0) break;
                    deadline = endpoint.nextTimer();
                    sleepingUntil = deadline;
                } finally {
                    lock.unlock();
                }
                int timeout = timeoutMillis(deadline);
                poller.poll(timeout);
                lock.lock();
                try {
                    sleepingUntil = Long.MIN_VALUE;
                    long now = now();
                    for (int i = 0; i < RECV_BATCH; i++) {
                        // Each datagram at its own time: an ACK may answer a packet sent earlier in
                        // this batch, and one shared timestamp would make its RTT sample zero.
                        now = now();
                        in.clear();
                        SockAddr from;
                        try {
                            from = udp.recvFrom(in);
                        } catch (ErrnoException e) {
                            if (!e.is("ECONNREFUSED")) throw e;
                            unreachable = true;
                            continue;
                        }
                        if (from == null) break;
                        in.flip();
                        endpoint.onDatagram(now, from, in);
                    }
                    if (unreachable) {
                        unreachable = false;
                        endpoint.onUnreachable(now);
                    }
                    if (endpoint.nextTimer() <= now) endpoint.onTimer(now);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException | RuntimeException e) {
            lock.lock();
            try {
                fatal = e instanceof IOException io ? io : new IOException("rudp driver failed: " + e, e);
                if (Boolean.getBoolean("jsock.rudp.debug")) e.printStackTrace();
            } finally {
                lock.unlock();
            }
        } finally {
            lock.lock();
            try {
                stopped = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            poller.close();
            udp.close();
        }
    }

    private int timeoutMillis(long deadline) {
        if (deadline == Long.MAX_VALUE) return 1000;   // re-check users now and then
        long left = deadline - now();
        if (left <= 0) return 0;
        // Round up: waking early would spin; a millisecond late is within the timers' tolerance.
        return (int) Math.min(1000, (left + 999_999) / 1_000_000);
    }
}
