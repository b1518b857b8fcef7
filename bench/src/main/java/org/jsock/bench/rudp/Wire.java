package org.jsock.bench.rudp;

import org.jsock.rudp.impair.LinkStats;
import org.jsock.rudp.impair.Relay;

/**
 * What the relay saw of one run, both directions: the datagrams and UDP payload bytes the endpoints
 * offered to the link (before any loss), and what the link did to them. "up" is client to server, the
 * direction of the bulk data; "down" carries the acknowledgements.
 *
 * @param overhead      (up + down payload bytes offered) / payload bytes delivered
 * @param overheadIpUdp the same with 28 bytes of IPv4 and UDP header counted for every datagram
 */
record Wire(long upDatagrams, long upBytes, long downDatagrams, long downBytes,
            long upLost, long upQueueDropped, long upBlackoutDropped, long upCorrupted,
            long downLost, long downQueueDropped, long downBlackoutDropped, long downCorrupted,
            long relayDrops, double overhead, double overheadIpUdp) {
    /** IPv4 (20) and UDP (8) headers: what a datagram costs on the wire beyond its payload. */
    static final int IP_UDP_HEADER = 28;

    static Wire of(Relay relay, long delivered) {
        LinkStats up = relay.upstreamStats(), down = relay.downstreamStats();
        long bytes = up.bytesOffered() + down.bytesOffered();
        long datagrams = up.offered() + down.offered();
        double d = delivered > 0 ? delivered : Double.NaN;
        return new Wire(up.offered(), up.bytesOffered(), down.offered(), down.bytesOffered(),
                up.lost(), up.queueDropped(), up.blackoutDropped(), up.corrupted(),
                down.lost(), down.queueDropped(), down.blackoutDropped(), down.corrupted(),
                relay.relayDrops(), bytes / d, (bytes + (double) IP_UDP_HEADER * datagrams) / d);
    }

    /** Upstream (sender's) bytes over delivered: what the data direction cost per byte, retransmissions included. */
    double upPerDelivered(long delivered) { return upBytes / (double) delivered; }
}
