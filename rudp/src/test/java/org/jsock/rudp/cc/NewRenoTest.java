package org.jsock.rudp.cc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NewRenoTest {
    static final int MDS = 1200;
    static final long MS = 1_000_000L;
    static final long RTT = 100 * MS;

    @Test
    void startsWithTheInitialWindowInSlowStart() {
        NewReno cc = new NewReno(MDS);
        assertEquals("newreno", cc.name());
        assertEquals(12_000, cc.window());
        assertEquals(0, cc.bytesInFlight());
        assertTrue(cc.inSlowStart());
        assertEquals(Long.MAX_VALUE, cc.slowStartThreshold());
    }

    @Test
    void slowStartDoublesTheWindowEveryRoundTrip() {
        NewReno cc = new NewReno(MDS);
        AckClock clock = new AckClock(cc, MDS, RTT);
        clock.fill();
        assertEquals(12_000, cc.bytesInFlight(), "the initial window goes out at once");
        long expected = 12_000;
        for (int round = 1; round <= 5; round++) {
            clock.runUntil(round * RTT);
            expected *= 2;
            assertEquals(expected, cc.window(), "after round " + round);
            assertEquals(expected, cc.bytesInFlight(), "the window is refilled");
            assertTrue(cc.inSlowStart());
        }
        assertEquals(384_000, cc.window());
    }

    @Test
    void canSendWhileTheWindowHasRoom() {
        NewReno cc = new NewReno(MDS);
        for (int i = 0; i < 9; i++) cc.onPacketSent(0, MDS);
        assertTrue(cc.canSend(MDS), "10 800 + 1200 fits 12 000");
        assertFalse(cc.canSend(MDS + 1));
        cc.onPacketSent(0, MDS);
        assertFalse(cc.canSend(1));
        assertTrue(cc.canSend(0));
    }

    @Test
    void aLossHalvesTheWindowOncePerRecoveryPeriod() {
        NewReno cc = new NewReno(MDS);
        for (int i = 0; i < 10; i++) cc.onPacketSent(0, MDS);

        cc.onPacketLost(100 * MS, 0, MDS);
        assertEquals(6_000, cc.window());
        assertEquals(6_000, cc.slowStartThreshold());
        assertFalse(cc.inSlowStart());
        assertEquals(10_800, cc.bytesInFlight());

        // Another packet of the same flight: no second halving, at the same time or later.
        cc.onPacketLost(100 * MS, 0, MDS);
        cc.onPacketLost(150 * MS, 0, MDS);
        assertEquals(6_000, cc.window());
        assertEquals(8_400, cc.bytesInFlight());

        // Acknowledgements of packets sent before recovery began do not grow the window.
        cc.onPacketAcked(160 * MS, 0, MDS, RTT, RTT);
        assertEquals(6_000, cc.window());

        // A packet sent after recovery began and lost: a new congestion event.
        cc.onPacketSent(170 * MS, MDS);
        cc.onPacketLost(300 * MS, 170 * MS, MDS);
        assertEquals(3_000, cc.window());
        assertEquals(3_000, cc.slowStartThreshold());
    }

    @Test
    void aPacketSentAtTheStartOfRecoveryBelongsToIt() {
        NewReno cc = new NewReno(MDS);
        for (int i = 0; i < 5; i++) cc.onPacketSent(0, MDS);
        cc.onPacketSent(100 * MS, MDS);
        cc.onPacketLost(100 * MS, 0, MDS);
        assertEquals(6_000, cc.window());
        cc.onPacketLost(120 * MS, 100 * MS, MDS);   // sent at the recovery start: same period
        assertEquals(6_000, cc.window());
    }

    @Test
    void theWindowNeverGoesBelowTwoDatagrams() {
        NewReno cc = new NewReno(MDS);
        long t = 0;
        long[] expected = {6_000, 3_000, 2_400, 2_400};
        for (long window : expected) {
            cc.onPacketSent(t, MDS);
            t += 10 * MS;
            cc.onPacketLost(t, t - 10 * MS, MDS);
            t += 10 * MS;
            assertEquals(window, cc.window());
        }
        assertEquals(1_200, cc.slowStartThreshold(), "the threshold itself is half the window, as RFC 9002 writes it");
    }

    @Test
    void congestionAvoidanceGrowsOneDatagramPerWindowAcknowledged() {
        NewReno cc = new NewReno(MDS);
        AckClock clock = new AckClock(cc, MDS, RTT);
        clock.runUntil(RTT);                       // slow start: 24 000
        clock.runUntil(RTT + 10 * MS);
        clock.loseOldest();
        assertEquals(12_000, cc.window());
        assertEquals(12_000, cc.slowStartThreshold());
        assertFalse(cc.inSlowStart());

        // Let recovery end: the packets sent before the loss drain without growing the window, the first
        // packet sent after it ends recovery. Then count growth over whole round trips.
        clock.runUntil(4 * RTT);
        long start = cc.window();
        long bytesAcked = 0;
        long windowAtRoundStart = start;
        for (int round = 1; round <= 20; round++) {
            long ackedBefore = clock.acked;
            clock.runUntil((4 + round) * RTT);
            bytesAcked += (clock.acked - ackedBefore) * MDS;
            long growth = cc.window() - windowAtRoundStart;
            assertTrue(growth == 0 || growth == MDS, "at most one datagram per round trip, got " + growth);
            windowAtRoundStart = cc.window();
        }
        long grown = cc.window() - start;
        assertEquals(20 * MDS, grown, MDS, "one datagram per round trip over 20 round trips");
        // A round trip acknowledges one window: growth is one datagram per window acknowledged.
        double windowsAcked = bytesAcked / ((start + cc.window()) / 2.0);
        assertEquals(windowsAcked * MDS, grown, MDS);
    }

    @Test
    void anApplicationLimitedSenderDoesNotGrowItsWindow() {
        NewReno cc = new NewReno(MDS);
        // Two packets in a 12 000 byte window: well below half of it.
        cc.onPacketSent(0, MDS);
        cc.onPacketSent(0, MDS);
        cc.onPacketAcked(RTT, 0, MDS, RTT, RTT);
        cc.onPacketAcked(RTT, 0, MDS, RTT, RTT);
        assertEquals(12_000, cc.window());

        // Half the window in flight: the acknowledgements count, all of one ACK's worth.
        for (int i = 0; i < 5; i++) cc.onPacketSent(2 * RTT, MDS);
        for (int i = 0; i < 5; i++) cc.onPacketAcked(3 * RTT, 2 * RTT, MDS, RTT, RTT);
        assertEquals(18_000, cc.window());

        // The same flight acknowledged at different times, nothing sent between: only while it was
        // at least half the window.
        for (int i = 0; i < 9; i++) cc.onPacketSent(4 * RTT, MDS);   // 10 800 of 18 000
        cc.onPacketAcked(5 * RTT, 4 * RTT, MDS, RTT, RTT);             // 10 800 in flight: grows to 19 200
        cc.onPacketAcked(5 * RTT + 1, 4 * RTT, MDS, RTT, RTT);         // 9 600 in flight: exactly half, grows
        cc.onPacketAcked(5 * RTT + 2, 4 * RTT, MDS, RTT, RTT);         // 8 400 < 10 200: not any more
        assertEquals(20_400, cc.window());
    }

    @Test
    void applicationLimitedInCongestionAvoidanceToo() {
        NewReno cc = new NewReno(MDS);
        AckClock clock = new AckClock(cc, MDS, RTT);
        clock.runUntil(RTT + 10 * MS);
        clock.loseOldest();
        clock.runUntil(4 * RTT);
        clock.flightCap = 2 * MDS;
        clock.runUntil(6 * RTT);   // the full flight drains: it may grow the window while it is at least half
        long window = cc.window();
        clock.runUntil(30 * RTT);
        assertEquals(window, cc.window(), "no growth while the window is unused");
        clock.flightCap = Long.MAX_VALUE;
        clock.runUntil(40 * RTT);
        assertTrue(cc.window() > window, "growth again once the window is used");
    }

    @Test
    void persistentCongestionCollapsesTheWindowAndEndsRecovery() {
        NewReno cc = new NewReno(MDS);
        for (int i = 0; i < 10; i++) cc.onPacketSent(0, MDS);
        cc.onPacketLost(RTT, 0, MDS);
        cc.onPacketLost(RTT, 0, MDS);
        cc.onPersistentCongestion(RTT);
        assertEquals(2_400, cc.window());
        assertEquals(6_000, cc.slowStartThreshold(), "the threshold from the congestion event stays");
        assertTrue(cc.inSlowStart());
        // Recovery is over: a packet sent before the event now grows the window (slow start).
        cc.onPacketAcked(RTT + 1, 0, MDS, RTT, RTT);
        assertEquals(3_600, cc.window());
        // And a loss of an old packet is a new congestion event.
        cc.onPacketLost(RTT + 2, 0, MDS);
        assertEquals(2_400, cc.window());
        assertEquals(1_800, cc.slowStartThreshold());
    }

    @Test
    void discardedPacketsLeaveTheFlightWithoutASignal() {
        NewReno cc = new NewReno(MDS);
        cc.onPacketSent(0, MDS);
        cc.onPacketSent(0, 500);
        cc.onPacketDiscarded(MDS);
        cc.onPacketDiscarded(500);
        assertEquals(0, cc.bytesInFlight());
        assertEquals(12_000, cc.window());
        assertEquals(Long.MAX_VALUE, cc.slowStartThreshold());
    }

    @Test
    void accountingErrorsAreCaught() {
        NewReno cc = new NewReno(MDS);
        cc.onPacketSent(0, 100);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cc.onPacketAcked(1, 0, 200, RTT, RTT));
        assertEquals("newreno: acknowledged 200 bytes but only 100 are in flight", e.getMessage());
        assertThrows(IllegalStateException.class, () -> cc.onPacketLost(1, 0, 101));
        assertThrows(IllegalArgumentException.class, () -> cc.onPacketSent(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new NewReno(0));
    }
}
