package org.jsock.rudp.cc;

import java.util.ArrayDeque;

/**
 * Drives a controller the way a window-limited sender on a clean path would: every packet is
 * acknowledged exactly one RTT after it was sent, in order, and after each acknowledgement the sender
 * fills the window again (up to {@link #flightCap}, to play an application that has little to send).
 * Deterministic; every run is bounded by its end time.
 */
final class AckClock {
    final CongestionController cc;
    final int mds;
    final long rtt;
    long now;
    /** Bytes the application is willing to have in flight: Long.MAX_VALUE is a bulk sender. */
    long flightCap = Long.MAX_VALUE;
    long acked;
    private final ArrayDeque<Long> sendTimes = new ArrayDeque<>();

    AckClock(CongestionController cc, int mds, long rtt) {
        this.cc = cc;
        this.mds = mds;
        this.rtt = rtt;
    }

    /** Sends full-size packets while the window and the application allow. */
    void fill() {
        while (cc.canSend(mds) && cc.bytesInFlight() + mds <= flightCap) {
            cc.onPacketSent(now, mds);
            sendTimes.add(now);
        }
    }

    /** Delivers every acknowledgement due up to {@code until}, refilling after each, then moves the clock there. */
    void runUntil(long until) {
        fill();
        while (!sendTimes.isEmpty() && sendTimes.peekFirst() + rtt <= until) {
            long sentAt = sendTimes.pollFirst();
            now = sentAt + rtt;
            cc.onPacketAcked(now, sentAt, mds, rtt, rtt);
            acked++;
            fill();
        }
        now = until;
    }

    /** Delivers acknowledgements one at a time, refilling after each, until the window reaches {@code window}. */
    void runUntilWindow(long window) {
        fill();
        for (int i = 0; i < 1_000_000 && cc.window() < window; i++) {
            long sentAt = sendTimes.pollFirst();
            now = Math.max(now, sentAt + rtt);
            cc.onPacketAcked(now, sentAt, mds, rtt, rtt);
            acked++;
            fill();
        }
    }

    /** The oldest packet in flight is declared lost now. */
    void loseOldest() {
        long sentAt = sendTimes.pollFirst();
        cc.onPacketLost(now, sentAt, mds);
    }

    int packetsInFlight() { return sendTimes.size(); }
}
