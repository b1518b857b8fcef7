package org.jsock.rudp.recovery;

import org.jsock.rudp.cc.Bbr;
import org.jsock.rudp.cc.CongestionController;
import org.jsock.rudp.cc.NewReno;
import org.jsock.rudp.recovery.LossDetector.AckOutcome;
import org.jsock.rudp.recovery.LossDetector.TimeoutOutcome;
import org.jsock.rudp.wire.AckRanges;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossDetectorTest {
    static final long MS = 1_000_000L;
    static final int SIZE = 1200;
    static final long NEVER = Long.MAX_VALUE;

    final RttEstimator rtt = new RttEstimator(25 * MS);
    final RecordingController cc = new RecordingController(SIZE);
    final LossDetector detector = new LossDetector(rtt, cc);

    void send(long number, long timeMs) {
        detector.onPacketSent(new SentPacket(number, timeMs * MS, SIZE, true, true, "frames of " + number));
    }

    void sendAckOnly(long number, long timeMs) {
        detector.onPacketSent(new SentPacket(number, timeMs * MS, 40, false, false, null));
    }

    AckOutcome ack(long timeMs, long... pairs) {
        return detector.onAck(timeMs * MS, AckRanges.of(pairs), 0, true);
    }

    static List<Long> numbers(Iterable<SentPacket> packets) {
        return StreamSupport.stream(packets.spliterator(), false).map(SentPacket::number).toList();
    }

    // ---- acknowledgements ----

    @Test
    void anAckOfAPacketNeverSentIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ack(10, 0, 0));
        assertEquals("ACK of packet 0, never sent (largest sent: -1)", e.getMessage());
        for (int pn = 0; pn < 3; pn++) send(pn, 0);
        e = assertThrows(IllegalArgumentException.class, () -> ack(10, 1, 3));
        assertEquals("ACK of packet 3, never sent (largest sent: 2)", e.getMessage());
        // Nothing changed.
        assertEquals(-1, detector.largestAcked());
        assertEquals(List.of(0L, 1L, 2L), numbers(detector.unacked()));
        assertEquals(3 * SIZE, detector.bytesInFlight());
        assertFalse(rtt.hasSample());
    }

    @Test
    void anAckBeforeThePacketWasSentIsRejected() {
        send(0, 100);
        assertThrows(IllegalArgumentException.class, () -> ack(50, 0, 0));
        assertEquals(1, detector.inFlightCount());
    }

    @Test
    void newlyAckedPacketsComeInAscendingOrderAcrossRanges() {
        for (int pn = 0; pn < 10; pn++) send(pn, 0);
        AckOutcome out = ack(50, 8, 9, 5, 6, 2, 3);
        assertEquals(List.of(2L, 3L, 5L, 6L, 8L, 9L), numbers(out.acked()));
        // Packet threshold from 9: 6 and below. 7 is not, yet.
        assertEquals(List.of(0L, 1L, 4L), numbers(out.lost()));
        assertEquals(List.of(7L), numbers(detector.unacked()));
        assertEquals(9, detector.largestAcked());
        // Acknowledged again: nothing new.
        AckOutcome again = ack(60, 8, 9, 5, 6, 2, 3);
        assertEquals(List.of(), again.acked());
        assertEquals(List.of(), again.lost());
        assertFalse(again.persistentCongestion());
    }

    @Test
    void theCongestionControllerHearsOfLossesFirstThenAcknowledgements() {
        for (int pn = 0; pn < 5; pn++) send(pn, 0);
        sendAckOnly(5, 0);
        assertEquals(5, cc.take().size(), "the ack-only packet is not in flight");
        ack(100, 4, 5);
        // 0 to 2 lost (5 is three above 2), then 4 acknowledged; the ack-only 5 is no news to congestion control.
        assertEquals(List.of(
                "lost@100:sent0:1200", "lost@100:sent0:1200", "lost@100:sent0:1200",
                "acked@100:sent0:1200:srtt100:min100"), cc.take());
    }

    @Test
    void acknowledgementsOfPacketsSentBeforeRecoveryDoNotGrowTheWindow() {
        NewReno newReno = new NewReno(SIZE);
        LossDetector d = new LossDetector(new RttEstimator(25 * MS), newReno);
        for (int pn = 0; pn < 5; pn++) d.onPacketSent(new SentPacket(pn, 0, SIZE, true, true, null));
        AckOutcome out = d.onAck(100 * MS, AckRanges.range(4, 4), 0, true);
        assertEquals(List.of(0L, 1L), numbers(out.lost()));
        // Halved once, and the ACK of 4 (sent before the loss) adds nothing: 12 000 / 2.
        assertEquals(6_000, newReno.window());
        assertEquals(2 * SIZE, newReno.bytesInFlight());
    }

    // ---- RTT samples ----

    @Test
    void anRttSampleComesFromTheLargestWhenItIsNewlyAcked() {
        send(0, 5);
        send(1, 10);
        detector.onAck(60 * MS, AckRanges.range(1, 1), 5 * MS, true);
        assertEquals(50 * MS, rtt.latest());
        assertEquals(50 * MS, rtt.smoothed(), "the first sample ignores ack delay");

        // The largest was acknowledged before: no sample from 0.
        assertEquals(List.of(0L), numbers(ack(200, 0, 1).acked()));
        assertEquals(50 * MS, rtt.latest());
        assertEquals(50 * MS, rtt.smoothed());

        // Only a packet that is not ack-eliciting newly acknowledged: no sample.
        sendAckOnly(2, 210);
        ack(300, 2, 2);
        assertEquals(50 * MS, rtt.latest());

        // The largest is ack-only, but an ack-eliciting packet is newly acknowledged with it: the sample
        // is measured to the largest.
        send(3, 310);
        sendAckOnly(4, 320);
        detector.onAck(400 * MS, AckRanges.range(3, 4), 10 * MS, true);
        assertEquals(80 * MS, rtt.latest());
        assertEquals(52_500_000, rtt.smoothed(), "7/8 * 50 + 1/8 * (80 - 10)");
        assertEquals(50 * MS, rtt.min());
    }

    @Test
    void packetsDeclaredLostAreNotReportedAgainWhenAcknowledgedLate() {
        for (int pn = 0; pn < 5; pn++) send(pn, 0);
        assertEquals(List.of(0L, 1L), numbers(ack(100, 4, 4).lost()));
        assertEquals(100 * MS, rtt.latest());
        AckOutcome late = ack(300, 3, 4, 0, 1);   // 0 and 1 were only late: already given up
        assertEquals(List.of(3L), numbers(late.acked()));
        assertEquals(List.of(2L), numbers(late.lost()), "2 is now 300 ms old");
        assertEquals(100 * MS, rtt.latest(), "the largest, 4, was acknowledged before: no sample");
        assertEquals(4, detector.largestAcked());
        assertEquals(3, detector.lostPackets());
    }

    // ---- loss by packet threshold ----

    @Test
    void aPacketIsLostWhenOneSentThreeLaterIsAcknowledged() {
        for (int largest = 1; largest <= 6; largest++) {
            LossDetector d = new LossDetector(new RttEstimator(25 * MS), new NewReno(SIZE));
            for (int pn = 0; pn <= largest; pn++) d.onPacketSent(new SentPacket(pn, 0, SIZE, true, true, null));
            AckOutcome out = d.onAck(100 * MS, AckRanges.range(largest, largest), 0, true);
            List<Long> expectedLost = new ArrayList<>();
            for (long pn = 0; pn + LossDetector.PACKET_THRESHOLD <= largest; pn++) expectedLost.add(pn);
            assertEquals(expectedLost, numbers(out.lost()), "ACK of " + largest);
        }
    }

    @Test
    void theAckOfFiveLosesZeroOneAndTwoAndTheTimerTakesThreeAndFour() {
        for (int pn = 0; pn < 6; pn++) send(pn, 0);
        AckOutcome out = ack(100, 5, 5);
        assertEquals(List.of(5L), numbers(out.acked()));
        assertEquals(List.of(0L, 1L, 2L), numbers(out.lost()));
        assertFalse(out.persistentCongestion());
        assertEquals(List.of(3L, 4L), numbers(detector.unacked()));
        assertEquals(6_000, cc.window());
        assertEquals(2 * SIZE, cc.bytesInFlight());
        assertEquals(2 * SIZE, detector.bytesInFlight());
        assertEquals(2, detector.inFlightCount());
        assertEquals(3, detector.lostPackets());
        assertEquals(3 * SIZE, detector.lostBytes());

        // 3 and 4 wait for the time threshold: 9/8 of 100 ms after they were sent.
        long lossTime = 112_500_000;
        assertEquals(lossTime, detector.timerDeadline(100 * MS));
        assertEquals(new TimeoutOutcome(List.of(), 0), detector.onTimeout(lossTime - 1));
        TimeoutOutcome timeout = detector.onTimeout(lossTime);
        assertEquals(List.of(3L, 4L), numbers(timeout.lost()));
        assertEquals(0, timeout.probes());
        assertEquals(0, detector.ptoCount(), "a loss timer is not a PTO");
        assertEquals(5, detector.lostPackets());
        assertEquals(0, detector.bytesInFlight());
        assertEquals(0, cc.bytesInFlight());
        assertEquals(6_000, cc.window(), "the same recovery period");
        assertEquals(NEVER, detector.timerDeadline(lossTime), "nothing left in flight");
    }

    // ---- loss by time threshold ----

    @Test
    void aPacketIsLostNineEighthsOfTheRttAfterItWasSentIfALaterOneWasAcked() {
        send(0, 0);
        send(1, 10);
        AckOutcome out = ack(110, 1, 1);   // sample 100 ms: loss delay 112.5 ms
        assertEquals(List.of(), out.lost());
        assertEquals(112_500_000, detector.timerDeadline(110 * MS));
        TimeoutOutcome timeout = detector.onTimeout(112_500_000);
        assertEquals(List.of(0L), numbers(timeout.lost()));
        assertEquals(6_000, cc.window());
    }

    @Test
    void anAckAfterTheLossDelayDeclaresTheLossItself() {
        send(0, 0);
        send(1, 10);
        ack(110, 1, 1);
        send(2, 120);
        AckOutcome out = ack(220, 2, 2);   // 0 was sent 220 ms ago: lost
        assertEquals(List.of(0L), numbers(out.lost()));
        assertEquals(NEVER, detector.timerDeadline(220 * MS));
    }

    @Test
    void theLossDelayUsesTheLargerOfLatestAndSmoothed() {
        send(0, 0);
        ack(100, 0, 0);                     // smoothed 100
        send(1, 200);
        send(2, 210);
        ack(510, 2, 2);                     // latest 300, smoothed 7/8 * 100 + 1/8 * 300 = 125
        assertEquals(125 * MS, rtt.smoothed());
        // 9/8 * 300 = 337.5 ms after 1 was sent.
        assertEquals(537_500_000, detector.timerDeadline(510 * MS));
    }

    @Test
    void theLossDelayIsAtLeastTheGranularity() {
        send(0, 0);
        send(1, 0);
        ack(0, 1, 1);                       // a zero RTT on a simulated clock
        assertEquals(0, rtt.smoothed());
        assertEquals(RttEstimator.GRANULARITY, detector.timerDeadline(0));
        assertEquals(List.of(0L), numbers(detector.onTimeout(RttEstimator.GRANULARITY).lost()));
    }

    // ---- probe timeout ----

    @Test
    void thePtoBacksOffExponentiallyAndAnAckResetsIt() {
        send(0, 0);
        // No sample: 333 + 4 * 166.5 + 25 ms.
        assertEquals(1_024 * MS, detector.timerDeadline(0));
        assertEquals(new TimeoutOutcome(List.of(), 0), detector.onTimeout(1_024 * MS - 1));
        assertEquals(0, detector.ptoCount());

        long[] deadlines = {1_024, 2_048, 4_096, 8_192};
        for (int i = 0; i < 3; i++) {
            TimeoutOutcome out = detector.onTimeout(deadlines[i] * MS);
            assertEquals(new TimeoutOutcome(List.of(), 2), out, "PTO " + (i + 1));
            assertEquals(i + 1, detector.ptoCount());
            assertEquals(deadlines[i + 1] * MS, detector.timerDeadline(deadlines[i] * MS));
        }
        assertEquals(1, detector.inFlightCount(), "a PTO declares nothing lost");

        // Probes sent: the PTO counts from the last ack-eliciting packet.
        send(1, 8_000);
        assertEquals((8_000 + 8_192) * MS, detector.timerDeadline(8_000 * MS));

        AckOutcome out = ack(8_100, 1, 1);
        assertEquals(0, detector.ptoCount());
        assertEquals(List.of(1L), numbers(out.acked()));
        // 0 is lost by time: sent 8.1 s before an acknowledged packet.
        assertEquals(List.of(0L), numbers(out.lost()));
        assertEquals(NEVER, detector.timerDeadline(8_100 * MS));

        send(2, 9_000);
        assertEquals(9_000 * MS + rtt.pto(), detector.timerDeadline(9_000 * MS));
        assertEquals(100 * MS + 200 * MS + 25 * MS, rtt.pto());
    }

    @Test
    void anAckOfNothingNewDoesNotResetThePtoCount() {
        send(0, 0);
        send(1, 0);
        ack(100, 0, 0);
        assertEquals(325 * MS, detector.timerDeadline(100 * MS));
        detector.onTimeout(325 * MS);
        assertEquals(1, detector.ptoCount());
        ack(400, 0, 0);
        assertEquals(1, detector.ptoCount());
        ack(400, 0, 1);
        assertEquals(0, detector.ptoCount());
    }

    @Test
    void withNothingAckElicitingInFlightThereIsNoPtoUnlessArmedWhenIdle() {
        assertEquals(NEVER, detector.timerDeadline(0));
        detector.setArmWhenIdle(true);
        assertEquals(NEVER, detector.timerDeadline(0), "nothing sent yet: nothing to count from");
        detector.setArmWhenIdle(false);

        sendAckOnly(0, 5);
        assertEquals(NEVER, detector.timerDeadline(5 * MS));
        assertEquals(new TimeoutOutcome(List.of(), 0), detector.onTimeout(10_000 * MS));

        // A client before its handshake completes: armed from the last packet of any kind, one probe.
        detector.setArmWhenIdle(true);
        assertEquals((5 + 1_024) * MS, detector.timerDeadline(5 * MS));
        assertEquals(new TimeoutOutcome(List.of(), 1), detector.onTimeout((5 + 1_024) * MS));
        assertEquals(1, detector.ptoCount());
        assertEquals((5 + 2_048) * MS, detector.timerDeadline(0));

        // With an ack-eliciting packet in flight, the usual PTO from it: two probes.
        send(1, 2_000);
        sendAckOnly(2, 2_010);
        assertEquals((2_000 + 2_048) * MS, detector.timerDeadline(2_010 * MS));
        assertEquals(2, detector.onTimeout((2_000 + 2_048) * MS).probes());
    }

    // ---- persistent congestion ----

    /** A first RTT sample at 100 ms: smoothed 100, rttvar 50. */
    void firstSampleAt100() {
        send(0, 0);
        ack(100, 0, 0);
        cc.take();
    }

    @Test
    void persistentCongestionWhenLostPacketsSpanMoreThanThreePtos() {
        firstSampleAt100();
        send(1, 200);
        send(2, 700);
        send(3, 1_200);
        send(4, 1_300);
        for (int pn = 5; pn <= 7; pn++) send(pn, 1_400);
        AckOutcome out = ack(1_500, 5, 7);
        // Sample 100: rttvar 37.5, PTO 100 + 150 + 25 = 275 ms, duration 825 ms < 1 100 ms from 1 to 4.
        assertEquals(275 * MS, rtt.pto());
        assertEquals(List.of(1L, 2L, 3L, 4L), numbers(out.lost()));
        assertTrue(out.persistentCongestion());
        assertEquals(1, detector.persistentCongestions());
        List<String> calls = cc.take();
        assertEquals("persistent@1500", calls.get(calls.size() - 4), "after the losses, before the acknowledgements");
        assertEquals(2_400 + 3 * SIZE, cc.window(), "collapsed to the minimum; then 5 to 7, sent after, grow it in slow start");
    }

    @Test
    void noPersistentCongestionAtExactlyTheDuration() {
        firstSampleAt100();
        send(1, 200);
        send(2, 1_025);   // 825 ms after 1: not more than the duration
        for (int pn = 3; pn <= 5; pn++) send(pn, 1_400);
        assertFalse(ack(1_500, 3, 5).persistentCongestion());

        LossDetectorTest oneMore = new LossDetectorTest();   // a fresh detector
        oneMore.firstSampleAt100();
        oneMore.send(1, 200);
        oneMore.send(2, 1_026);
        for (int pn = 3; pn <= 5; pn++) oneMore.send(pn, 1_400);
        assertTrue(oneMore.ack(1_500, 3, 5).persistentCongestion());
    }

    @Test
    void noPersistentCongestionWhenAPacketBetweenWasAcknowledgedInTheSameAck() {
        firstSampleAt100();
        send(1, 200);
        send(2, 700);
        send(3, 1_200);
        send(4, 1_300);
        for (int pn = 5; pn <= 7; pn++) send(pn, 1_400);
        AckOutcome out = ack(1_500, 5, 7, 2, 2);
        assertEquals(List.of(1L, 3L, 4L), numbers(out.lost()));
        assertFalse(out.persistentCongestion(), "2 was acknowledged between 1 and 3");
        assertEquals(6_000, cc.window());
    }

    @Test
    void noPersistentCongestionWhenAPacketBetweenWasAcknowledgedEarlier() {
        firstSampleAt100();
        send(1, 200);
        send(2, 700);
        send(3, 1_200);
        send(4, 1_300);
        for (int pn = 5; pn <= 7; pn++) send(pn, 1_400);
        AckOutcome first = ack(800, 2, 2);
        assertEquals(List.of(1L), numbers(first.lost()));
        AckOutcome second = ack(1_500, 5, 7);
        assertEquals(List.of(3L, 4L), numbers(second.lost()));
        assertFalse(first.persistentCongestion());
        assertFalse(second.persistentCongestion());
        assertEquals(0, detector.persistentCongestions());
    }

    @Test
    void noPersistentCongestionWithoutAnRttSampleBeforeTheLosses() {
        send(0, 200);
        send(1, 700);
        send(2, 1_200);
        send(3, 1_300);
        for (int pn = 4; pn <= 6; pn++) send(pn, 1_400);
        AckOutcome out = ack(1_500, 4, 6);   // the first sample comes with the losses
        assertEquals(List.of(0L, 1L, 2L, 3L), numbers(out.lost()));
        assertEquals(325 * MS, rtt.pto(), "duration 975 ms < 1 100 ms: only the missing sample stops it");
        assertFalse(out.persistentCongestion());
    }

    @Test
    void onlyAckElicitingPacketsMarkTheSpan() {
        firstSampleAt100();
        sendAckOnly(1, 200);
        send(2, 700);
        send(3, 1_200);
        send(4, 1_300);
        for (int pn = 5; pn <= 7; pn++) send(pn, 1_400);
        AckOutcome out = ack(1_500, 5, 7);
        assertEquals(List.of(1L, 2L, 3L, 4L), numbers(out.lost()));
        assertFalse(out.persistentCongestion(), "600 ms from 2 to 4; the ack-only 1 does not count");
    }

    // ---- bookkeeping ----

    @Test
    void packetNumbersMustIncrease() {
        send(5, 0);
        assertThrows(IllegalArgumentException.class, () -> send(5, 1));
        assertThrows(IllegalArgumentException.class, () -> send(3, 1));
        send(8, 1);   // numbers may be skipped
        assertEquals(8, detector.largestSent());
        assertEquals(List.of(5L, 8L), numbers(detector.unacked()));
    }

    @Test
    void onlyInFlightPacketsCountAsInFlight() {
        send(0, 0);
        sendAckOnly(1, 0);
        detector.onPacketSent(new SentPacket(2, 0, 300, false, true, null));   // padding only
        assertEquals(2, detector.inFlightCount());
        assertEquals(SIZE + 300, detector.bytesInFlight());
        assertEquals(SIZE + 300, cc.bytesInFlight());
        assertThrows(IllegalArgumentException.class, () -> new SentPacket(3, 0, SIZE, true, false, null));
        assertThrows(IllegalArgumentException.class, () -> new SentPacket(-1, 0, SIZE, true, true, null));
        assertThrows(IllegalArgumentException.class, () -> new SentPacket(3, 0, -1, true, true, null));
    }

    @Test
    void unackedIsASnapshotInNumberOrderThatKeepsTheFrames() {
        for (int pn = 0; pn < 4; pn++) send(pn, 0);
        ack(10, 1, 1);
        List<SentPacket> probeCandidates = new ArrayList<>();
        long next = 4;
        for (SentPacket p : detector.unacked()) {
            probeCandidates.add(p);
            send(next++, 20);   // sending a probe while choosing is safe
        }
        assertEquals(List.of(0L, 2L, 3L), numbers(probeCandidates));
        assertEquals("frames of 2", probeCandidates.get(1).frames());
        assertEquals(List.of(0L, 2L, 3L, 4L, 5L, 6L), numbers(detector.unacked()));
    }

    @Test
    void discardAllForgetsEverythingWithoutACongestionSignal() {
        for (int pn = 0; pn < 3; pn++) send(pn, 0);
        sendAckOnly(3, 0);
        detector.setArmWhenIdle(true);
        cc.take();
        detector.discardAll();
        assertEquals(List.of("discarded:1200", "discarded:1200", "discarded:1200"), cc.take());
        assertEquals(0, cc.bytesInFlight());
        assertEquals(12_000, cc.window());
        assertEquals(Long.MAX_VALUE, cc.slowStartThreshold());
        assertEquals(0, detector.inFlightCount());
        assertEquals(0, detector.bytesInFlight());
        assertEquals(List.of(), numbers(detector.unacked()));
        assertEquals(NEVER, detector.timerDeadline(0));
        assertEquals(0, detector.lostPackets());
        // A late ACK of a forgotten packet is no error and no news.
        assertEquals(List.of(), ack(50, 0, 2).acked());
    }

    /** The controller hears of every packet with its number: BBR keeps state per packet. */
    @Test
    void congestionControlIsToldThePacketNumbers() {
        List<String> calls = new ArrayList<>();
        NewReno reno = new NewReno(SIZE);
        CongestionController numbered = new CongestionController() {
            @Override public String name() { return "numbered"; }
            @Override public long window() { return reno.window(); }
            @Override public long bytesInFlight() { return reno.bytesInFlight(); }
            @Override public void onPacketSent(long now, int bytes) { throw new AssertionError("the call without the number"); }
            @Override public void onPacketAcked(long now, long timeSent, int bytes, long srtt, long min) { throw new AssertionError("without the number"); }
            @Override public void onPacketLost(long now, long timeSent, int bytes) { throw new AssertionError("without the number"); }
            @Override public void onPacketDiscarded(int bytes) { throw new AssertionError("without the number"); }
            @Override public void onPacketSent(long now, long number, int bytes) {
                calls.add("sent #" + number);
                reno.onPacketSent(now, bytes);
            }
            @Override public void onPacketAcked(long now, long number, long timeSent, int bytes, long srtt, long min) {
                calls.add("acked #" + number);
                reno.onPacketAcked(now, timeSent, bytes, srtt, min);
            }
            @Override public void onPacketLost(long now, long number, long timeSent, int bytes) {
                calls.add("lost #" + number);
                reno.onPacketLost(now, timeSent, bytes);
            }
            @Override public void onPacketDiscarded(long number, int bytes) {
                calls.add("discarded #" + number);
                reno.onPacketDiscarded(bytes);
            }
            @Override public void onPersistentCongestion(long now) { reno.onPersistentCongestion(now); }
            @Override public boolean inSlowStart() { return reno.inSlowStart(); }
            @Override public long slowStartThreshold() { return reno.slowStartThreshold(); }
        };
        LossDetector d = new LossDetector(new RttEstimator(25 * MS), numbered);
        for (int pn = 0; pn < 6; pn++) d.onPacketSent(new SentPacket(pn, 0, SIZE, true, true, null));
        d.onPacketSent(new SentPacket(6, 0, 40, false, false, null));   // not in flight: not reported
        d.onAck(50 * MS, AckRanges.of(4, 4), 0, true);
        d.discardAll();
        assertEquals(List.of("sent #0", "sent #1", "sent #2", "sent #3", "sent #4", "sent #5",
                "lost #0", "lost #1", "acked #4", "discarded #2", "discarded #3", "discarded #5"), calls);
        assertEquals(0, reno.bytesInFlight());
    }

    @Test
    void bbrRunsOnTheNumbers() {
        Bbr bbr = new Bbr(SIZE);
        LossDetector d = new LossDetector(new RttEstimator(25 * MS), bbr);
        for (int pn = 0; pn < 10; pn++) d.onPacketSent(new SentPacket(pn, pn * MS, SIZE, true, true, null));
        d.onAck(50 * MS, AckRanges.of(5, 6, 0, 3), 0, true);
        assertEquals(4 * SIZE, bbr.bytesInFlight(), "packets 4, 7, 8 and 9 are still in flight");
        assertTrue(bbr.bottleneckBandwidth() > 0, bbr.toString());
        d.discardAll();
        assertEquals(0, bbr.bytesInFlight());
    }
}
