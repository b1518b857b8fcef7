package org.jsock.rudp.recovery;

import org.jsock.rudp.wire.AckRanges;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceivedPacketsTest {
    static final long MS = 1_000_000L;
    static final long NEVER = Long.MAX_VALUE;

    final ReceivedPackets received = new ReceivedPackets(256, 25 * MS);

    /** Ack-eliciting packets, all at time 0; returns whether each was new. */
    boolean[] receive(long... numbers) {
        boolean[] fresh = new boolean[numbers.length];
        for (int i = 0; i < numbers.length; i++) fresh[i] = received.onPacket(0, numbers[i], true);
        return fresh;
    }

    // ---- duplicates and ranges ----

    @Test
    void nothingReceivedNothingToAcknowledge() {
        assertNull(received.ranges());
        assertFalse(received.hasUnacked());
        assertEquals(NEVER, received.ackDeadline());
        assertFalse(received.ackDue(NEVER - 1));
        assertEquals(-1, received.largest());
        assertEquals(0, received.ackDelayMicros(5 * MS));
    }

    @Test
    void inOrderPacketsMakeOneRangeAndRepeatsAreDuplicates() {
        receive(0, 1, 2);
        assertEquals(AckRanges.range(0, 2), received.ranges());
        assertFalse(received.onPacket(0, 1, true), "1 again");
        assertFalse(received.onPacket(0, 0, false), "0 again, not ack-eliciting");
        assertFalse(received.onPacket(0, 2, true));
        assertEquals(AckRanges.range(0, 2), received.ranges());
        assertEquals(2, received.largest());
    }

    @Test
    void reorderingMakesRangesThatMergeWhenTheGapsFill() {
        receive(0, 1, 3);
        assertEquals(AckRanges.of(3, 3, 0, 1), received.ranges());
        receive(7, 5);
        assertEquals(AckRanges.of(7, 7, 5, 5, 3, 3, 0, 1), received.ranges());
        assertTrue(received.onPacket(0, 2, true));     // joins [0, 1] and [3]
        assertEquals(AckRanges.of(7, 7, 5, 5, 0, 3), received.ranges());
        assertTrue(received.onPacket(0, 6, true));     // joins [5] and [7]
        assertEquals(AckRanges.of(5, 7, 0, 3), received.ranges());
        assertTrue(received.onPacket(0, 4, true));
        assertEquals(AckRanges.range(0, 7), received.ranges());
        assertFalse(received.onPacket(0, 4, true));
        assertTrue(received.onPacket(0, 8, true));     // extends upward
        assertEquals(AckRanges.range(0, 8), received.ranges());
        assertEquals(8, received.largest());
    }

    @Test
    void aFirstPacketAboveZeroLeavesTheNumbersBelowOpen() {
        assertTrue(received.onPacket(0, 5, true));
        assertEquals(AckRanges.range(5, 5), received.ranges());
        assertTrue(received.onPacket(0, 2, true), "not a duplicate: nothing was forgotten");
        assertEquals(AckRanges.of(5, 5, 2, 2), received.ranges());
    }

    @Test
    void atMostMaxRangesAreKeptTheLowestForgotten() {
        ReceivedPackets few = new ReceivedPackets(3, 25 * MS);
        for (long pn : new long[] {0, 2, 4}) assertTrue(few.onPacket(0, pn, true));
        assertEquals(AckRanges.of(4, 4, 2, 2, 0, 0), few.ranges());
        assertTrue(few.onPacket(0, 6, true));
        assertEquals(AckRanges.of(6, 6, 4, 4, 2, 2), few.ranges(), "[0] forgotten");
        // Below the lowest range kept: reported duplicate, whether it came before (0) or not (1).
        assertFalse(few.onPacket(0, 0, true));
        assertFalse(few.onPacket(0, 1, true));
        assertEquals(AckRanges.of(6, 6, 4, 4, 2, 2), few.ranges());
        // Gaps above it still fill.
        assertTrue(few.onPacket(0, 3, true));
        assertEquals(AckRanges.of(6, 6, 2, 4), few.ranges());
        assertTrue(few.onPacket(0, 8, true));
        assertTrue(few.onPacket(0, 10, true));
        assertEquals(AckRanges.of(10, 10, 8, 8, 6, 6), few.ranges(), "[2, 4] forgotten");
        for (long pn = 0; pn <= 5; pn++) assertFalse(few.onPacket(0, pn, true), "below 6: " + pn);
        assertTrue(few.onPacket(0, 7, true));
        assertEquals(AckRanges.of(10, 10, 6, 8), few.ranges());
    }

    @Test
    void aLatePacketThatWouldBeTheLowestRangeIsForgottenAtOnce() {
        ReceivedPackets few = new ReceivedPackets(2, 25 * MS);
        few.onPacket(0, 10, true);
        few.onPacket(0, 12, true);
        assertTrue(few.onPacket(0, 5, true), "new: its frames are processed");
        assertEquals(AckRanges.of(12, 12, 10, 10), few.ranges());
        assertFalse(few.onPacket(0, 5, true), "a second copy is a duplicate");
        assertFalse(few.onPacket(0, 7, true));
    }

    @Test
    void manyRangesStayCorrect() {
        // Every other number up to 1 000, then the odd ones: 256 ranges at most, all merged in the end.
        for (long pn = 0; pn < 1_000; pn += 2) received.onPacket(0, pn, false);
        AckRanges ranges = received.ranges();
        assertEquals(256, ranges.count());
        assertEquals(998, ranges.largest());
        assertEquals(998 - 2 * 255, ranges.smallest());
        for (long pn = 489; pn < 1_000; pn += 2) assertTrue(received.onPacket(0, pn, false), "odd " + pn);
        assertEquals(AckRanges.range(488, 999), received.ranges());
        assertFalse(received.onPacket(0, 487, false));
    }

    // ---- when to acknowledge ----

    @Test
    void everySecondAckElicitingPacketIsAcknowledgedAtOnce() {
        assertTrue(received.onPacket(10 * MS, 0, true));
        assertFalse(received.ackDue(10 * MS));
        assertEquals(35 * MS, received.ackDeadline(), "the first waits up to the max ack delay");
        assertTrue(received.onPacket(12 * MS, 1, true));
        assertTrue(received.ackDue(12 * MS));
        assertEquals(12 * MS, received.ackDeadline());

        received.onAckSent(12 * MS);
        assertFalse(received.ackDue(12 * MS));
        assertEquals(NEVER, received.ackDeadline());
        assertFalse(received.hasUnacked());
        assertEquals(12 * MS, received.lastAckSent());

        received.onPacket(20 * MS, 2, true);
        assertFalse(received.ackDue(20 * MS));
        received.onPacket(21 * MS, 3, true);
        assertTrue(received.ackDue(21 * MS));
    }

    @Test
    void aLoneAckElicitingPacketIsAcknowledgedAfterTheMaxAckDelay() {
        received.onPacket(10 * MS, 0, true);
        assertFalse(received.ackDue(35 * MS - 1));
        assertTrue(received.ackDue(35 * MS));
        assertTrue(received.ackDue(100 * MS));
        // A later ack-eliciting packet cannot push the deadline back: it makes the ACK due now.
        received.onPacket(30 * MS, 1, true);
        assertEquals(30 * MS, received.ackDeadline());
    }

    @Test
    void packetsThatAreNotAckElicitingNeverMakeAnAckDue() {
        for (long pn = 0; pn < 10; pn++) received.onPacket(pn * MS, pn, false);
        received.onPacket(20 * MS, 15, false);   // out of order too
        assertEquals(NEVER, received.ackDeadline());
        assertFalse(received.ackDue(NEVER - 1));
        assertTrue(received.hasUnacked(), "but the next ACK covers them");
        assertEquals(AckRanges.of(15, 15, 0, 9), received.ranges());
        // The first ack-eliciting one starts the delay.
        received.onPacket(30 * MS, 16, true);
        assertEquals(55 * MS, received.ackDeadline());
    }

    @Test
    void anOutOfOrderAckElicitingPacketIsAcknowledgedAtOnce() {
        received.onPacket(0, 0, true);
        received.onAckSent(0);

        received.onPacket(10 * MS, 2, true);   // a gap appears: 1 is missing
        assertTrue(received.ackDue(10 * MS));
        received.onAckSent(10 * MS);

        received.onPacket(20 * MS, 1, true);   // the gap is filled
        assertTrue(received.ackDue(20 * MS));
        received.onAckSent(20 * MS);

        received.onPacket(30 * MS, 3, true);   // in order again: the usual delay
        assertFalse(received.ackDue(30 * MS));
        assertEquals(55 * MS, received.ackDeadline());
    }

    @Test
    void theFirstPacketOutOfOrderWhenItIsNotZero() {
        received.onPacket(0, 0, true);
        assertFalse(received.ackDue(0));
        ReceivedPackets other = new ReceivedPackets(256, 25 * MS);
        other.onPacket(0, 1, true);   // 0 is missing
        assertTrue(other.ackDue(0));
    }

    @Test
    void duplicatesAreAcknowledgedButAreNoSignOfReordering() {
        received.onPacket(0, 0, true);
        received.onPacket(0, 1, true);
        received.onAckSent(1 * MS);
        assertFalse(received.onPacket(5 * MS, 0, true));
        assertTrue(received.hasUnacked());
        assertFalse(received.ackDue(5 * MS), "one copy: the usual delay");
        assertEquals(30 * MS, received.ackDeadline());
        assertFalse(received.onPacket(6 * MS, 1, true));
        assertTrue(received.ackDue(6 * MS), "the second ack-eliciting arrival since the ACK");
        received.onAckSent(6 * MS);
        assertFalse(received.onPacket(7 * MS, 1, false));
        assertTrue(received.hasUnacked());
        assertEquals(NEVER, received.ackDeadline());
    }

    // ---- ack delay ----

    @Test
    void theAckDelayCountsFromTheArrivalOfTheLargest() {
        received.onPacket(1 * MS, 0, true);
        received.onPacket(2 * MS, 5, true);
        received.onPacket(3 * MS, 3, true);   // lower than the largest: not the reference
        assertEquals(1_500, received.ackDelayMicros(3_500_000));
        assertEquals(0, received.ackDelayMicros(2 * MS));
        assertEquals(0, received.ackDelayMicros(1 * MS), "never negative");
        assertEquals(0xFFFF_FFFFL, received.ackDelayMicros(2 * MS + 10_000_000 * MS), "capped at the field's 32 bits");
    }

    @Test
    void rangesAreCachedUntilSomethingArrives() {
        receive(0, 1);
        AckRanges first = received.ranges();
        assertSame(first, received.ranges());
        received.onPacket(0, 1, true);   // a duplicate changes nothing
        assertSame(first, received.ranges());
        received.onPacket(0, 3, true);
        assertEquals(AckRanges.of(3, 3, 0, 1), received.ranges());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ReceivedPackets(0, MS));
        assertThrows(IllegalArgumentException.class, () -> new ReceivedPackets(1, -1));
        assertThrows(IllegalArgumentException.class, () -> received.onPacket(0, -1, true));
        assertNull(received.ranges());
    }
}
