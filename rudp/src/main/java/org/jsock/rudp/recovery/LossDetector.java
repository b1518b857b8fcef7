package org.jsock.rudp.recovery;

import org.jsock.rudp.cc.CongestionController;
import org.jsock.rudp.wire.AckRanges;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * RFC 9002 loss detection for one packet number space (section 6, with the pseudo-code of its appendix
 * A): it tracks the packets sent until they are acknowledged or declared lost, takes RTT samples, runs
 * the loss and probe timers, and tells the congestion controller what happened.
 *
 * <p>Register every packet sent, ack-only ones too (not in flight): persistent congestion needs to
 * know that nothing between two lost packets was acknowledged, and a packet number never registered
 * counts as one that might have been. Not thread-safe; all times are {@code now} in nanoseconds.
 */
public final class LossDetector {
    /** A packet is lost once a packet sent this many later is acknowledged. */
    public static final int PACKET_THRESHOLD = 3;
    /** Persistent congestion: lost packets spanning more than this many PTOs (without backoff). */
    public static final int PERSISTENT_CONGESTION_THRESHOLD = 3;

    private static final long NO_TIMER = Long.MAX_VALUE;

    private final RttEstimator rtt;
    private final CongestionController cc;
    private final TreeMap<Long, SentPacket> sent = new TreeMap<>();

    private long largestSent = -1;
    private long largestAcked = -1;
    private boolean anySent;
    private long lastSentTime;
    private long lastAckElicitingTime;
    private int ackElicitingInFlight;
    private int inFlightCount;
    private long bytesInFlight;
    private long lossTime = NO_TIMER;
    private int ptoCount;
    private boolean armWhenIdle;
    private boolean rttSampled;
    private long firstRttSampleTime;
    private long lostPackets;
    private long lostBytes;
    private long persistentCongestions;

    public LossDetector(RttEstimator rtt, CongestionController cc) {
        this.rtt = Objects.requireNonNull(rtt, "rtt");
        this.cc = Objects.requireNonNull(cc, "cc");
    }

    /** What an ACK did: packets newly acknowledged and declared lost, both in ascending number order. */
    public record AckOutcome(List<SentPacket> acked, List<SentPacket> lost, boolean persistentCongestion) {}

    /** What a timer expiry did: packets lost by the time threshold, or how many probe packets to send now. */
    public record TimeoutOutcome(List<SentPacket> lost, int probes) {}

    public RttEstimator rtt() { return rtt; }

    public CongestionController congestionController() { return cc; }

    /**
     * A packet left; in-flight ones are also reported to congestion control.
     *
     * @throws IllegalArgumentException if its number is not above every number registered before
     */
    public void onPacketSent(SentPacket p) {
        if (p.number() <= largestSent) {
            throw new IllegalArgumentException("packet numbers must increase: " + p.number() + " after " + largestSent);
        }
        sent.put(p.number(), p);
        largestSent = p.number();
        anySent = true;
        lastSentTime = p.timeSent();
        if (p.inFlight()) {
            inFlightCount++;
            bytesInFlight += p.size();
            cc.onPacketSent(p.timeSent(), p.number(), p.size());
        }
        if (p.ackEliciting()) {
            ackElicitingInFlight++;
            lastAckElicitingTime = p.timeSent();
        }
    }

    /**
     * An ACK frame arrived (RFC 9002 A.7). Removes the packets it newly acknowledges, takes an RTT sample
     * if the largest acknowledged is among them and any of them is ack-eliciting, declares packets lost by
     * the packet and time thresholds, checks for persistent congestion, and tells congestion control
     * (losses first, so that acknowledgements of packets sent before recovery do not grow the window).
     * An ACK that acknowledges something new resets the PTO backoff.
     *
     * @param ackDelayNanos the delay the peer reported, in nanoseconds
     * @throws IllegalArgumentException if it acknowledges a number above every number sent (the connection
     *         closes with PROTOCOL_VIOLATION), or claims a packet was acknowledged before it was sent
     */
    public AckOutcome onAck(long now, AckRanges ranges, long ackDelayNanos, boolean handshakeConfirmed) {
        Objects.requireNonNull(ranges, "ranges");
        if (ranges.largest() > largestSent) {
            throw new IllegalArgumentException("ACK of packet " + ranges.largest() + ", never sent (largest sent: " + largestSent + ")");
        }
        if (ackDelayNanos < 0) throw new IllegalArgumentException("negative ack delay: " + ackDelayNanos);
        SentPacket top = sent.get(ranges.largest());
        if (top != null && now < top.timeSent()) {
            throw new IllegalArgumentException("ACK at " + now + " of packet " + top.number() + " sent later, at " + top.timeSent());
        }

        largestAcked = Math.max(largestAcked, ranges.largest());
        List<SentPacket> acked = new ArrayList<>();
        for (int i = ranges.count() - 1; i >= 0; i--) {   // lowest range first: ascending order
            var range = sent.subMap(ranges.smallest(i), true, ranges.largest(i), true);
            acked.addAll(range.values());
            range.clear();
        }
        if (acked.isEmpty()) return new AckOutcome(List.of(), List.of(), false);
        boolean anyAckEliciting = false;
        for (SentPacket p : acked) {
            forget(p);
            anyAckEliciting |= p.ackEliciting();
        }

        SentPacket largestNewlyAcked = acked.getLast();
        if (largestNewlyAcked.number() == ranges.largest() && anyAckEliciting) {
            rtt.update(now - largestNewlyAcked.timeSent(), ackDelayNanos, handshakeConfirmed);
            if (!rttSampled) {
                rttSampled = true;
                firstRttSampleTime = now;
            }
        }

        List<SentPacket> lost = detectLost(now);
        boolean persistentCongestion = declareLost(now, lost);
        for (SentPacket p : acked) {
            if (p.inFlight()) cc.onPacketAcked(now, p.number(), p.timeSent(), p.size(), rtt.smoothed(), rtt.min());
        }
        ptoCount = 0;
        return new AckOutcome(List.copyOf(acked), List.copyOf(lost), persistentCongestion);
    }

    /**
     * Removes and returns the packets at or below the largest acknowledged that are lost by the packet
     * threshold or the time threshold, and sets the loss timer for the earliest one that may still be.
     */
    private List<SentPacket> detectLost(long now) {
        lossTime = NO_TIMER;
        List<SentPacket> lost = new ArrayList<>();
        if (largestAcked < 0) return lost;
        long lossDelay = Math.max(Math.max(rtt.latest(), rtt.smoothed()) * 9 / 8, RttEstimator.GRANULARITY);
        long lostIfSentBy = now - lossDelay;
        Iterator<SentPacket> it = sent.headMap(largestAcked, true).values().iterator();
        while (it.hasNext()) {
            SentPacket p = it.next();
            if (p.timeSent() <= lostIfSentBy || largestAcked >= p.number() + PACKET_THRESHOLD) {
                it.remove();
                forget(p);
                lost.add(p);
            } else {
                lossTime = Math.min(lossTime, p.timeSent() + lossDelay);
            }
        }
        return lost;
    }

    /** Counts the losses, tells congestion control, and returns whether they show persistent congestion. */
    private boolean declareLost(long now, List<SentPacket> lost) {
        for (SentPacket p : lost) {
            lostPackets++;
            lostBytes += p.size();
            if (p.inFlight()) cc.onPacketLost(now, p.number(), p.timeSent(), p.size());
        }
        if (!persistentCongestion(lost)) return false;
        persistentCongestions++;
        cc.onPersistentCongestion(now);
        return true;
    }

    /**
     * RFC 9002 7.6.2: two ack-eliciting packets lost, both sent after the first RTT sample, more than the
     * persistent congestion duration apart, with nothing between them acknowledged. {@code lost} is in
     * number order; a number missing between neighbours means that packet was acknowledged (or lost
     * earlier, or never registered), which ends the run.
     */
    private boolean persistentCongestion(List<SentPacket> lost) {
        if (!rttSampled || lost.size() < 2) return false;
        long duration = saturatingMultiply(rtt.pto(), PERSISTENT_CONGESTION_THRESHOLD);
        boolean inRun = false;
        long runStart = 0;
        long previous = -2;
        for (SentPacket p : lost) {
            if (p.number() != previous + 1) inRun = false;
            previous = p.number();
            if (!p.ackEliciting() || p.timeSent() <= firstRttSampleTime) continue;
            if (!inRun) {
                inRun = true;
                runStart = p.timeSent();
            } else if (p.timeSent() - runStart > duration) {
                return true;
            }
        }
        return false;
    }

    private void forget(SentPacket p) {
        if (p.inFlight()) {
            inFlightCount--;
            bytesInFlight -= p.size();
        }
        if (p.ackEliciting()) ackElicitingInFlight--;
    }

    /**
     * When {@link #onTimeout} is due: the loss timer if a packet awaits the time threshold; otherwise the
     * PTO, {@code pto × 2^ptoCount} after the last ack-eliciting packet was sent, if one is in flight, or
     * after the last packet of any kind if {@linkplain #setArmWhenIdle armed when idle}; otherwise never
     * ({@link Long#MAX_VALUE}).
     */
    public long timerDeadline(long now) {
        if (lossTime != NO_TIMER) return lossTime;
        long from;
        if (ackElicitingInFlight > 0) from = lastAckElicitingTime;
        else if (armWhenIdle && anySent) from = lastSentTime;
        else return NO_TIMER;
        long backedOff = ptoCount >= 62 ? Long.MAX_VALUE : saturatingMultiply(rtt.pto(), 1L << ptoCount);
        return saturatingAdd(from, backedOff);
    }

    /**
     * The timer fired (RFC 9002 A.9). If the loss timer was due, the packets it declares lost (probes 0).
     * If the PTO was due: no loss, {@link #ptoCount()} goes up by one and the connection should send two
     * ack-eliciting probes (new data, the oldest unacknowledged data again, or PING), or one when nothing
     * ack-eliciting is in flight (the anti-deadlock probe). Before the deadline, nothing happens.
     */
    public TimeoutOutcome onTimeout(long now) {
        long deadline = timerDeadline(now);
        if (deadline == NO_TIMER || now < deadline) return new TimeoutOutcome(List.of(), 0);
        if (lossTime != NO_TIMER) {
            List<SentPacket> lost = detectLost(now);
            declareLost(now, lost);
            return new TimeoutOutcome(List.copyOf(lost), 0);
        }
        int probes = ackElicitingInFlight > 0 ? 2 : 1;
        ptoCount++;
        return new TimeoutOutcome(List.of(), probes);
    }

    /**
     * Keep the PTO armed with nothing ack-eliciting in flight: a client before its handshake completes,
     * so that a lost HANDSHAKE cannot leave both sides waiting (RFC 9002 6.2.2.1).
     */
    public void setArmWhenIdle(boolean arm) { this.armWhenIdle = arm; }

    /** PTOs since the last acknowledgement of something new. */
    public int ptoCount() { return ptoCount; }

    /** The largest packet number acknowledged so far, -1 before any. */
    public long largestAcked() { return largestAcked; }

    /** The largest packet number registered so far, -1 before any. */
    public long largestSent() { return largestSent; }

    /** A snapshot of the packets neither acknowledged nor lost, in number order: what a probe may resend. */
    public Iterable<SentPacket> unacked() { return List.copyOf(sent.values()); }

    public int inFlightCount() { return inFlightCount; }

    public long bytesInFlight() { return bytesInFlight; }

    /**
     * On close: forgets every packet (in-flight ones are discarded from congestion control, which is no
     * signal), clears the loss timer and stops {@linkplain #setArmWhenIdle arming when idle}.
     */
    public void discardAll() {
        for (SentPacket p : sent.values()) {
            if (p.inFlight()) cc.onPacketDiscarded(p.number(), p.size());
        }
        sent.clear();
        ackElicitingInFlight = 0;
        inFlightCount = 0;
        bytesInFlight = 0;
        lossTime = NO_TIMER;
        armWhenIdle = false;
    }

    /** Packets declared lost so far, of every kind. */
    public long lostPackets() { return lostPackets; }

    /** The bytes of the packets declared lost so far. */
    public long lostBytes() { return lostBytes; }

    /** How many times persistent congestion was declared. */
    public long persistentCongestions() { return persistentCongestions; }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;   // b >= 0 here: only upward overflow
    }

    private static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;   // both non-negative here
    }
}
