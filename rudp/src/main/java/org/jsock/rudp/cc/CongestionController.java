package org.jsock.rudp.cc;

import java.util.List;
import java.util.Locale;

/**
 * A congestion controller for one connection (RFC 9002 section 7): it keeps the congestion window and
 * the bytes in flight, and reacts to what loss detection reports.
 *
 * <p>Every method takes the time as {@code now}, nanoseconds from an arbitrary origin, so that a
 * controller is a deterministic state machine: the same calls give the same windows, on a simulated
 * clock as on {@link System#nanoTime()}. Implementations are not thread-safe; a connection drives its
 * controller from one thread.
 *
 * <p>Only in-flight packets (ack-eliciting or padded) are reported. Each one is reported sent once,
 * then exactly once as acknowledged, lost or discarded.
 *
 * <p>{@link NewReno} and {@link Cubic} grow the window only when it was in use: if the bytes in flight
 * when an acknowledgement arrived were below half the window, the sender is application-limited and
 * its window has not been tested, so it is left as it is (RFC 9002 section 7.8).
 *
 * <p>Loss detection reports packets through the methods that carry the packet number; by default they
 * forget the number and call the methods without it, which is all a window-based controller needs.
 * {@link Bbr} keeps state per packet, so it needs the numbers (packets sent in one burst may share a
 * timestamp), and it sets its own {@linkplain #pacingRate() pacing rate}.
 */
public interface CongestionController {

    /** The name {@link #create} knows this controller by: {@code "newreno"}, {@code "cubic"}, {@code "bbr"}. */
    String name();

    /** The congestion window, in bytes. */
    long window();

    /** The bytes sent and neither acknowledged, lost nor discarded. */
    long bytesInFlight();

    /** Whether a packet of {@code bytes} fits in the window now. */
    default boolean canSend(int bytes) { return bytesInFlight() + bytes <= window(); }

    /** An in-flight packet of {@code bytes} was sent at {@code now}. */
    void onPacketSent(long now, int bytes);

    /**
     * An in-flight packet sent at {@code timeSent} was acknowledged. Grows the window unless the packet
     * was sent before the current recovery period began, or the sender was application-limited.
     * Acknowledging a packet sent after the start of recovery ends the recovery period.
     */
    void onPacketAcked(long now, long timeSent, int bytes, long smoothedRtt, long minRtt);

    /**
     * An in-flight packet sent at {@code timeSent} was declared lost: its bytes leave the flight. The first
     * loss of a packet sent after the current recovery period began is a congestion event: the window
     * shrinks and a new recovery period starts at {@code now}; losses of older packets are not signals again.
     */
    void onPacketLost(long now, long timeSent, int bytes);

    /** {@link #onPacketSent(long, int)} for packet {@code packetNumber}: what loss detection calls. */
    default void onPacketSent(long now, long packetNumber, int bytes) { onPacketSent(now, bytes); }

    /** {@link #onPacketAcked(long, long, int, long, long)} for packet {@code packetNumber}: what loss detection calls. */
    default void onPacketAcked(long now, long packetNumber, long timeSent, int bytes, long smoothedRtt, long minRtt) {
        onPacketAcked(now, timeSent, bytes, smoothedRtt, minRtt);
    }

    /** {@link #onPacketLost(long, long, int)} for packet {@code packetNumber}: what loss detection calls. */
    default void onPacketLost(long now, long packetNumber, long timeSent, int bytes) { onPacketLost(now, timeSent, bytes); }

    /** {@link #onPacketDiscarded(int)} for packet {@code packetNumber}: what loss detection calls. */
    default void onPacketDiscarded(long packetNumber, int bytes) { onPacketDiscarded(bytes); }

    /**
     * The connection has nothing ack-eliciting to send though the window has room: the packets sent until
     * it has again do not show what the path can carry. Window-based controllers learn this from the
     * bytes in flight instead, and ignore it.
     */
    default void onApplicationLimited(long now) { }

    /**
     * The rate to pace at, in bytes per second, or 0 to let the {@link Pacer} derive one from the window
     * and the smoothed RTT ({@code 1.25 × cwnd / srtt}), as NewReno and CUBIC do.
     */
    default long pacingRate() { return 0; }

    /** Persistent congestion (RFC 9002 section 7.6): the window collapses to the minimum, recovery ends. */
    void onPersistentCongestion(long now);

    /** An in-flight packet is forgotten (the connection closed): its bytes leave the flight, no signal. */
    void onPacketDiscarded(int bytes);

    /** Whether the window is below the slow start threshold. */
    boolean inSlowStart();

    /** The slow start threshold in bytes: {@link Long#MAX_VALUE} until the first congestion event. */
    long slowStartThreshold();

    /** A new controller by name, for a path whose largest datagram is {@code maxDatagramSize} bytes. */
    static CongestionController create(String name, int maxDatagramSize) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case NewReno.NAME -> new NewReno(maxDatagramSize);
            case Cubic.NAME -> new Cubic(maxDatagramSize);
            case Bbr.NAME -> new Bbr(maxDatagramSize);
            default -> throw new IllegalArgumentException(
                    "unknown congestion controller '" + name + "': use one of " + names());
        };
    }

    /** The names {@link #create} accepts, the default first. */
    static List<String> names() { return List.of(NewReno.NAME, Cubic.NAME, Bbr.NAME); }

    /** The initial window of RFC 9002 section 7.2: {@code min(10 × mds, max(14720, 2 × mds))}. */
    static long initialWindow(int maxDatagramSize) {
        long mds = checkDatagramSize(maxDatagramSize);
        return Math.min(10 * mds, Math.max(14_720L, 2 * mds));
    }

    /** The smallest window any controller here goes down to: two datagrams. */
    static long minimumWindow(int maxDatagramSize) { return 2L * checkDatagramSize(maxDatagramSize); }

    private static int checkDatagramSize(int maxDatagramSize) {
        if (maxDatagramSize <= 0) throw new IllegalArgumentException("max datagram size must be positive: " + maxDatagramSize);
        return maxDatagramSize;
    }
}
