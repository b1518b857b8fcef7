package org.jsock.rudp.cc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CubicTest {
    static final int MDS = 1200;
    static final long MS = 1_000_000L;
    static final long RTT = 100 * MS;
    /** C in bytes per second cubed, for windows in bytes. */
    static final double C_BYTES = 0.4 * MDS;

    /** A Cubic driven by an ack clock to {@code window}, then one packet lost; the clock is returned. */
    static AckClock lossAt(long window, long rtt) {
        AckClock clock = new AckClock(new Cubic(MDS), MDS, rtt);
        clock.runUntilWindow(window);
        assertEquals(window, clock.cc.window(), "slow start grows by whole datagrams");
        clock.loseOldest();
        return clock;
    }

    static double wCubic(double t, double k, double wMax) { return C_BYTES * Math.pow(t - k, 3) + wMax; }

    @Test
    void slowStartIsNewRenos() {
        Cubic cc = new Cubic(MDS);
        assertEquals("cubic", cc.name());
        assertEquals(12_000, cc.window());
        assertEquals(Long.MAX_VALUE, cc.slowStartThreshold());
        AckClock clock = new AckClock(cc, MDS, RTT);
        for (int round = 1; round <= 3; round++) {
            clock.runUntil(round * RTT);
            assertEquals(12_000L << round, cc.window());
            assertTrue(cc.inSlowStart());
        }
    }

    @Test
    void aLossMultipliesTheWindowBy07OncePerRecoveryPeriod() {
        AckClock clock = lossAt(120_000, RTT);
        Cubic cc = (Cubic) clock.cc;
        assertEquals(84_000, cc.window());
        assertEquals(84_000, cc.slowStartThreshold());
        assertEquals(120_000, cc.maxWindow(), 1e-9);
        assertFalse(cc.inSlowStart());
        // More of the same flight lost: no further reduction.
        clock.loseOldest();
        clock.loseOldest();
        assertEquals(84_000, cc.window());
        // Acknowledgements of packets sent before recovery: no growth.
        clock.runUntil(clock.now + RTT / 2);
        assertEquals(84_000, cc.window());
    }

    @Test
    void kIsTheTimeTheCurveTakesBackToWMax() {
        AckClock clock = lossAt(120_000, RTT);
        Cubic cc = (Cubic) clock.cc;
        long loss = clock.now;
        clock.runUntil(loss + 3 * RTT);
        assertTrue(cc.epochStart() > loss, "avoidance began after recovery");
        // K = cbrt((W_max - cwnd_epoch) / C) = cbrt((100 - 70) / 0.4) seconds, in segments.
        assertEquals(Math.cbrt(75), cc.k(), 1e-12);
        assertEquals(4.2171633, cc.k(), 1e-7);
        assertEquals(120_000, cc.cubicWindow(cc.k()), 1e-6);
        assertEquals(84_000, cc.cubicWindow(0), 1e-6, "the curve starts at cwnd_epoch");
    }

    @Test
    void theWindowFollowsTheCubicCurve() {
        // A large window and RTT keep CUBIC out of the Reno-friendly region throughout.
        long wMax = 1_200_000;
        AckClock clock = lossAt(wMax, RTT);
        Cubic cc = (Cubic) clock.cc;
        clock.runUntil(clock.now + 3 * RTT);
        long epoch = cc.epochStart();
        double k = Math.cbrt((wMax - 840_000) / C_BYTES);
        assertEquals(k, cc.k(), 1e-12);
        assertEquals(9.0856, k, 1e-4);

        double previous = 0, previousGrowth = Double.MAX_VALUE;
        for (double t = 0.5; t <= 14; t += 0.5) {
            clock.runUntil(epoch + (long) (t * 1e9));
            double expected = wCubic(t, k, wMax);
            assertEquals(expected, cc.window(), expected * 0.01, "at t=" + t + " s");
            assertTrue(cc.window() >= previous, "never shrinks without loss");
            double growth = cc.window() - previous;
            if (t > 1 && t < k - 0.5) assertTrue(growth < previousGrowth, "concave before K, at t=" + t);
            if (t > k + 1.5) assertTrue(growth > previousGrowth, "convex after K, at t=" + t);
            if (Math.abs(t - k) < 0.5) assertEquals(wMax, cc.window(), wMax * 0.0001, "a plateau at W_max around t = K");
            previous = cc.window();
            previousGrowth = growth;
        }
        assertTrue(cc.renoEstimate() < cc.window() * 0.9, "the Reno estimate stayed below: " + cc.renoEstimate());
    }

    @Test
    void fastConvergenceLowersWMaxWhenTheWindowDidNotRegainIt() {
        AckClock clock = lossAt(120_000, RTT);
        Cubic cc = (Cubic) clock.cc;
        clock.runUntil(clock.now + 2_000 * MS);
        long before = cc.window();
        assertTrue(before > 84_000 && before < 120_000, "grew back part way: " + before);
        clock.loseOldest();
        // W_max = cwnd * (1 + beta) / 2; the window is reduced to 0.7 of where it was.
        assertEquals(before * 0.85, cc.maxWindow(), 1.0);
        assertEquals(before * 0.7, cc.window(), 1.0);
        assertEquals(Math.round(before * 0.7), cc.slowStartThreshold(), 1.0);

        clock.runUntil(clock.now + 3 * RTT);
        // K from this W_max and the window the new stage began with, 0.7 of before.
        assertEquals(Math.cbrt((before * 0.85 - before * 0.7) / C_BYTES), cc.k(), 1e-3);
    }

    @Test
    void withoutFastConvergenceWMaxIsTheWindowBeforeTheLoss() {
        AckClock clock = lossAt(120_000, RTT);
        Cubic cc = (Cubic) clock.cc;
        clock.runUntil(clock.now + 6_000 * MS);   // past K = 4.2 s: above the old W_max
        long before = cc.window();
        assertTrue(before > 120_000, "regained W_max: " + before);
        clock.loseOldest();
        assertEquals(before, cc.maxWindow(), 1.0);
        assertEquals(before * 0.7, cc.window(), 1.0);
    }

    @Test
    void renoFriendlyRegionWhenRenoWouldGrowFaster() {
        // 1 ms RTT, small window: the cubic curve barely moves in milliseconds, Reno's estimate does.
        long rtt = MS;
        AckClock clock = lossAt(24_000, rtt);
        Cubic cc = (Cubic) clock.cc;
        assertEquals(16_800, cc.window());
        clock.runUntil(clock.now + 3 * rtt);
        long epoch = cc.epochStart();
        assertEquals(Math.cbrt(15), cc.k(), 1e-12);

        clock.runUntil(epoch + 2 * rtt);
        long w2 = cc.window();
        clock.runUntil(epoch + 10 * rtt);
        long w10 = cc.window();
        double t = 10 * rtt / 1e9;
        assertTrue(w10 > cc.cubicWindow(t) + 5_000, "well above the curve: " + w10 + " vs " + cc.cubicWindow(t));
        assertEquals((long) cc.renoEstimate(), w10, "the window is the Reno estimate");
        // Before W_est regains the window before the loss: alpha = 3(1-0.7)/(1+0.7) datagrams per RTT.
        assertEquals(0.5294, Cubic.ALPHA_BEFORE_PRIOR, 1e-4);
        assertEquals(8 * Cubic.ALPHA_BEFORE_PRIOR * MDS, w10 - w2, 0.05 * 8 * Cubic.ALPHA_BEFORE_PRIOR * MDS);

        // After it (W_est >= 24 000): alpha = 1, Reno's one datagram per RTT.
        clock.runUntil(epoch + 12 * rtt);
        long w12 = cc.window();
        assertTrue(w12 > 24_000);
        clock.runUntil(epoch + 22 * rtt);
        long w22 = cc.window();
        assertEquals(10.0 * MDS, w22 - w12, 0.05 * 10 * MDS);
        assertEquals((long) cc.renoEstimate(), w22);
    }

    @Test
    void afterPersistentCongestionTheCurveStartsFlatFromTheNewWindow() {
        AckClock clock = lossAt(120_000, RTT);
        Cubic cc = (Cubic) clock.cc;
        cc.onPersistentCongestion(clock.now);
        assertEquals(2_400, cc.window());
        assertEquals(84_000, cc.slowStartThreshold());
        assertTrue(cc.inSlowStart());
        assertEquals(Long.MIN_VALUE, cc.epochStart());

        // Slow start back up to the threshold, then avoidance: K = 0, W_max = the window it began with.
        long start = clock.now;
        for (int i = 1; i <= 100 && cc.inSlowStart(); i++) clock.runUntil(start + i * RTT);
        assertFalse(cc.inSlowStart());
        clock.runUntil(clock.now + RTT);
        assertTrue(cc.epochStart() > start);
        assertEquals(0, cc.k());
        assertTrue(cc.maxWindow() >= 84_000 && cc.maxWindow() < 120_000, "W_max from the stage start: " + cc.maxWindow());
        assertEquals(cc.maxWindow(), cc.cubicWindow(0), 1e-9);
    }

    @Test
    void timeSpentApplicationLimitedDoesNotCountOnTheCurve() {
        AckClock busy = lossAt(120_000, RTT);
        AckClock paused = lossAt(120_000, RTT);
        busy.runUntil(busy.now + 10 * RTT);
        paused.runUntil(paused.now + 10 * RTT);
        long t0 = busy.now;
        assertEquals(busy.cc.window(), paused.cc.window());

        // Ten seconds with two packets in flight, then bulk again.
        paused.flightCap = 2 * MDS;
        paused.runUntil(t0 + 100 * RTT);
        long afterPause = paused.cc.window();
        paused.flightCap = Long.MAX_VALUE;
        for (int r = 1; r <= 20; r++) {
            busy.runUntil(t0 + (r + 1) * RTT);
            paused.runUntil(t0 + (100 + r) * RTT);
            // The paused sender picks the curve up where it left it (about one round ahead: the drain at
            // the start of the pause still counted). Counting the pause would put it 10 s along the curve,
            // past K, growing by half a window per round trip.
            assertEquals(busy.cc.window(), paused.cc.window(), busy.cc.window() * 0.01, "round " + r);
        }
        assertTrue(paused.cc.window() < 120_000, "still below W_max: " + paused.cc.window());
        assertTrue(afterPause < 105_000);
    }
}
