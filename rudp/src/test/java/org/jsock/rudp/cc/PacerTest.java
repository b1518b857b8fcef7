package org.jsock.rudp.cc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacerTest {
    static final int MDS = 1200;
    static final long MS = 1_000_000L;

    @Test
    void aBurstOfTheInitialWindowGoesAtOnceThenPacketsAreSpaced() {
        Pacer pacer = new Pacer(MDS);
        assertEquals(12_000, pacer.burstBytes());
        long cwnd = 12_000, srtt = 100 * MS;
        long now = 5_000 * MS;   // any origin
        for (int i = 0; i < 10; i++) {
            assertEquals(now, pacer.nextSendTime(now, MDS, cwnd, srtt), "packet " + i + " of the burst");
            pacer.onPacketSent(now, MDS, cwnd, srtt);
        }
        // rate = 1.25 * 12 000 B / 100 ms = 150 000 B/s: 1200 B every 8 ms.
        long t = now;
        for (int i = 0; i < 20; i++) {
            long next = pacer.nextSendTime(t, MDS, cwnd, srtt);
            assertEquals(t + 8 * MS, next, "paced packet " + i);
            assertEquals(next, pacer.nextSendTime(next, MDS, cwnd, srtt), "due at the time it named");
            pacer.onPacketSent(next, MDS, cwnd, srtt);
            t = next;
        }
    }

    @Test
    void askingEarlyNamesTheSameTime() {
        Pacer pacer = new Pacer(MDS);
        long cwnd = 12_000, srtt = 100 * MS;
        for (int i = 0; i < 10; i++) pacer.onPacketSent(0, MDS, cwnd, srtt);
        assertEquals(8 * MS, pacer.nextSendTime(0, MDS, cwnd, srtt));
        assertEquals(8 * MS, pacer.nextSendTime(3 * MS, MDS, cwnd, srtt));
        assertEquals(9 * MS, pacer.nextSendTime(9 * MS, MDS, cwnd, srtt), "never before now");
        // Smaller packets need fewer tokens: 600 B at 150 000 B/s is 4 ms.
        assertEquals(4 * MS, pacer.nextSendTime(0, 600, cwnd, srtt));
    }

    @Test
    void spacingIsTheTransmissionTimeAtTheRateWithinRounding() {
        Pacer pacer = new Pacer(MDS);
        long cwnd = 50_000, srtt = 333_333_333;   // 1200 B take 6 399 999.99 ns at this rate
        double exact = MDS / (1.25 * cwnd / srtt);
        long t = 0;
        for (int i = 0; i < 10; i++) pacer.onPacketSent(t, MDS, cwnd, srtt);
        for (int i = 0; i < 200; i++) {
            long next = pacer.nextSendTime(t, MDS, cwnd, srtt);
            if (i > 0) assertEquals(exact, next - t, 1.0, "spacing of packet " + i);
            pacer.onPacketSent(next, MDS, cwnd, srtt);
            t = next;
        }
        // Over many packets the rate holds: 200 spacings of 6.4 ms, give or take a nanosecond each.
        assertEquals(1.25 * cwnd / srtt, 200.0 * MDS / (t - 0), 1.25 * cwnd / srtt * 0.02);
    }

    @Test
    void theRateFollowsTheWindowAndRtt() {
        Pacer pacer = new Pacer(MDS);
        for (int i = 0; i < 10; i++) pacer.onPacketSent(0, MDS, 12_000, 100 * MS);
        // Ten times the window: a tenth of the spacing.
        assertEquals(800_000, pacer.nextSendTime(0, MDS, 120_000, 100 * MS));
        // Half the RTT: half the spacing.
        assertEquals(4 * MS, pacer.nextSendTime(0, MDS, 12_000, 50 * MS));
    }

    @Test
    void anIdleBucketRefillsToTheBurstAllowanceAndNoFurther() {
        Pacer pacer = new Pacer(MDS);
        long cwnd = 12_000, srtt = 100 * MS;
        for (int i = 0; i < 10; i++) pacer.onPacketSent(0, MDS, cwnd, srtt);
        long later = 10_000 * MS;   // idle for 100 RTTs
        for (int i = 0; i < 10; i++) {
            assertEquals(later, pacer.nextSendTime(later, MDS, cwnd, srtt));
            pacer.onPacketSent(later, MDS, cwnd, srtt);
        }
        assertEquals(later + 8 * MS, pacer.nextSendTime(later, MDS, cwnd, srtt), "a burst of the initial window, not more");
        // Half the bucket refills in 40 ms.
        long half = later + 40 * MS;
        for (int i = 0; i < 5; i++) {
            assertEquals(half, pacer.nextSendTime(half, MDS, cwnd, srtt));
            pacer.onPacketSent(half, MDS, cwnd, srtt);
        }
        assertEquals(half + 8 * MS, pacer.nextSendTime(half, MDS, cwnd, srtt));
    }

    @Test
    void packetsSentBeforeTheirTimeAreADebt() {
        Pacer pacer = new Pacer(MDS);
        long cwnd = 12_000, srtt = 100 * MS;
        for (int i = 0; i < 12; i++) pacer.onPacketSent(0, MDS, cwnd, srtt);   // two beyond the burst (probes)
        assertEquals(24 * MS, pacer.nextSendTime(0, MDS, cwnd, srtt));
    }

    @Test
    void noRateKnownHoldsNothingBack() {
        Pacer pacer = new Pacer(MDS);
        for (int i = 0; i < 100; i++) {
            assertEquals(7, pacer.nextSendTime(7, MDS, 12_000, 0));
            pacer.onPacketSent(7, MDS, 12_000, 0);
        }
    }

    @Test
    void transmissionTimesDoNotOverflow() {
        long day = 86_400_000_000_000L;
        // 4 * 65 507 * one day in ns is beyond 63 bits; the result (0.4 of a day) is not.
        long nanos = Pacer.transmitNanos(65_507, 131_014, day, true);
        assertTrue(nanos > 0);
        assertEquals(day * 0.8 / 2, nanos, 1.0);
        assertEquals(8 * MS, Pacer.transmitNanos(MDS, 12_000, 100 * MS, true));
        assertEquals(8 * MS, Pacer.transmitNanos(MDS, 12_000, 100 * MS, false));
        assertEquals(6_400_000, Pacer.transmitNanos(MDS, 50_000, 333_333_333, true));
        assertEquals(6_399_999, Pacer.transmitNanos(MDS, 50_000, 333_333_333, false));
    }

    @Test
    void aControllersOwnRateReplacesTheWindowBasedOne() {
        Pacer pacer = new Pacer(MDS);
        long cwnd = 12_000, srtt = 100 * MS;
        // 600 000 B/s: 1200 B every 2 ms, whatever the window and RTT (which alone would give 8 ms).
        for (int i = 0; i < 10; i++) {
            assertEquals(0, pacer.nextSendTime(0, MDS, 600_000, cwnd, srtt), "packet " + i + " of the burst");
            pacer.onPacketSent(0, MDS, 600_000, cwnd, srtt);
        }
        long t = 0;
        for (int i = 0; i < 20; i++) {
            long next = pacer.nextSendTime(t, MDS, 600_000, cwnd, srtt);
            assertEquals(t + 2 * MS, next, "paced packet " + i);
            pacer.onPacketSent(next, MDS, 600_000, cwnd, srtt);
            t = next;
        }
        // The rate may change from one packet to the next: at 1 200 000 B/s the next goes 1 ms later.
        assertEquals(t + MS, pacer.nextSendTime(t, MDS, 1_200_000, cwnd, srtt));
        // Rate 0: the controller sets none, the window and RTT decide (8 ms), with or without an RTT known.
        assertEquals(t + 8 * MS, pacer.nextSendTime(t, MDS, 0, cwnd, srtt));
        assertEquals(t, pacer.nextSendTime(t, MDS, 0, cwnd, 0));
        // An explicit rate needs no RTT.
        assertEquals(t + MS, pacer.nextSendTime(t, MDS, 1_200_000, cwnd, 0));
    }

    @Test
    void anExplicitRateKeepsWholeNanosecondsOverManyPackets() {
        Pacer pacer = new Pacer(MDS);
        long rate = 1_234_567;   // 1200 B take 971 999.9 ns
        for (int i = 0; i < 10; i++) pacer.onPacketSent(0, MDS, rate, 12_000, 0);
        long t = 0;
        for (int i = 0; i < 1000; i++) {
            long next = pacer.nextSendTime(t, MDS, rate, 12_000, 0);
            pacer.onPacketSent(next, MDS, rate, 12_000, 0);
            t = next;
        }
        assertEquals(1000.0 * MDS / rate * 1e9, t, 1000.0, "1000 packets at the rate, within a nanosecond each");
    }

    @Test
    void badArgumentsAreRejected() {
        Pacer paced = new Pacer(MDS);
        assertThrows(IllegalArgumentException.class, () -> paced.nextSendTime(0, MDS, -1, 12_000, MS));
        assertThrows(IllegalArgumentException.class, () -> paced.onPacketSent(0, MDS, -1, 12_000, MS));
        Pacer pacer = new Pacer(MDS);
        assertThrows(IllegalArgumentException.class, () -> pacer.nextSendTime(0, -1, 12_000, MS));
        assertThrows(IllegalArgumentException.class, () -> pacer.nextSendTime(0, MDS, 0, MS));
        assertThrows(IllegalArgumentException.class, () -> pacer.onPacketSent(0, MDS, -5, MS));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0));
    }
}
