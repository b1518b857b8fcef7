package org.jsock.cli.bench;

import org.jsock.net.ByteStream;
import org.jsock.net.SockAddr;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.RudpSocket;
import org.jsock.rudp.RudpStats;

import java.time.Duration;
import java.util.Map;

/**
 * A stream over an rudp connection (jsock's reliable byte stream over UDP): TCP's data path, with
 * rudp's own counters for figures.
 */
final class RudpLink implements Link {
    /**
     * How long closing waits for the peer to acknowledge what was written. A test's end needs no
     * more than a moment on a working path; a stuck peer must not hold the command for rudp's default 30 s.
     */
    private static final Duration LINGER = Duration.ofSeconds(2);

    private final RudpSocket socket;
    private final int label;
    private final int sendBuffer;
    private final int receiveWindow;
    private final SockAddr local;
    private final SockAddr remote;

    /**
     * @param label  what reports show for the stream: its id
     * @param config the configuration it was opened with (for the buffer sizes -J reports)
     * @param local  the address to report as this end's: a server's UDP socket is bound to the
     *               wildcard, so it names the address its client reached instead; null for the socket's own
     */
    RudpLink(RudpSocket socket, int label, RudpConfig config, SockAddr local) {
        this.socket = socket;
        this.label = label;
        this.sendBuffer = config.sendBuffer();
        this.receiveWindow = config.receiveWindow();
        this.local = local != null ? local : socket.localAddress();
        this.remote = socket.peerAddress();
    }

    /**
     * The configuration both ends of a test's rudp streams use: the client's congestion control (it
     * matters on whichever side sends) and -w as the window and send buffer.
     *
     * @throws IllegalArgumentException for a congestion control or window rudp does not take
     */
    static RudpConfig config(Params p, Duration handshakeTimeout) {
        RudpConfig c = RudpConfig.defaults().withLinger(LINGER).withHandshakeTimeout(handshakeTimeout);
        if (p.rudpCongestion() != null) c = c.withCongestionControl(p.rudpCongestion());
        if (p.window() > 0) c = c.withReceiveWindow(p.window()).withSendBuffer(p.window());
        return c;
    }

    @Override public ByteStream io() { return socket; }

    @Override public int label() { return label; }

    @Override public SockAddr local() { return local; }

    @Override public SockAddr remote() { return remote; }

    /** rudp's counters, on either side; retransmissions count for the sender only. */
    @Override
    public Figures figures(boolean sender) {
        RudpStats s = socket.stats();
        return new Figures(sender ? s.streamBytesRetransmitted() : -1, s.congestionWindow(), 0, micros(s.smoothedRtt()), 0, 0, s);
    }

    @Override public String congestion() { return socket.stats().congestionControl(); }

    @Override public int sendBuffer() { return sendBuffer; }

    @Override public int receiveBuffer() { return receiveWindow; }

    /**
     * The counters as -J shows them (the "rudp" object of a stream's sender and receiver): times in
     * microseconds, as iperf3 gives TCP's. {@code corrupt_dropped} counts for the whole UDP socket:
     * on a server, every stream of the test shares one.
     */
    static Map<String, Object> json(RudpStats s) {
        Map<String, Object> j = Json.object();
        j.put("congestion", s.congestionControl());
        j.put("rtt", micros(s.smoothedRtt()));
        j.put("min_rtt", micros(s.minRtt()));
        j.put("snd_cwnd", s.congestionWindow());
        j.put("bytes_in_flight", s.bytesInFlight());
        j.put("packets_sent", s.packetsSent());
        j.put("packets_received", s.packetsReceived());
        j.put("packets_lost", s.packetsLost());
        j.put("duplicate_packets", s.duplicatePackets());
        j.put("corrupt_dropped", s.corruptDropped());
        j.put("bytes_sent", s.bytesSent());
        j.put("bytes_received", s.bytesReceived());
        j.put("stream_bytes_sent", s.streamBytesSent());
        j.put("stream_bytes_retransmitted", s.streamBytesRetransmitted());
        j.put("stream_bytes_delivered", s.streamBytesDelivered());
        return j;
    }

    private static long micros(Duration d) { return d.toNanos() / 1000; }
}
