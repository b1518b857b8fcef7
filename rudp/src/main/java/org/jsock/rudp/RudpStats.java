package org.jsock.rudp;

import java.time.Duration;

/**
 * A snapshot of one connection's counters.
 *
 * @param smoothedRtt        RFC 9002 smoothed RTT (333 ms until the first sample)
 * @param minRtt             smallest RTT sample (zero before one)
 * @param congestionWindow   bytes
 * @param bytesInFlight      bytes sent, not yet acknowledged or declared lost
 * @param packetsSent        datagrams sent
 * @param packetsReceived    datagrams received for this connection
 * @param bytesSent          UDP payload bytes sent (headers, frames and CRC included)
 * @param bytesReceived      UDP payload bytes received
 * @param streamBytesSent    stream bytes sent, first copies and retransmissions
 * @param streamBytesRetransmitted stream bytes sent again after a loss or probe
 * @param streamBytesDelivered stream bytes the application has read
 * @param packetsLost        packets declared lost
 * @param duplicatePackets   packets received twice (ignored, acknowledged)
 * @param corruptDropped     datagrams dropped by the endpoint for a bad CRC or header (all connections of the socket)
 * @param ptoCount           probe timeouts in a row now
 * @param congestionControl  the algorithm's name
 */
public record RudpStats(Duration smoothedRtt, Duration minRtt, long congestionWindow, long bytesInFlight,
                        long packetsSent, long packetsReceived, long bytesSent, long bytesReceived,
                        long streamBytesSent, long streamBytesRetransmitted, long streamBytesDelivered,
                        long packetsLost, long duplicatePackets, long corruptDropped, int ptoCount,
                        String congestionControl) {
    /** One line for logs and the command's -v output. */
    public String describe() {
        return String.format("rtt %.2f ms (min %.2f), cwnd %d B, sent %d pkts / %d B, received %d pkts / %d B, "
                        + "retransmitted %d B, lost %d pkts, duplicates %d, corrupt dropped %d, %s",
                smoothedRtt.toNanos() / 1e6, minRtt.toNanos() / 1e6, congestionWindow, packetsSent, bytesSent,
                packetsReceived, bytesReceived, streamBytesRetransmitted, packetsLost, duplicatePackets,
                corruptDropped, congestionControl);
    }
}
