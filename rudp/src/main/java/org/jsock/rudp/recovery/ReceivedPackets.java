package org.jsock.rudp.recovery;

import org.jsock.rudp.wire.AckRanges;

import java.util.Map;
import java.util.TreeMap;

/**
 * The receiver's side of one packet number space: which numbers arrived (to drop duplicates and build
 * ACK ranges) and when an ACK is due (RFC 9000 section 13.2.1).
 *
 * <p>At most {@code maxRanges} ranges are remembered; when a gap would make one more, the lowest range
 * is forgotten, and from then on every number below the lowest remembered range counts as a duplicate
 * (it may have arrived; its frames must not be processed twice). The sender declares such a packet lost
 * and sends its frames again under a new number.
 *
 * <p>An ACK is due at once after the second ack-eliciting packet since the last ACK, or when an
 * ack-eliciting packet arrives out of order (it opens a gap above the largest, or lands below the
 * largest); otherwise within the max ack delay of the first ack-eliciting packet since the last ACK.
 * Packets that are not ack-eliciting never make an ACK due, but the next ACK covers them. Not thread-safe.
 */
public final class ReceivedPackets {
    private final int maxRanges;
    private final long maxAckDelay;
    /** Received ranges: smallest number to largest, disjoint with a gap between neighbours. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    /** Numbers below this are duplicates once a range has been forgotten; 0 until then. */
    private long forgottenBelow;
    private long largest = -1;
    private long largestReceivedTime;
    private int ackElicitingSinceAck;
    private long ackDeadline = Long.MAX_VALUE;
    private boolean unacked;
    private AckRanges cachedRanges;
    private long lastAckSent = Long.MIN_VALUE;

    /**
     * @param maxRanges how many ranges to remember (256 in rudp version 1)
     * @param maxAckDelayNanos how long an ACK may wait for a second ack-eliciting packet (this side's PARAMS)
     */
    public ReceivedPackets(int maxRanges, long maxAckDelayNanos) {
        if (maxRanges < 1) throw new IllegalArgumentException("must remember at least one range: " + maxRanges);
        if (maxAckDelayNanos < 0) throw new IllegalArgumentException("negative max ack delay: " + maxAckDelayNanos);
        this.maxRanges = maxRanges;
        this.maxAckDelay = maxAckDelayNanos;
    }

    /**
     * A packet with a valid checksum arrived. Returns false for a duplicate (already received, or below
     * everything remembered): the caller ignores its frames. Either way it is acknowledged.
     */
    public boolean onPacket(long now, long number, boolean ackEliciting) {
        if (number < 0) throw new IllegalArgumentException("negative packet number: " + number);
        unacked = true;
        if (isDuplicate(number)) {
            // Acknowledge it as an ordinary arrival would be, but a copy is no news of reordering.
            if (ackEliciting) countAckEliciting(now);
            return false;
        }
        boolean outOfOrder = largest >= 0 ? number != largest + 1 : number != 0;
        insert(number);
        if (number > largest) {
            largest = number;
            largestReceivedTime = now;
        }
        if (ackEliciting) {
            countAckEliciting(now);
            if (outOfOrder) ackDeadline = Math.min(ackDeadline, now);
        }
        return true;
    }

    private boolean isDuplicate(long number) {
        if (number < forgottenBelow) return true;
        Map.Entry<Long, Long> below = ranges.floorEntry(number);
        return below != null && below.getValue() >= number;
    }

    private void countAckEliciting(long now) {
        ackElicitingSinceAck++;
        long due = ackElicitingSinceAck >= 2 ? now : saturatingAdd(now, maxAckDelay);
        ackDeadline = Math.min(ackDeadline, due);
    }

    private void insert(long number) {
        cachedRanges = null;
        long smallest = number, largestOfRange = number;
        Map.Entry<Long, Long> below = ranges.floorEntry(number);
        if (below != null && below.getValue() == number - 1) {
            smallest = below.getKey();
        }
        Long aboveEnd = ranges.remove(number + 1);
        if (aboveEnd != null) largestOfRange = aboveEnd;
        ranges.put(smallest, largestOfRange);
        while (ranges.size() > maxRanges) {
            ranges.pollFirstEntry();
            forgottenBelow = ranges.firstKey();
        }
    }

    /**
     * The peer has acknowledged a packet of ours whose ACK frame reported everything up to
     * {@code number - 1}: stop reporting those ranges (QUIC's "ACK of ACK"), so ACK frames stay small
     * after losses. Numbers below are duplicates from now on; a late one carries data the peer has
     * already sent again.
     */
    public void forgetBelow(long number) {
        if (number <= forgottenBelow) return;
        forgottenBelow = number;
        cachedRanges = null;
        Map.Entry<Long, Long> e;
        while ((e = ranges.firstEntry()) != null && e.getKey() < number) {
            ranges.pollFirstEntry();
            if (e.getValue() >= number) ranges.put(number, e.getValue());
        }
    }

    /** Whether an ACK should be sent now. */
    public boolean ackDue(long now) { return now >= ackDeadline; }

    /** When an ACK falls due: now or earlier if one is due at once; {@link Long#MAX_VALUE} if none is pending. */
    public long ackDeadline() { return ackDeadline; }

    /** Whether something arrived (ack-eliciting or not, duplicates included) that no ACK sent since covered. */
    public boolean hasUnacked() { return unacked; }

    /** The ranges to acknowledge, highest first (send {@link AckRanges#first} of them if not all fit); null before any packet. */
    public AckRanges ranges() {
        if (ranges.isEmpty()) return null;
        if (cachedRanges == null) {
            long[] pairs = new long[2 * ranges.size()];
            int i = 0;
            for (Map.Entry<Long, Long> e : ranges.descendingMap().entrySet()) {
                pairs[i++] = e.getKey();
                pairs[i++] = e.getValue();
            }
            cachedRanges = AckRanges.of(pairs);
        }
        return cachedRanges;
    }

    /** The largest number received, -1 before any. */
    public long largest() { return largest; }

    /**
     * The ACK Delay field: microseconds since the largest number was received, 0 before any packet, at
     * most the field's 32 bits.
     */
    public long ackDelayMicros(long now) {
        if (largest < 0) return 0;
        long micros = Math.max(0, now - largestReceivedTime) / 1_000;
        return Math.min(micros, 0xFFFF_FFFFL);
    }

    /** An ACK carrying {@link #ranges()} was sent at {@code now}: nothing is pending any more. */
    public void onAckSent(long now) {
        ackElicitingSinceAck = 0;
        ackDeadline = Long.MAX_VALUE;
        unacked = false;
        lastAckSent = now;
    }

    /** When the last ACK was sent, {@link Long#MIN_VALUE} before any. */
    public long lastAckSent() { return lastAckSent; }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
