package org.jsock.rudp.cc;

/**
 * Spreads packets over the round trip instead of sending a window at once (RFC 9002 section 7.7): a
 * token bucket filled at {@code 1.25 × cwnd / smoothed_rtt} bytes per nanosecond, holding at most the
 * initial window. A full bucket lets a burst of the initial window go at once; after that packets leave
 * one transmission time, {@code bytes / rate}, apart.
 *
 * <p>A controller that sets its own rate ({@link CongestionController#pacingRate()}, bytes per second)
 * is paced at that rate instead, with the same bucket.
 *
 * <p>The rate is taken from the window and RTT passed to each call, so it follows the controller. The
 * bucket is kept as the time at which it was last empty, which keeps the arithmetic in whole nanoseconds.
 * Without a controller's rate, a smoothed RTT of zero or less means no rate is known: nothing is held
 * back. Not thread-safe.
 */
public final class Pacer {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
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
        return nextSendTime(now, bytes, 0, cwnd, smoothedRtt);
    }

    /**
     * Earliest time ({@code >= now}) a packet of {@code bytes} may leave at {@code pacingRate} bytes per
     * second, the controller's {@link CongestionController#pacingRate()}; a rate of 0 means the controller
     * sets none, and the rate comes from the window and RTT as in {@link #nextSendTime(long, int, long, long)}.
     */
    public long nextSendTime(long now, int bytes, long pacingRate, long cwnd, long smoothedRtt) {
        checkArguments(bytes, pacingRate, cwnd);
        if (pacingRate == 0 && smoothedRtt <= 0) return now;
        long rateBytes = rateBytes(pacingRate, cwnd), rateNanos = rateNanos(pacingRate, smoothedRtt);
        long start = bucketEmptyAt(now, rateBytes, rateNanos);
        long earliest = start + timeAtRate(Math.min(bytes, capacity), rateBytes, rateNanos, true);
        return Math.max(now, earliest);
    }

    /** A packet of {@code bytes} left at {@code now}: its tokens are spent (the bucket may go into debt). */
    public void onPacketSent(long now, int bytes, long cwnd, long smoothedRtt) {
        onPacketSent(now, bytes, 0, cwnd, smoothedRtt);
    }

    /** {@link #onPacketSent(long, int, long, long)} at {@code pacingRate} bytes per second, or 0 as in {@link #nextSendTime(long, int, long, long, long)}. */
    public void onPacketSent(long now, int bytes, long pacingRate, long cwnd, long smoothedRtt) {
        checkArguments(bytes, pacingRate, cwnd);
        if (pacingRate == 0 && smoothedRtt <= 0) {
            emptyAt = Math.max(emptyAt, now);
            return;
        }
        long rateBytes = rateBytes(pacingRate, cwnd), rateNanos = rateNanos(pacingRate, smoothedRtt);
        emptyAt = bucketEmptyAt(now, rateBytes, rateNanos) + timeAtRate(bytes, rateBytes, rateNanos, false);
    }

    // The rate is rateBytes per rateNanos: 1.25 × cwnd / srtt is 5 × cwnd bytes per 4 × srtt nanoseconds,
    // an explicit rate is that many bytes per 10^9 nanoseconds. Whole numbers keep the spacing exact.
    private static long rateBytes(long pacingRate, long cwnd) { return pacingRate > 0 ? pacingRate : 5 * cwnd; }

    private static long rateNanos(long pacingRate, long smoothedRtt) { return pacingRate > 0 ? NANOS_PER_SECOND : 4 * smoothedRtt; }

    /** The empty-time of the bucket at {@code now}: no earlier than a full bucket's worth ago. */
    private long bucketEmptyAt(long now, long rateBytes, long rateNanos) {
        return Math.max(emptyAt, now - timeAtRate(capacity, rateBytes, rateNanos, true));
    }

    /**
     * {@code bytes / (1.25 × cwnd / srtt) = 4 × bytes × srtt / (5 × cwnd)} nanoseconds. Waits and the burst
     * round up, spending rounds down: so a burst of the whole bucket is never held back by a nanosecond of
     * accumulated rounding, and packets are spaced by the rounded-down transmission time.
     */
    static long transmitNanos(long bytes, long cwnd, long smoothedRtt, boolean roundUp) {
        return timeAtRate(bytes, 5 * cwnd, 4 * smoothedRtt, roundUp);
    }

    /** {@code bytes × rateNanos / rateBytes} nanoseconds: the time {@code bytes} take at rateBytes per rateNanos. */
    private static long timeAtRate(long bytes, long rateBytes, long rateNanos, boolean roundUp) {
        if (Math.multiplyHigh(bytes, rateNanos) == 0 && bytes * rateNanos >= 0) {
            long product = bytes * rateNanos;
            return roundUp ? Math.ceilDiv(product, rateBytes) : product / rateBytes;
        }
        // Beyond 63 bits (RTTs of days): doubles are close enough.
        double nanos = (double) bytes * rateNanos / rateBytes;
        return (long) (roundUp ? Math.ceil(nanos) : Math.floor(nanos));
    }

    private static void checkArguments(int bytes, long pacingRate, long cwnd) {
        if (pacingRate < 0) throw new IllegalArgumentException("negative pacing rate: " + pacingRate);
        if (bytes < 0) throw new IllegalArgumentException("negative packet size: " + bytes);
        if (cwnd <= 0) throw new IllegalArgumentException("congestion window must be positive: " + cwnd);
    }
}
