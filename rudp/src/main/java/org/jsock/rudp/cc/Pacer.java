package org.jsock.rudp.cc;

/**
 * Spreads packets over the round trip instead of sending a window at once (RFC 9002 section 7.7): a
 * token bucket filled at {@code 1.25 × cwnd / smoothed_rtt} bytes per nanosecond, holding at most the
 * initial window. A full bucket lets a burst of the initial window go at once; after that packets leave
 * one transmission time, {@code bytes / rate}, apart.
 *
 * <p>The rate is taken from the window and RTT passed to each call, so it follows the controller. The
 * bucket is kept as the time at which it was last empty, which keeps the arithmetic in whole nanoseconds.
 * A smoothed RTT of zero or less means no rate is known: nothing is held back. Not thread-safe.
 */
public final class Pacer {
    private final long capacity;
    // The bucket, as the time it held no tokens. Tokens at time t: min(capacity, (t - emptyAt) * rate).
    private long emptyAt = Long.MIN_VALUE;

    public Pacer(int maxDatagramSize) {
        this.capacity = CongestionController.initialWindow(maxDatagramSize);
    }

    /** The burst allowance, in bytes: the initial window. */
    public long burstBytes() { return capacity; }

    /** Earliest time ({@code >= now}) a packet of {@code bytes} may leave, given the window and RTT. */
    public long nextSendTime(long now, int bytes, long cwnd, long smoothedRtt) {
        checkArguments(bytes, cwnd);
        if (smoothedRtt <= 0) return now;
        long start = bucketEmptyAt(now, cwnd, smoothedRtt);
        long earliest = start + transmitNanos(Math.min(bytes, capacity), cwnd, smoothedRtt, true);
        return Math.max(now, earliest);
    }

    /** A packet of {@code bytes} left at {@code now}: its tokens are spent (the bucket may go into debt). */
    public void onPacketSent(long now, int bytes, long cwnd, long smoothedRtt) {
        checkArguments(bytes, cwnd);
        if (smoothedRtt <= 0) {
            emptyAt = Math.max(emptyAt, now);
            return;
        }
        emptyAt = bucketEmptyAt(now, cwnd, smoothedRtt) + transmitNanos(bytes, cwnd, smoothedRtt, false);
    }

    /** The empty-time of the bucket at {@code now}: no earlier than a full bucket's worth ago. */
    private long bucketEmptyAt(long now, long cwnd, long smoothedRtt) {
        return Math.max(emptyAt, now - transmitNanos(capacity, cwnd, smoothedRtt, true));
    }

    /**
     * {@code bytes / (1.25 × cwnd / srtt) = 4 × bytes × srtt / (5 × cwnd)} nanoseconds. Waits and the burst
     * round up, spending rounds down: so a burst of the whole bucket is never held back by a nanosecond of
     * accumulated rounding, and packets are spaced by the rounded-down transmission time.
     */
    static long transmitNanos(long bytes, long cwnd, long smoothedRtt, boolean roundUp) {
        long numerator = 4 * bytes;
        long denominator = 5 * cwnd;
        if (Math.multiplyHigh(numerator, smoothedRtt) == 0 && numerator * smoothedRtt >= 0) {
            long product = numerator * smoothedRtt;
            return roundUp ? Math.ceilDiv(product, denominator) : product / denominator;
        }
        // Beyond 63 bits (RTTs of days): doubles are close enough.
        double nanos = (double) numerator * smoothedRtt / denominator;
        return (long) (roundUp ? Math.ceil(nanos) : Math.floor(nanos));
    }

    private static void checkArguments(int bytes, long cwnd) {
        if (bytes < 0) throw new IllegalArgumentException("negative packet size: " + bytes);
        if (cwnd <= 0) throw new IllegalArgumentException("congestion window must be positive: " + cwnd);
    }
}
