package org.jsock.rudp.cc;

/**
 * What every window-based controller here keeps besides its window: the bytes in flight, the start of
 * the recovery period, and whether the window was in use when an acknowledgement arrived.
 */
final class FlightState {
    /** No recovery period: every loss is a new congestion event. */
    static final long NO_RECOVERY = Long.MIN_VALUE;

    private final String owner;
    private long bytesInFlight;
    private long recoveryStart = NO_RECOVERY;

    // The bytes in flight and the window when the current ACK arrived. One ACK frame reports many packets
    // one call at a time; judging each by the shrinking flight (and the growing window) would call a full
    // window application-limited half-way through. A removal starts a new ACK's worth when the time
    // changed or something was sent since.
    private long flightAtAckArrival;
    private long windowAtAckArrival;
    private long lastRemovalTime;
    private boolean sentSinceRemoval = true;

    FlightState(String owner) { this.owner = owner; }

    long bytesInFlight() { return bytesInFlight; }

    long recoveryStart() { return recoveryStart; }

    void sent(int bytes) {
        checkBytes(bytes);
        bytesInFlight += bytes;
        sentSinceRemoval = true;
    }

    /**
     * Removes an acknowledged packet; {@code window} is the window before it. Returns false if it was sent before the current recovery period
     * began (it must not grow the window); otherwise recovery, if any, is over (RFC 9002 7.3.2).
     */
    boolean acked(long now, long timeSent, int bytes, long window) {
        beginRemoval(now, window);
        remove(bytes, "acknowledged");
        if (timeSent <= recoveryStart) return false;
        recoveryStart = NO_RECOVERY;
        return true;
    }

    /** Removes a lost packet; {@code window} is the window before it. Returns whether it is a congestion event, which starts recovery at {@code now}. */
    boolean lost(long now, long timeSent, int bytes, long window) {
        beginRemoval(now, window);
        remove(bytes, "lost");
        if (timeSent <= recoveryStart) return false;
        recoveryStart = now;
        return true;
    }

    void discarded(int bytes) { remove(bytes, "discarded"); }

    void leaveRecovery() { recoveryStart = NO_RECOVERY; }

    boolean inRecovery() { return recoveryStart != NO_RECOVERY; }

    /** The bytes in flight when the current acknowledgement arrived, before it removed anything. */
    long flightAtAckArrival() { return flightAtAckArrival; }

    /** Whether less than half the window was in use when the current acknowledgement arrived. */
    boolean applicationLimited() { return 2 * flightAtAckArrival < windowAtAckArrival; }

    private void beginRemoval(long now, long window) {
        if (sentSinceRemoval || now != lastRemovalTime) {
            flightAtAckArrival = bytesInFlight;
            windowAtAckArrival = window;
        }
        sentSinceRemoval = false;
        lastRemovalTime = now;
    }

    private void remove(int bytes, String what) {
        checkBytes(bytes);
        if (bytes > bytesInFlight) {
            throw new IllegalStateException(owner + ": " + what + " " + bytes + " bytes but only " + bytesInFlight + " are in flight");
        }
        bytesInFlight -= bytes;
    }

    private static void checkBytes(int bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative packet size: " + bytes);
    }
}
