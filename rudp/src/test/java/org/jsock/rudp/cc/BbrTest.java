package org.jsock.rudp.cc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.jsock.rudp.cc.BottleneckPath.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BBR's state machine over a {@link BottleneckPath} of 1.2 MB/s (one 1200-byte packet per millisecond)
 * and 40 ms of propagation: RTprop is 41 ms (a packet's own serialization included), the BDP 49 200 bytes,
 * {@code inflight(1)} = BDP + 3 packets = 52 800 bytes and the PROBE_BW window 2 × BDP + 3 packets = 102 000.
 */
class BbrTest {
    static final int MDS = 1200;
    static final long RATE = 1_200_000;
    static final long PROPAGATION = 40 * MS;
    static final long RTPROP = 41 * MS;

    /** One observation after an acknowledgement. */
    record Seen(long time, long round, Bbr.Mode mode, double gain, double cwndGain, int cycleIndex, long btlBw, long rtProp, long pacingRate,
                long window, long inFlight, long lastRtt, boolean filledPipe) {}

    static final class Run {
        final Bbr bbr = new Bbr(MDS);
        final BottleneckPath path = new BottleneckPath(bbr, MDS, RATE, PROPAGATION);
        final List<Seen> seen = new ArrayList<>();

        Run() {
            path.afterAck(p -> seen.add(new Seen(p.now, bbr.roundCount(), bbr.mode(), bbr.pacingGain(), bbr.cwndGain(), bbr.cycleIndex(),
                    bbr.bottleneckBandwidth(), bbr.roundTripPropagation(), bbr.pacingRate(), bbr.window(), bbr.bytesInFlight(),
                    p.lastRtt, bbr.filledPipe())));
        }

        Run until(long time) {
            path.runUntil(time);
            return this;
        }

        /** The first observation of each round. */
        List<Seen> roundStarts() {
            List<Seen> starts = new ArrayList<>();
            long round = -1;
            for (Seen s : seen) {
                if (s.round() != round) starts.add(s);
                round = s.round();
            }
            return starts;
        }

        Seen first(Bbr.Mode mode) {
            return seen.stream().filter(s -> s.mode() == mode).findFirst().orElseThrow(() -> new AssertionError("never in " + mode));
        }

        Seen before(Seen s) { return seen.get(seen.indexOf(s) - 1); }
    }

    @Test
    void startsInStartupPacingAtTheHighGain() {
        Bbr bbr = new Bbr(MDS);
        assertEquals("bbr", bbr.name());
        assertEquals(Bbr.Mode.STARTUP, bbr.mode());
        assertEquals(2.885, bbr.pacingGain(), 0.0005);
        assertEquals(2.0, bbr.cwndGain());
        assertEquals(12_000, bbr.window());
        assertTrue(bbr.inSlowStart());
        assertEquals(Long.MAX_VALUE, bbr.slowStartThreshold());
        assertEquals(0, bbr.pacingRate(), "no rate before the first packet: the pacer's own");
        bbr.onPacketSent(0, 0, MDS);
        // No RTT yet: the initial window per millisecond, at the high gain.
        assertEquals(Math.round(Bbr.HIGH_GAIN * 12_000_000), bbr.pacingRate());
        for (int pn = 1; pn < 10; pn++) bbr.onPacketSent(0, pn, MDS);
        bbr.onPacketAcked(41 * MS, 0, 0, MDS, 41 * MS, 41 * MS);
        assertEquals(41 * MS, bbr.roundTripPropagation());
        // Then the initial window per RTT: 2.885 × 12 000 B / 41 ms.
        assertEquals(Math.round(Bbr.HIGH_GAIN * 12_000 / 0.041), bbr.pacingRate(), 1);
        assertEquals(844_504, bbr.pacingRate());
    }

    @Test
    void startupDoublesUntilThreeRoundsWithoutGrowthThenDrainsToOneBdp() {
        Run run = new Run().until(500 * MS);
        List<Seen> rounds = run.roundStarts();
        // The delivery rate at each round start: the initial window doubles (12 000 B, then 24 000 B per
        // 41 ms), then the pipe's 1.2 MB/s. Round 5 grew by 24%, under 25%: the first of three rounds
        // without growth; after the third, round 7, the pipe is full.
        long[] expected = {29_268, 292_683, 585_366, 965_854, 1_200_000, 1_200_000, 1_200_000};
        for (int i = 0; i < expected.length; i++) {
            Seen s = rounds.get(i);
            assertEquals(i + 1, s.round());
            assertEquals(expected[i], s.btlBw(), "BtlBw at the start of round " + s.round());
            assertEquals(i + 1 >= 7, s.filledPipe(), "pipe full at round " + s.round());
            assertEquals(i + 1 >= 7 ? Bbr.Mode.DRAIN : Bbr.Mode.STARTUP, s.mode(), "round " + s.round());
        }
        Seen drain = run.first(Bbr.Mode.DRAIN);
        assertEquals(7, drain.round());
        assertEquals(Math.round(RATE / Bbr.HIGH_GAIN), drain.pacingRate(), "DRAIN paces at 1/2.885 of BtlBw: 415 889 B/s");
        assertEquals(102_000, drain.window(), "2 × BDP + 3 packets");
        // DRAIN ends on the first acknowledgement that leaves at most one BDP (+ 3 packets) in flight.
        assertEquals(52_800, run.bbr.inflight(1.0));
        Seen probeBw = run.first(Bbr.Mode.PROBE_BW);
        assertTrue(probeBw.inFlight() <= 52_800, probeBw.toString());
        assertTrue(run.before(probeBw).inFlight() > 52_800, run.before(probeBw).toString());
        assertTrue(probeBw.time() - drain.time() < 2 * RTPROP, "drained in " + (probeBw.time() - drain.time()) / MS + " ms");
        assertFalse(run.bbr.inSlowStart());
    }

    @Test
    void probeBwCyclesItsGainsOnePhasePerRtProp() {
        Run run = new Run().until(3_000 * MS);
        List<Seen> phases = new ArrayList<>();
        Seen previous = null;
        for (Seen s : run.seen) {
            if (s.mode() != Bbr.Mode.PROBE_BW) continue;
            if (previous == null || s.cycleIndex() != previous.cycleIndex()) phases.add(s);
            previous = s;
            // The pacing rate is the phase's gain times BtlBw; the window twice the BDP plus 3 packets.
            assertEquals(Math.round(s.gain() * RATE), s.pacingRate(), "at " + s.time() / MS + " ms");
            assertEquals(102_000, s.window());
        }
        assertNotEquals(0.75, phases.getFirst().gain(), "PROBE_BW never starts by draining");
        assertTrue(phases.size() > 40, phases.size() + " phases");
        for (int i = 1; i < phases.size(); i++) {
            Seen phase = phases.get(i - 1), next = phases.get(i);
            assertEquals((phase.cycleIndex() + 1) % 8, next.cycleIndex(), "phases in order");
            assertEquals(Bbr.PACING_GAIN_CYCLE[next.cycleIndex()], next.gain());
            long length = next.time() - phase.time();
            String what = "phase " + phase.cycleIndex() + " (gain " + phase.gain() + ") at " + phase.time() / MS + " ms lasted " + length / MS + " ms";
            if (phase.gain() == 1.0) {
                // One RTprop: it ends on the first acknowledgement (one per millisecond) after 41 ms.
                assertTrue(length > RTPROP && length <= RTPROP + MS, what);
            } else if (phase.gain() > 1) {
                // At least one RTprop, and until the flight reached 1.25 × BDP + 3 packets.
                assertTrue(length > RTPROP && length < 2 * RTPROP, what);
                assertTrue(run.before(next).inFlight() + MDS >= run.bbr.inflight(1.25), what);
            } else {
                assertTrue(length <= RTPROP + MS, what);
            }
        }
        assertEquals(RATE, run.bbr.bottleneckBandwidth());
        assertEquals(RTPROP, run.bbr.roundTripPropagation());
    }

    @Test
    void probeRttComesTenSecondsAfterTheLastMinimumAndLastsTwoHundredMillisecondsAndARound() {
        Run run = new Run().until(10_600 * MS);
        Seen enter = run.first(Bbr.Mode.PROBE_RTT);
        // The last sample that refreshed RTprop before (PROBE_BW keeps a few packets queued, so the 41 ms
        // minimum is not seen again after STARTUP).
        Seen lastMinimum = null;
        for (Seen s : run.seen) {
            if (s == enter) break;
            if (s.lastRtt() == s.rtProp()) lastMinimum = s;
        }
        assertTrue(lastMinimum != null);
        long age = enter.time() - lastMinimum.time();
        assertTrue(age > Bbr.RTPROP_FILTER_NANOS && age <= Bbr.RTPROP_FILTER_NANOS + MS, "entered " + age / MS + " ms after");
        assertEquals(4 * MDS, enter.window(), "4 packets");
        assertEquals(1.0, enter.gain());
        // It waits for the flight to fall to 4 packets, then 200 ms and a round trip.
        Seen low = run.seen.stream().filter(s -> s.mode() == Bbr.Mode.PROBE_RTT && s.inFlight() <= 4 * MDS).findFirst().orElseThrow();
        Seen exit = run.seen.stream().filter(s -> s.time() > enter.time() && s.mode() != Bbr.Mode.PROBE_RTT).findFirst().orElseThrow();
        long held = exit.time() - low.time();
        assertTrue(held > Bbr.PROBE_RTT_NANOS && held <= Bbr.PROBE_RTT_NANOS + 2 * RTPROP, "held " + held / MS + " ms");
        for (Seen s : run.seen) {
            if (s.time() >= enter.time() && s.time() < exit.time()) {
                assertEquals(Bbr.Mode.PROBE_RTT, s.mode());
                assertEquals(1.0, s.gain());
                assertEquals(1.0, s.cwndGain());
                assertEquals(4 * MDS, s.window());
                assertEquals(RATE, s.pacingRate());
                if (s.time() >= low.time()) assertTrue(s.inFlight() <= 4 * MDS, "in flight " + s);
            }
        }
        // Back to PROBE_BW with the window restored, a fresh 41 ms minimum, and BtlBw intact: the
        // samples taken with the small window were application-limited.
        assertEquals(Bbr.Mode.PROBE_BW, exit.mode());
        assertEquals(102_000, exit.window());
        assertEquals(RTPROP, exit.rtProp());
        assertEquals(RATE, exit.btlBw());
        assertEquals(Bbr.Mode.PROBE_BW, run.bbr.mode());
    }

    @Test
    void applicationLimitedSamplesDoNotLowerTheBandwidthEstimate() {
        for (boolean report : new boolean[] {true, false}) {
            Run run = new Run().until(1_000 * MS);
            assertEquals(RATE, run.bbr.bottleneckBandwidth());
            // The application now offers 5 packets per RTprop, an eighth of the pipe, for 2 s (48 rounds).
            run.path.reportApplicationLimited = report;
            run.path.applicationLimit(5, RTPROP);
            long roundsBefore = run.bbr.roundCount();
            run.until(3_000 * MS);
            assertTrue(run.bbr.roundCount() - roundsBefore > 2 * Bbr.BTL_BW_FILTER_ROUNDS);
            if (report) {
                assertEquals(RATE, run.bbr.bottleneckBandwidth(), "application-limited samples are ignored");
            } else {
                // Unmarked, they take over once the 1.2 MB/s samples leave the 10-round window.
                assertTrue(run.bbr.bottleneckBandwidth() < RATE / 4, run.bbr.toString());
            }
            // When the application has more again, BBR is back at the bottleneck's rate.
            run.path.bulk();
            run.until(4_000 * MS);
            assertEquals(RATE, run.bbr.bottleneckBandwidth(), "report " + report);
        }
    }

    @Test
    void anApplicationLimitedSampleAboveTheEstimateStillRaisesIt() {
        // An application that offers 20 packets every 41 ms, half the pipe, from the start: every sample
        // is application-limited, and each one that beats the estimate is taken. The 20 packets cross the
        // bottleneck back to back, so their samples approach its rate, above the application's average.
        Run run = new Run();
        run.path.applicationLimit(20, RTPROP);
        run.until(1_000 * MS);
        long estimate = run.bbr.bottleneckBandwidth();
        assertTrue(estimate > 20 * MDS * 1_000_000_000L / RTPROP && estimate <= RATE, run.bbr.toString());
        assertEquals(Bbr.Mode.STARTUP, run.bbr.mode(), "application-limited rounds do not count as a full pipe");
        assertFalse(run.bbr.filledPipe());
    }

    @Test
    void lossesLeaveTheModelAloneAndConservePacketsForOneRound() {
        Run run = new Run().until(1_000 * MS);
        long window = run.bbr.window();
        assertEquals(102_000, window);
        run.path.loseNext(0);
        run.path.loseNext(1);
        boolean conserved = false;
        for (int i = 0; i < 200 && run.path.lostPackets < 2; i++) {
            run.until(run.path.now + MS);
            if (run.bbr.conserving()) {
                conserved = true;
                // Recovery began: the window fell to what was in flight, and grows only as packets leave.
                assertTrue(run.bbr.window() < window && run.bbr.window() <= run.bbr.bytesInFlight() + 2 * MDS, run.bbr.toString());
            }
        }
        assertEquals(2, run.path.lostPackets);
        assertTrue(conserved);
        assertEquals(RATE, run.bbr.bottleneckBandwidth(), "a loss is not a congestion signal");
        assertEquals(RTPROP, run.bbr.roundTripPropagation());
        assertEquals(Bbr.Mode.PROBE_BW, run.bbr.mode());
        // Recovery ends when a packet sent after it began is acknowledged: the window comes back.
        run.until(run.path.now + 2 * RTPROP);
        assertFalse(run.bbr.conserving());
        assertEquals(window, run.bbr.window());
    }

    @Test
    void twoPercentRandomLossKeepsTheBottleneckBusy() {
        Run run = new Run();
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        long deliveredAtOneSecond = 0;
        for (long t = 0; t < 10_000; t++) {
            if (random.nextDouble() < 0.02) run.path.loseNext(0);
            run.until((t + 1) * MS);
            if (t == 999) deliveredAtOneSecond = run.path.ackedBytes;
        }
        assertTrue(run.path.lostPackets > 150, run.path.lostPackets + " lost");
        double share = (run.path.ackedBytes - deliveredAtOneSecond) / (9.0 * RATE);
        // 2% of the packets are lost: what arrives is the other 98% of a busy bottleneck.
        assertTrue(share > 0.96, "delivered " + share + " of the bottleneck's rate");
        assertEquals(RATE, run.bbr.bottleneckBandwidth());
    }

    @Test
    void persistentCongestionCollapsesTheWindowWhichGrowsBackByWhatIsAcknowledged() {
        Run run = new Run().until(1_000 * MS);
        run.bbr.onPersistentCongestion(run.path.now);
        assertEquals(4 * MDS, run.bbr.window());
        assertEquals(RATE, run.bbr.bottleneckBandwidth());
        run.until(run.path.now + 5 * RTPROP);
        assertEquals(102_000, run.bbr.window());
    }

    @Test
    void afterIdleItPacesAtTheEstimateNotAProbingRate() {
        Run run = new Run().until(1_000 * MS);
        for (int i = 0; i < 1000 && run.bbr.pacingGain() != 1.25; i++) run.until(run.path.now + MS);
        assertEquals(1.25, run.bbr.pacingGain());
        run.path.stopApplication();
        run.until(run.path.now + 500 * MS);   // everything acknowledged: idle
        assertEquals(0, run.bbr.bytesInFlight());
        assertEquals(Math.round(1.25 * RATE), run.bbr.pacingRate());
        run.bbr.onPacketSent(run.path.now, run.path.nextNumber(), MDS);
        assertEquals(Bbr.Mode.PROBE_BW, run.bbr.mode());
        assertEquals(RATE, run.bbr.pacingRate(), "restarting from idle, gain 1");
    }

    @Test
    void withoutPacketNumbersItCannotWork() {
        Bbr bbr = new Bbr(MDS);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> bbr.onPacketSent(0, MDS));
        assertEquals("bbr keeps state per packet: report packets with their numbers", e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> bbr.onPacketAcked(1, 0, MDS, 1, 1));
        assertThrows(UnsupportedOperationException.class, () -> bbr.onPacketLost(1, 0, MDS));
        assertThrows(UnsupportedOperationException.class, () -> bbr.onPacketDiscarded(MDS));
        bbr.onPacketSent(0, 3, MDS);
        IllegalStateException unknown = assertThrows(IllegalStateException.class, () -> bbr.onPacketAcked(1, 7, 0, MDS, 1, 1));
        assertEquals("packet 7 acknowledged but not in flight", unknown.getMessage());
        assertEquals(MDS, bbr.bytesInFlight(), "nothing changed");
    }

    @Test
    void discardedPacketsLeaveTheFlight() {
        Bbr bbr = new Bbr(MDS);
        for (int pn = 0; pn < 3; pn++) bbr.onPacketSent(0, pn, MDS);
        bbr.onPacketDiscarded(1, MDS);
        assertEquals(2 * MDS, bbr.bytesInFlight());
        bbr.onPacketAcked(41 * MS, 0, 0, MDS, 41 * MS, 41 * MS);
        bbr.onPacketAcked(41 * MS, 2, 0, MDS, 41 * MS, 41 * MS);
        assertEquals(0, bbr.bytesInFlight());
    }
}
