package org.jsock.rudp.recovery;

/**
 * Round-trip time estimation, RFC 9002 section 5: the latest sample, the minimum, and the smoothed RTT
 * and its variation with gains 1/8 and 1/4. Times in nanoseconds. Not thread-safe.
 */
public final class RttEstimator {
    /** The RTT assumed before any sample (RFC 9002 6.2.2). */
    public static final long INITIAL_RTT = 333_000_000L;
    /** The timer granularity: the least variation and loss delay assumed. */
    public static final long GRANULARITY = 1_000_000L;

    private long maxAckDelay;
    private boolean hasSample;
    private long latest;
    private long min;
    private long smoothed = INITIAL_RTT;
    private long rttvar = INITIAL_RTT / 2;

    /** @param maxAckDelayNanos the peer's max ack delay (its PARAMS), which PTO allows for */
    public RttEstimator(long maxAckDelayNanos) { setMaxAckDelay(maxAckDelayNanos); }

    /** The peer's max ack delay changed (its PARAMS arrived). */
    public void setMaxAckDelay(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("negative max ack delay: " + nanos);
        this.maxAckDelay = nanos;
    }

    public long maxAckDelay() { return maxAckDelay; }

    /**
     * A new sample (RFC 9002 5.3). The first sets the smoothed RTT to it and the variation to half of it,
     * ignoring the ack delay. Later ones subtract the ack delay reported by the peer, capped at its max ack
     * delay once the handshake is confirmed, unless that would bring the sample below the minimum RTT.
     *
     * @param latestRtt time from sending the largest newly acknowledged packet to receiving its ACK
     * @param ackDelay the delay the peer reported in that ACK
     */
    public void update(long latestRtt, long ackDelay, boolean handshakeConfirmed) {
        if (latestRtt < 0) throw new IllegalArgumentException("negative RTT sample: " + latestRtt);
        if (ackDelay < 0) throw new IllegalArgumentException("negative ack delay: " + ackDelay);
        latest = latestRtt;
        if (!hasSample) {
            hasSample = true;
            min = latestRtt;
            smoothed = latestRtt;
            rttvar = latestRtt / 2;
            return;
        }
        min = Math.min(min, latestRtt);   // the minimum ignores ack delay
        if (handshakeConfirmed) ackDelay = Math.min(ackDelay, maxAckDelay);
        long adjusted = latestRtt;
        if (latestRtt >= min + ackDelay) adjusted = latestRtt - ackDelay;
        rttvar = (3 * rttvar + Math.abs(smoothed - adjusted)) / 4;
        smoothed = (7 * smoothed + adjusted) / 8;
    }

    /** The smoothed RTT: {@link #INITIAL_RTT} before any sample. */
    public long smoothed() { return smoothed; }

    /** The RTT variation: half of {@link #INITIAL_RTT} before any sample. */
    public long rttvar() { return rttvar; }

    /** The least sample seen, ack delay not subtracted: 0 before any sample. */
    public long min() { return min; }

    /** The last sample: 0 before any sample. */
    public long latest() { return latest; }

    public boolean hasSample() { return hasSample; }

    /** The probe timeout without backoff: {@code smoothed + max(4 × rttvar, GRANULARITY) + maxAckDelay}. */
    public long pto() { return smoothed + Math.max(4 * rttvar, GRANULARITY) + maxAckDelay; }

    @Override public String toString() {
        return "rtt[smoothed=" + smoothed + ", rttvar=" + rttvar + ", min=" + min + ", latest=" + latest + "]";
    }
}
