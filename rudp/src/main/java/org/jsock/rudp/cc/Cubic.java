package org.jsock.rudp.cc;

/**
 * CUBIC (RFC 9438) on QUIC's recovery periods. Slow start is NewReno's. A congestion event multiplies the
 * window by {@link #BETA} and remembers the window it came from, {@code W_max} (lowered further by fast
 * convergence when the window had not regained the previous {@code W_max}). Congestion avoidance then
 * follows {@code W_cubic(t) = C × (t − K)³ + W_max}, with {@code K = ∛((W_max − cwnd_epoch) / C)} and
 * {@code t} the time since avoidance began, unless the Reno-friendly estimate {@code W_est} (what
 * Reno would have reached; additive increase {@link #ALPHA_BEFORE_PRIOR} per round trip until the
 * window before the reduction, then 1) is larger, in which case the window follows {@code W_est}.
 *
 * <p>The RFC counts windows in segments; here they are bytes, one segment being the max datagram size.
 */
public final class Cubic implements CongestionController {
    static final String NAME = "cubic";
    /** The aggressiveness constant, in segments per second cubed. */
    public static final double C = 0.4;
    /** The multiplicative decrease factor. */
    public static final double BETA = 0.7;
    /** The Reno-friendly additive increase until {@code W_est} regains the window before the last reduction. */
    public static final double ALPHA_BEFORE_PRIOR = 3 * (1 - BETA) / (1 + BETA);

    private static final double NANOS_PER_SECOND = 1e9;
    private static final long NO_EPOCH = Long.MIN_VALUE;

    private final int maxDatagramSize;
    private final long minimumWindow;
    private final FlightState flight = new FlightState(NAME);
    /** Bytes, fractional: the per-acknowledgement increments are fractions of a datagram. */
    private double window;
    private long slowStartThreshold = Long.MAX_VALUE;
    private double maxWindow;          // W_max, bytes
    private double priorWindow;        // cwnd_prior: the window just before the last reduction
    private double renoEstimate;       // W_est, bytes
    private double k;                  // seconds
    private long epochStart = NO_EPOCH;
    private long lastAvoidanceAck;
    private boolean afterPersistentCongestion;

    public Cubic(int maxDatagramSize) {
        this.window = CongestionController.initialWindow(maxDatagramSize);
        this.minimumWindow = CongestionController.minimumWindow(maxDatagramSize);
        this.maxDatagramSize = maxDatagramSize;
    }

    @Override public String name() { return NAME; }

    @Override public long window() { return (long) window; }

    @Override public long bytesInFlight() { return flight.bytesInFlight(); }

    @Override public void onPacketSent(long now, int bytes) { flight.sent(bytes); }

    @Override public void onPacketAcked(long now, long timeSent, int bytes, long smoothedRtt, long minRtt) {
        if (!flight.acked(now, timeSent, bytes, window())) return;
        boolean applicationLimited = flight.applicationLimited();
        if (window < slowStartThreshold) {
            if (!applicationLimited) window += bytes;
            return;
        }
        if (applicationLimited) {
            // Time spent application-limited does not move along the curve (RFC 9438 section 5.8):
            // otherwise the window would leap ahead once the sender fills it again.
            if (epochStart != NO_EPOCH) epochStart += now - lastAvoidanceAck;
            lastAvoidanceAck = now;
            return;
        }
        if (epochStart == NO_EPOCH) startEpoch(now);
        lastAvoidanceAck = now;

        double t = (now - epochStart) / NANOS_PER_SECOND;
        double alpha = renoEstimate >= priorWindow ? 1 : ALPHA_BEFORE_PRIOR;
        renoEstimate += alpha * maxDatagramSize * bytes / window;
        if (cubicWindow(t) < renoEstimate) {
            window = Math.max(window, renoEstimate);
        } else {
            // Aim at where the curve will be one round trip from now, but at most 1.5 times the window.
            double target = cubicWindow(t + smoothedRtt / NANOS_PER_SECOND);
            target = Math.min(Math.max(target, window), 1.5 * window);
            window += (target - window) * bytes / window;
        }
    }

    /** A new congestion avoidance stage: the curve's origin. */
    private void startEpoch(long now) {
        epochStart = now;
        renoEstimate = window;
        if (afterPersistentCongestion || window >= maxWindow) {
            // After a collapse (RFC 9438 4.8), or above the old maximum: the curve starts here, flat.
            maxWindow = window;
            k = 0;
        } else {
            k = Math.cbrt((maxWindow - window) / (C * maxDatagramSize));
        }
        afterPersistentCongestion = false;
    }

    /** {@code W_cubic(t)} in bytes, {@code t} in seconds since the stage began. */
    double cubicWindow(double t) {
        double d = t - k;
        return C * maxDatagramSize * d * d * d + maxWindow;
    }

    @Override public void onPacketLost(long now, long timeSent, int bytes) {
        if (!flight.lost(now, timeSent, bytes, window())) return;
        epochStart = NO_EPOCH;
        // Fast convergence: a window that did not regain W_max makes room for newer flows.
        maxWindow = window < maxWindow ? window * (1 + BETA) / 2 : window;
        priorWindow = window;
        slowStartThreshold = Math.round(window * BETA); // rounded: 0.7 has no exact binary form
        window = Math.max(slowStartThreshold, minimumWindow);
    }

    @Override public void onPersistentCongestion(long now) {
        window = minimumWindow;
        epochStart = NO_EPOCH;
        afterPersistentCongestion = true;
        flight.leaveRecovery();
    }

    @Override public void onPacketDiscarded(int bytes) { flight.discarded(bytes); }

    @Override public boolean inSlowStart() { return window < slowStartThreshold; }

    @Override public long slowStartThreshold() { return slowStartThreshold; }

    /** {@code W_max} in bytes: 0 before the first congestion event. */
    public double maxWindow() { return maxWindow; }

    /** {@code K} in seconds, for the current congestion avoidance stage (0 before one began). */
    public double k() { return k; }

    /** The Reno-friendly estimate {@code W_est} in bytes, for the current congestion avoidance stage. */
    public double renoEstimate() { return renoEstimate; }

    /** When the current congestion avoidance stage began ({@code t_epoch}), Long.MIN_VALUE outside one. */
    long epochStart() { return epochStart; }

    @Override public String toString() {
        return "cubic[window=" + window() + ", ssthresh=" + (slowStartThreshold == Long.MAX_VALUE ? "inf" : slowStartThreshold)
                + ", wMax=" + (long) maxWindow + ", inFlight=" + flight.bytesInFlight() + "]";
    }
}
