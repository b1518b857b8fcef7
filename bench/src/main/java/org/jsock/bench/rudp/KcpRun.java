package org.jsock.bench.rudp;

import io.jpower.kcp.netty.Kcp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jsock.net.Poller;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;
import org.jsock.net.Family;
import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.impair.Relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One KCP bulk transfer through the same {@link Relay} as rudp's: a sender and a receiver, each a
 * thread running the usual KCP loop over a jsock UDP socket: read every datagram into
 * {@code Kcp.input}, move application data in and out, call {@code Kcp.update} when {@code Kcp.check}
 * says, at once after new data was queued (as kcp-netty's channels do with fast flush), and just before
 * input, so that KCP's clock is current when it takes an RTT sample (its ACKs then go out at once too).
 *
 * <p>KCP has no handshake and no end of stream: both sides use conversation 1, the receiver knows the
 * size, and the sender is done when every segment has been acknowledged ({@code waitSnd() == 0}).
 */
final class KcpRun {
    /**
     * How KCP is set up ({@code ikcp_nodelay(nodelay, interval, resend, nc)}, {@code ikcp_wndsize}, {@code ikcp_setmtu}).
     *
     * @param window send and receive window, in segments
     * @param mtu    the largest datagram KCP sends (its 24-byte header included)
     */
    record Settings(String name, boolean nodelay, int intervalMillis, int fastResend, boolean noCongestionWindow,
                    int window, int mtu) {
        String describe() {
            return "nodelay " + (nodelay ? 1 : 0) + ", interval " + intervalMillis + " ms, resend " + fastResend + ", nc "
                    + (noCongestionWindow ? 1 : 0) + ", window " + window + " segments (" + window * (mtu - Kcp.IKCP_OVERHEAD)
                    + " B), mtu " + mtu + ", stream mode";
        }
    }

    /**
     * @param upDatagrams            datagrams the sender handed to its socket
     * @param retransmittedBytes     data bytes in the sender's PUSH segments beyond the payload: data sent again
     * @param timeoutRetransmissions KCP's own count (xmit) of segments resent on their timer
     * @param deadLink               KCP declared the link dead (a segment sent {@code dead_link} times); the run goes on
     */
    record Outcome(boolean ok, String error, double seconds, long upDatagrams, long upBytes, long downDatagrams,
                   long downBytes, long retransmittedBytes, long timeoutRetransmissions, boolean deadLink, String sha256) {}

    private static final int CONV = 1;

    private KcpRun() {}

    static Outcome transfer(Relay relay, Socket receiverSocket, Payload payload, Settings settings, Duration limit)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        Endpoint receiver = new Endpoint(receiverSocket, null, settings, start, deadline, null);
        Socket senderSocket = udpSocket();
        senderSocket.connect(relay.localAddress());
        Endpoint sender = new Endpoint(senderSocket, relay.localAddress(), settings, start, deadline, payload);
        receiver.check = payload.check();
        receiver.other = sender;
        sender.other = receiver;
        Thread rt = Thread.ofPlatform().daemon().name("bench kcp receiver").start(receiver::run);
        Thread st = Thread.ofPlatform().daemon().name("bench kcp sender").start(sender::run);
        st.join(limit.toMillis() + 5_000);
        rt.join(5_000);
        senderSocket.close();
        String error = sender.failure.get() != null ? "sender: " + sender.failure.get()
                : receiver.failure.get() != null ? "receiver: " + receiver.failure.get()
                : receiver.check.verdict() != null ? receiver.check.verdict()
                : !sender.done ? "sender: not every segment was acknowledged within " + limit.toSeconds() + " s"
                : null;
        double seconds = receiver.lastByteNanos > 0 ? (receiver.lastByteNanos - start) / 1e9 : Double.NaN;
        return new Outcome(error == null, error, seconds, sender.datagrams, sender.bytes, receiver.datagrams, receiver.bytes,
                sender.pushBytes - payload.size(), sender.kcp.getMetric().xmit(), sender.deadLink, receiver.check.sha256());
    }

    /** A non-blocking UDP socket on 127.0.0.1 with room for bursts. */
    static Socket udpSocket() throws IOException {
        Socket s = Socket.udp(Family.INET);
        s.set(SockOpt.SO_RCVBUF, 4 << 20);
        s.set(SockOpt.SO_SNDBUF, 4 << 20);
        s.bind(SockAddr.Inet4.loopback(0));
        s.configureBlocking(false);
        return s;
    }

    /** One side: a socket, a Kcp, and the loop that drives them. Everything but the flags is the loop thread's. */
    private static final class Endpoint {
        final Socket udp;
        final Kcp kcp;
        final long epoch;
        final long deadline;
        final Payload toSend;      // the sender's payload, null at the receiver
        final int mss;
        final int window;
        Payload.Check check;        // the receiver's check
        Endpoint other;
        SockAddr peer;              // where to send: fixed for the sender, learned by the receiver
        final boolean connected;
        final ByteBuffer in = ByteBuffer.allocateDirect(65_536);
        final ByteBuffer out = ByteBuffer.allocateDirect(65_536);
        final byte[] heap = new byte[65_536];
        final AtomicReference<String> failure = new AtomicReference<>();
        long datagrams, bytes;
        long pushBytes;             // data bytes in the PUSH segments sent, first copies and retransmissions
        int offset;
        volatile boolean done;
        volatile long lastByteNanos;
        boolean deadLink;

        Endpoint(Socket udp, SockAddr peer, Settings s, long epoch, long deadline, Payload toSend) {
            this.udp = udp;
            this.peer = peer;
            this.connected = peer != null;
            this.epoch = epoch;
            this.deadline = deadline;
            this.toSend = toSend;
            this.kcp = new Kcp(CONV, (buf, k) -> output(buf));
            kcp.nodelay(s.nodelay(), s.intervalMillis(), s.fastResend(), s.noCongestionWindow());
            kcp.wndsize(s.window(), s.window());
            kcp.setMtu(s.mtu());
            kcp.setStream(true);
            this.mss = s.mtu() - Kcp.IKCP_OVERHEAD;
            this.window = s.window();
        }

        int now() { return (int) ((System.nanoTime() - epoch) / 1_000_000); }

        private void output(ByteBuf buf) {
            try {
                int n = buf.readableBytes();
                if (peer == null || n == 0) return;
                out.clear().limit(n);
                buf.getBytes(buf.readerIndex(), out);
                out.flip();
                int sent = connected ? udp.send(out) : udp.sendTo(out, peer);
                if (sent > 0) {
                    datagrams++;
                    bytes += n;
                    countPushBytes(buf, n);
                }
            } catch (IOException e) {
                // A full socket buffer or an ICMP error: the datagram is lost, as the relay would lose it.
            } finally {
                buf.release();
            }
        }

        /** A datagram is one or more segments: a 24-byte header (command at 4, data length at 20, little-endian), then the data. */
        private void countPushBytes(ByteBuf buf, int n) {
            int at = buf.readerIndex(), end = at + n;
            while (end - at >= Kcp.IKCP_OVERHEAD) {
                int len = buf.getIntLE(at + 20);
                if (buf.getByte(at + 4) == Kcp.IKCP_CMD_PUSH) pushBytes += len;
                at += Kcp.IKCP_OVERHEAD + len;
            }
        }

        void run() {
            try (Poller poller = Poller.open()) {
                poller.add(udp.fd(), Poller.IN, null);
                int nextUpdate = 0;
                boolean datagramsWaiting = false;
                while (System.nanoTime() < deadline) {
                    int now = now();
                    if (datagramsWaiting) {
                        // Kcp.input measures RTT against the time of the last update: bring it up to now
                        // first, or every sample is short by up to an interval and KCP times out too soon.
                        kcp.update(now);
                        nextUpdate = kcp.check(now);
                    }
                    readAll();
                    boolean queued = toSend != null && queueData();
                    if (toSend == null) deliver();
                    if (queued || now - nextUpdate >= 0) {
                        now = now();
                        kcp.update(now);
                        nextUpdate = kcp.check(now);
                        if (kcp.getState() == -1) deadLink = true;
                    }
                    if (toSend != null && offset == toSend.size() && kcp.waitSnd() == 0) {
                        done = true;
                        return;
                    }
                    // The receiver keeps acknowledging until the sender has heard everything.
                    if (toSend == null && other.done) return;
                    if (failure.get() != null || other.failure.get() != null) return;
                    int wait = Math.max(0, Math.min(nextUpdate - now(), 50));
                    datagramsWaiting = poller.poll(wait) > 0;
                }
            } catch (IOException | RuntimeException e) {
                failure.set(RudpRig.describe(e));
            }
        }

        private void readAll() throws IOException {
            while (true) {
                in.clear();
                SockAddr from = udp.recvFrom(in);
                if (from == null) return;
                if (peer == null) peer = from;
                in.flip();
                // A fresh array each time: Kcp.input keeps slices of the buffer it is given (no copy).
                byte[] datagram = new byte[in.remaining()];
                in.get(datagram);
                ByteBuf b = Unpooled.wrappedBuffer(datagram);
                try {
                    kcp.input(b);
                } finally {
                    b.release();
                }
            }
        }

        /** The sender keeps up to two windows of data queued in KCP, as an application writing as fast as it may would. */
        private boolean queueData() {
            boolean queued = false;
            while (offset < toSend.size() && kcp.waitSnd() < 2 * window) {
                int n = Math.min(toSend.size() - offset, 16 * mss);
                if (kcp.send(Unpooled.wrappedBuffer(toSend.bytes(), offset, n)) < 0) break;
                offset += n;
                queued = true;
            }
            return queued;
        }

        private void deliver() {
            ByteBuf b = Unpooled.buffer(65_536);
            try {
                while (kcp.canRecv()) {
                    b.clear();
                    int n = kcp.recv(b);
                    if (n <= 0) break;
                    b.getBytes(0, heap, 0, n);
                    if (!check.accept(heap, 0, n)) {
                        failure.compareAndSet(null, check.failure());
                        return;
                    }
                    if (check.complete()) lastByteNanos = System.nanoTime();
                }
            } finally {
                b.release();
            }
        }
    }
}
