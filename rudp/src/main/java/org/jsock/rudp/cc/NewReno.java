package org.jsock.rudp.cc;

/**
 * NewReno as RFC 9002 section 7.3 describes it, the default controller: slow start grows the window by
 * the bytes acknowledged (doubling it every round trip), congestion avoidance by one datagram per window
 * acknowledged, and a congestion event halves it, once per recovery period.
 */
public final class NewReno implements CongestionController {
    static final String NAME = "newreno";

    private final int maxDatagramSize;
    private final long minimumWindow;
    private final FlightState flight = new FlightState(NAME);
    private long window;
    private long slowStartThreshold = Long.MAX_VALUE;
    /** Bytes acknowledged in congestion avoidance toward the next one-datagram step. */
    private long avoidanceCredit;

    public NewReno(int maxDatagramSize) {
        this.window = CongestionController.initialWindow(maxDatagramSize);
        this.minimumWindow = CongestionController.minimumWindow(maxDatagramSize);
        this.maxDatagramSize = maxDatagramSize;
    }

    @Override public String name() { return NAME; }

    @Override public long window() { return window; }

    @Override public long bytesInFlight() { return flight.bytesInFlight(); }

    @Override public void onPacketSent(long now, int bytes) { flight.sent(bytes); }

    @Override public void onPacketAcked(long now, long timeSent, int bytes, long smoothedRtt, long minRtt) {
        if (!flight.acked(now, timeSent, bytes, window) || flight.applicationLimited()) return;
        if (window < slowStartThreshold) {
            window += bytes;
        } else {
            // Counting whole windows keeps the growth exact where mds * bytes / window would round down.
            avoidanceCredit += bytes;
            if (avoidanceCredit >= window) {
                avoidanceCredit -= window;
                window += maxDatagramSize;
            }
        }
    }

    @Override public void onPacketLost(long now, long timeSent, int bytes) {
        if (!flight.lost(now, timeSent, bytes, window)) return;
        slowStartThreshold = window / 2;
        window = Math.max(slowStartThreshold, minimumWindow);
        avoidanceCredit = 0;
    }

    @Override public void onPersistentCongestion(long now) {
        window = minimumWindow;
        avoidanceCredit = 0;
        flight.leaveRecovery();
    }

    @Override public void onPacketDiscarded(int bytes) { flight.discarded(bytes); }

    @Override public boolean inSlowStart() { return window < slowStartThreshold; }

    @Override public long slowStartThreshold() { return slowStartThreshold; }

    @Override public String toString() {
        return "newreno[window=" + window + ", ssthresh=" + (slowStartThreshold == Long.MAX_VALUE ? "inf" : slowStartThreshold)
                + ", inFlight=" + flight.bytesInFlight() + "]";
    }
}
