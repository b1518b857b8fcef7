package org.jsock.cli.bench;

import org.jsock.net.ByteStream;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.sys.ErrnoException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One data stream of a test: what it runs over (a {@link Link}: TCP, UDP or rudp), the thread that
 * sends or receives on it, and its counters. TCP and rudp are byte streams and share one send and one
 * receive loop; UDP has its own, with iperf3's datagram header.
 *
 * <p>The counters are written by the stream's own thread only and read by the test's control thread
 * (for intervals and the end), so plain volatile fields suffice. The control thread owns everything
 * under "bookkeeping".
 */
final class Stream {
    private static final double UDP_BURST_NANOS = 2_000_000;

    /** iperf3's stream id (1, 3, 4, ...), which the results exchange matches on. */
    final int id;
    final Link link;
    /** What reports show as the stream's "[  5]": the fd number, as iperf3 shows it (for rudp, the id). */
    final int label;
    final boolean sender;
    final boolean udp;
    final SockAddr local;
    final SockAddr remote;
    private final Params params;
    private final Budget budget;

    // ---- counters: written by the stream's thread, read by the control thread ----
    /** Bytes sent or received. */
    volatile long bytes;
    /** UDP: datagrams sent, or the highest packet number received. */
    volatile long packets;
    /** UDP receiver: packet numbers skipped, less those that turned up late. */
    volatile long lost;
    /** UDP receiver: datagrams that arrived after a higher-numbered one (or twice). */
    volatile long outOfOrder;
    /** UDP receiver: RFC 3550's interarrival jitter, in microseconds. */
    volatile double jitterMicros;
    /** Cleared to make a sender stop after its current block. */
    private volatile boolean running = true;
    /** What ended the stream's thread, when it was not the test ending. */
    volatile IOException failure;
    private volatile Thread thread;
    /** A paced sender's next send time (nanoTime, fractional); the sending thread's own. */
    private double due;

    // ---- bookkeeping: the control thread's ----
    /** The counters when counting began (after the omitted seconds), and at the last interval edge. */
    Sample base;
    Sample last;
    /** A TCP or rudp sender: the extremes over the intervals, for the end report. */
    long maxCwnd;
    long maxSndWnd;
    long maxRtt;
    long minRtt = Long.MAX_VALUE;
    long rttSum;
    long rttCount;
    /** This side's figures at the end, and the peer's from the results exchange (null until then). */
    End localEnd;
    End peerEnd;

    /** A stream over {@code link}, whose options (-w, -N, -C) are already set. */
    Stream(int id, Link link, boolean sender, Params params, Budget budget) {
        this.id = id;
        this.link = link;
        this.label = link.label();
        this.sender = sender;
        this.udp = params.udp();
        this.params = params;
        this.budget = budget;
        this.local = link.local();
        this.remote = link.remote();
    }

    /**
     * What the counters read at one moment, and the transport's own figures (null when it keeps none
     * for this side: see {@link Link#figures}).
     */
    record Sample(long nanos, long bytes, long packets, long lost, long outOfOrder, double jitterMicros,
                  Link.Figures transport) {
        /** Retransmissions so far (TCP segments, rudp bytes), or -1 when unknown or not a sender's. */
        long retrans() { return transport == null ? -1 : transport.retrans(); }
    }

    /**
     * The figures for the whole test, from one side. Times in seconds from the start; {@code rudp} is
     * that side's rudp counters as -J shows them ({@link RudpLink#json}), or null.
     */
    record End(long bytes, long packets, long lost, long outOfOrder, double jitterSeconds, long retrans,
               double start, double end, Map<String, Object> rudp) {}

    Sample sample() {
        long now = System.nanoTime();
        return new Sample(now, bytes, packets, lost, outOfOrder, jitterMicros, link.figures(sender));
    }

    /** Starts the stream's thread. */
    void start() {
        thread = Thread.ofPlatform().daemon(true).name("bench-stream-" + label).start(this::loop);
    }

    /** Asks a sender to stop after its current block (and wakes one that is pacing itself). */
    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    /** Waits up to {@code millis} for the thread to end; true if it has. */
    boolean join(long millis) throws InterruptedException {
        return thread == null || thread.join(Duration.ofMillis(millis));
    }

    /** Stops the stream and closes its link; a thread blocked in it wakes and ends. */
    void close() {
        running = false;
        link.close();
        try {
            join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            if (sender && udp) sendUdp();
            else if (sender) sendBytes();
            else if (udp) receiveUdp();
            else receiveBytes();
        } catch (SocketClosedException e) {
            // the test closed the stream: its end, not a failure
        } catch (IOException e) {
            if (running) failure = e;
        }
    }

    private ByteBuffer payload(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.BIG_ENDIAN);
        byte[] r = new byte[size];
        ThreadLocalRandom.current().nextBytes(r);
        b.put(r).clear();
        return b;
    }

    /** A byte stream's sender (TCP, rudp): whole blocks of -l bytes. */
    private void sendBytes() throws IOException {
        ByteStream io = link.io();
        ByteBuffer buf = payload(params.len());
        due = System.nanoTime();
        while (running && budget.take(params.len())) {
            if (!pace()) break;
            buf.clear();
            // A block goes whole, so -n and -k end on a block boundary; stopping waits for at most one.
            while (buf.hasRemaining()) {
                int n = io.send(buf);
                if (n > 0) {
                    bytes += n;
                    paced(n);
                }
            }
        }
    }

    private void sendUdp() throws IOException {
        ByteStream io = link.io();
        ByteBuffer buf = payload(params.len());
        boolean wide = params.counters64();
        due = System.nanoTime();
        long sent = 0;
        while (running && budget.take(params.len())) {
            if (!pace()) break;
            long now = System.nanoTime();
            buf.putInt(0, (int) (now / 1_000_000_000L));
            buf.putInt(4, (int) (now % 1_000_000_000L / 1000));
            if (wide) buf.putLong(8, sent + 1);
            else buf.putInt(8, (int) (sent + 1));
            buf.clear();
            int n;
            try {
                n = io.send(buf);
            } catch (ErrnoException e) {
                // An ICMP error from an earlier datagram (the peer's port closed at the end), or a full
                // device queue: the datagram is lost, the test goes on.
                if (e.is("ECONNREFUSED") || e.is("ENOBUFS")) continue;
                throw e;
            }
            if (n > 0) {
                sent++;
                bytes += n;
                packets = sent;
                paced(n);
            }
        }
    }

    /**
     * Waits until sending another block keeps this stream at or under its target rate (-b).
     *
     * <p>TCP and rudp keep to the average: time lost to a stall is made up at once, and flow control absorbs
     * the burst. UDP has no flow control, so a UDP stream keeps at most a little unused allowance
     * (2 ms, or 8 datagrams if more): after a stall, such as the send loop's first cold
     * milliseconds, it sends a short burst rather than the whole backlog, which would overflow the
     * receiver's buffer and count as loss.
     *
     * @return false if the stream was stopped meanwhile, and must send nothing more
     */
    private boolean pace() {
        long rate = params.rate();
        if (rate <= 0) return running;
        long now = System.nanoTime();
        if (udp) {
            double slack = Math.max(UDP_BURST_NANOS, 8 * params.len() * 8e9 / rate);
            if (due < now - slack) due = now - slack;
        }
        while (running && due > now) {
            LockSupport.parkNanos(Math.min((long) (due - now) + 1, 50_000_000L));
            now = System.nanoTime();
        }
        return running;
    }

    /** Moves the next send time on by what {@code n} bytes take at the target rate. */
    private void paced(int n) {
        if (params.rate() > 0) due += n * 8e9 / params.rate();
    }

    private void receiveBytes() throws IOException {
        ByteStream io = link.io();
        ByteBuffer buf = ByteBuffer.allocateDirect(params.len());
        while (true) {
            buf.clear();
            int n = io.recv(buf);
            if (n == Socket.EOF) return;
            if (n > 0) bytes += n;
        }
    }

    private void receiveUdp() throws IOException {
        ByteStream io = link.io();
        ByteBuffer buf = ByteBuffer.allocateDirect(65536).order(ByteOrder.BIG_ENDIAN);
        boolean wide = params.counters64();
        int header = Protocol.udpHeaderSize(wide);
        long lastTransit = 0;
        boolean first = true;
        while (true) {
            buf.clear();
            int n = io.recv(buf);
            long now = System.nanoTime();
            if (n < header) continue;
            long sentMicros = Integer.toUnsignedLong(buf.getInt(0)) * 1_000_000L + Integer.toUnsignedLong(buf.getInt(4));
            long number = wide ? buf.getLong(8) : Integer.toUnsignedLong(buf.getInt(8));
            bytes += n;
            if (number > packets) {
                if (number > packets + 1) lost += number - packets - 1;
                packets = number;
            } else {
                // Late (or repeated): it was counted lost when a higher number arrived first.
                outOfOrder++;
                if (lost > 0) lost--;
            }
            // The clocks need not agree: only the change in transit time counts.
            long transit = now / 1000 - sentMicros;
            if (!first) {
                double d = Math.abs(transit - lastTransit);
                jitterMicros += (d - jitterMicros) / 16;
            }
            lastTransit = transit;
            first = false;
        }
    }

    /**
     * The byte and block limits of a test (-n, -k) shared by its senders; unlimited when both are 0.
     * Once spent, senders stop.
     */
    static final class Budget {
        private final AtomicLong bytesLeft;
        private final AtomicLong blocksLeft;

        Budget(long bytes, long blocks) {
            this.bytesLeft = bytes > 0 ? new AtomicLong(bytes) : null;
            this.blocksLeft = blocks > 0 ? new AtomicLong(blocks) : null;
        }

        /** Takes one block of {@code len} bytes; false once the limit is reached. */
        boolean take(int len) {
            if (bytesLeft != null && bytesLeft.getAndAdd(-len) <= 0) return false;
            return blocksLeft == null || blocksLeft.getAndDecrement() > 0;
        }

        boolean limited() { return bytesLeft != null || blocksLeft != null; }

        boolean spent() {
            return (bytesLeft != null && bytesLeft.get() <= 0) || (blocksLeft != null && blocksLeft.get() <= 0);
        }
    }
}
