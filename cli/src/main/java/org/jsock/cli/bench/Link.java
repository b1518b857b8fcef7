package org.jsock.cli.bench;

import org.jsock.net.ByteStream;
import org.jsock.net.SockAddr;
import org.jsock.rudp.RudpStats;

/**
 * What one stream of a test runs over: a TCP connection, a connected UDP socket ({@link SocketLink}),
 * or an rudp connection ({@link RudpLink}). The stream's thread moves its bytes through {@link #io()},
 * whichever it is; the control thread asks {@link #figures} at each interval edge for what the
 * transport knows of itself.
 */
interface Link {
    /** The data path: the socket itself, or the rudp connection. */
    ByteStream io();

    /**
     * The number reports show for the stream ("[  5]"): a socket's fd, as iperf3 shows it; an rudp
     * connection has no fd of its own, so it shows the stream's id.
     */
    int label();

    SockAddr local();

    SockAddr remote();

    /**
     * The transport's own figures now, for the side that sends ({@code sender}) or receives, or null
     * when it keeps none for that side (UDP; a TCP receiver; a socket already closed).
     */
    Figures figures(boolean sender);

    /** The congestion control algorithm in use ("cubic", "newreno"), or null if unknown or none. */
    String congestion();

    /** The buffer sizes -J reports as sndbuf_actual and rcvbuf_actual. */
    int sendBuffer();

    int receiveBuffer();

    /** Closes the connection; a thread blocked in it wakes. Idempotent. */
    default void close() { io().close(); }

    /**
     * A transport's figures at one moment.
     *
     * @param retrans retransmissions so far (TCP: segments; rudp: stream bytes), or -1 on a receiving side
     * @param cwnd    congestion window, bytes
     * @param sndWnd  the peer's advertised window, bytes (TCP; else 0)
     * @param rtt     smoothed round-trip time, microseconds
     * @param rttVar  its variation, microseconds (TCP; else 0)
     * @param pmtu    path MTU (TCP; else 0)
     * @param rudp    rudp's counters, or null for TCP
     */
    record Figures(long retrans, long cwnd, long sndWnd, long rtt, long rttVar, long pmtu, RudpStats rudp) {}
}
