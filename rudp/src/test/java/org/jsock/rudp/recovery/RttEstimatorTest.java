package org.jsock.rudp.recovery;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RttEstimatorTest {
    static final long MS = 1_000_000L;
    static final long MAX_ACK_DELAY = 25 * MS;

    @Test
    void beforeAnySampleTheInitialRttIsAssumed() {
        RttEstimator rtt = new RttEstimator(MAX_ACK_DELAY);
        assertFalse(rtt.hasSample());
        assertEquals(333 * MS, rtt.smoothed());
        assertEquals(166_500_000, rtt.rttvar());
        assertEquals(0, rtt.min());
        assertEquals(0, rtt.latest());
        // 333 + 4 * 166.5 + 25 ms
        assertEquals(1_024 * MS, rtt.pto());
    }

    @Test
    void theFirstSampleSetsSmoothedAndHalfOfItAsVariation() {
        RttEstimator rtt = new RttEstimator(MAX_ACK_DELAY);
        rtt.update(100 * MS, 20 * MS, true);   // the ack delay is ignored for the first sample
        assertTrue(rtt.hasSample());
        assertEquals(100 * MS, rtt.smoothed());
        assertEquals(50 * MS, rtt.rttvar());
        assertEquals(100 * MS, rtt.min());
        assertEquals(100 * MS, rtt.latest());
        assertEquals((100 + 200 + 25) * MS, rtt.pto());
    }

    @Test
    void laterSamplesUseGainsOfOneEighthAndOneQuarter() {
        RttEstimator rtt = new RttEstimator(MAX_ACK_DELAY);
        rtt.update(100 * MS, 0, true);
        rtt.update(180 * MS, 0, true);
        // rttvar = 3/4 * 50 + 1/4 * |100 - 180| = 57.5; smoothed = 7/8 * 100 + 1/8 * 180 = 110
        assertEquals(57_500_000, rtt.rttvar());
        assertEquals(110 * MS, rtt.smoothed());
        assertEquals(100 * MS, rtt.min());
        assertEquals(180 * MS, rtt.latest());
        rtt.update(70 * MS, 0, true);
        // rttvar = 3/4 * 57.5 + 1/4 * 40 = 53.125; smoothed = 7/8 * 110 + 1/8 * 70 = 105
        assertEquals(53_125_000, rtt.rttvar());
        assertEquals(105 * MS, rtt.smoothed());
        assertEquals(70 * MS, rtt.min());
        assertEquals(105 * MS + 4 * 53_125_000 + 25 * MS, rtt.pto());
    }

    @Test
    void theAckDelayIsSubtracted() {
        RttEstimator rtt = new RttEstimator(MAX_ACK_DELAY);
        rtt.update(100 * MS, 0, true);
        rtt.update(180 * MS, 20 * MS, true);
        // adjusted = 160: rttvar = 3/4 * 50 + 1/4 * 60 = 52.5; smoothed = 7/8 * 100 + 1/8 * 160 = 107.5
        assertEquals(52_500_000, rtt.rttvar());
        assertEquals(107_500_000, rtt.smoothed());
        assertEquals(100 * MS, rtt.min(), "the minimum ignores ack delay");
        assertEquals(180 * MS, rtt.latest(), "the latest sample is not adjusted");
    }

    @Test
    void theAckDelayIsNotSubtractedBelowTheMinimum() {
        RttEstimator rtt = new RttEstimator(MAX_ACK_DELAY);
        rtt.update(100 * MS, 0, true);
        rtt.update(110 * MS, 20 * MS, true);   // 110 - 20 = 90 < min 100: the sample stays 110
        // rttvar = 3/4 * 50 + 1/4 * 10 = 40; smoothed = 7/8 * 100 + 1/8 * 110 = 101.25
        assertEquals(40 * MS, rtt.rttvar());
        assertEquals(101_250_000, rtt.smoothed());

        RttEstimator exact = new RttEstimator(MAX_ACK_DELAY);
        exact.update(100 * MS, 0, true);
        exact.update(120 * MS, 20 * MS, true);   // 120 - 20 = 100 = min: subtracted
        assertEquals(100 * MS, exact.smoothed());
        assertEquals(37_500_000, exact.rttvar());
    }

    @Test
    void onceConfirmedTheAckDelayIsCappedAtTheMaxAckDelay() {
        RttEstimator confirmed = new RttEstimator(MAX_ACK_DELAY);
        confirmed.update(100 * MS, 0, true);
        confirmed.update(200 * MS, 60 * MS, true);   // capped at 25: adjusted 175
        assertEquals(109_375_000, confirmed.smoothed());   // 7/8 * 100 + 1/8 * 175
        assertEquals(56_250_000, confirmed.rttvar());      // 3/4 * 50 + 1/4 * 75

        RttEstimator unconfirmed = new RttEstimator(MAX_ACK_DELAY);
        unconfirmed.update(100 * MS, 0, false);
        unconfirmed.update(200 * MS, 60 * MS, false);   // not capped: adjusted 140
        assertEquals(105 * MS, unconfirmed.smoothed());   // 7/8 * 100 + 1/8 * 140
        assertEquals(47_500_000, unconfirmed.rttvar());   // 3/4 * 50 + 1/4 * 40
    }

    @Test
    void thePtoHasAFloorOfOneGranularityForTheVariation() {
        RttEstimator rtt = new RttEstimator(0);
        for (int i = 0; i < 20; i++) rtt.update(10 * MS, 0, true);
        assertEquals(10 * MS, rtt.smoothed());
        assertTrue(4 * rtt.rttvar() < RttEstimator.GRANULARITY, "variation decayed: " + rtt.rttvar());
        assertEquals(11 * MS, rtt.pto());
        rtt.setMaxAckDelay(25 * MS);
        assertEquals(36 * MS, rtt.pto());
        assertEquals(25 * MS, rtt.maxAckDelay());
    }

    @Test
    void badValuesAreRejected() {
        RttEstimator rtt = new RttEstimator(MAX_ACK_DELAY);
        assertThrows(IllegalArgumentException.class, () -> rtt.update(-1, 0, true));
        assertThrows(IllegalArgumentException.class, () -> rtt.update(MS, -1, true));
        assertThrows(IllegalArgumentException.class, () -> rtt.setMaxAckDelay(-1));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(-1));
        assertFalse(rtt.hasSample());
    }
}
