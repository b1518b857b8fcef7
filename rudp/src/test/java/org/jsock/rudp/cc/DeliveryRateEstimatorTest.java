package org.jsock.rudp.cc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** draft-cheng-iccrg-delivery-rate-estimation on hand-made timelines, 1200-byte packets, times in ms. */
class DeliveryRateEstimatorTest {
    static final int P = 1200;
    static final long MS = 1_000_000L;

    final DeliveryRateEstimator rates = new DeliveryRateEstimator();
    long inFlight;

    void send(long ms, long number) {
        rates.onPacketSent(ms * MS, number, P, inFlight);
        inFlight += P;
    }

    DeliveryRateEstimator.Sample ack(long ms, long number) {
        inFlight -= P;
        return rates.onPacketAcked(ms * MS, number);
    }

    @Test
    void aBurstIsMeasuredOverTheAcknowledgementInterval() {
        // Four packets leave together into an empty pipe; their ACKs come 10, 11, 12, 13 ms later.
        for (int pn = 0; pn < 4; pn++) send(0, pn);
        DeliveryRateEstimator.Sample s = null;
        for (int pn = 0; pn < 4; pn++) {
            s = ack(10 + pn, pn);
            assertEquals(0, s.priorDelivered());
            assertEquals((pn + 1) * P, s.delivered());
            assertEquals((10 + pn) * MS, s.interval(), "the send interval is 0: the ACK interval counts");
            assertFalse(s.applicationLimited());
        }
        assertEquals(4 * P, rates.delivered());
        assertEquals(369_231, s.bytesPerSecond(), "4800 B in 13 ms");
    }

    @Test
    void compressedAcknowledgementsAreMeasuredOverTheSendInterval() {
        send(0, 0);
        send(0, 1);
        send(5, 2);
        ack(10, 0);                       // delivered 1200 at 10 ms
        send(10, 3);                      // remembers: 1200 delivered at 10 ms; its flight began at 0 ms
        // Packets 1 to 3 are acknowledged within 2 ms (ACK compression): 3600 B in 2 ms would claim 1.8 MB/s.
        ack(11, 1);
        ack(12, 2);
        DeliveryRateEstimator.Sample s = ack(12, 3);
        assertEquals(1200, s.priorDelivered());
        assertEquals(3600, s.delivered());
        // The send interval, from the departure of the newest packet acknowledged before packet 3 was sent
        // (packet 0, at 0 ms) to packet 3's (10 ms), is the longer: 3600 B in 10 ms.
        assertEquals(10 * MS, s.interval());
        assertEquals(360_000, s.bytesPerSecond());
    }

    @Test
    void aSteadyFlowMeasuresTheBottleneck() {
        // A packet every ms, each acknowledged 40 ms later: 1.2 MB/s once the pipe is running.
        for (int pn = 0; pn < 40; pn++) send(pn, pn);
        DeliveryRateEstimator.Sample last = null;
        for (int t = 40; t < 200; t++) {
            last = ack(t, t - 40);
            send(t, t);
        }
        assertEquals(40 * MS, last.interval());
        assertEquals(48_000, last.delivered());
        assertEquals(1_200_000, last.bytesPerSecond());
        assertTrue(last.valid(40 * MS));
        assertFalse(last.valid(41 * MS), "an interval shorter than the minimum RTT is not a rate");
        assertFalse(new DeliveryRateEstimator.Sample(0, P, 0, false).valid(0), "nor is an empty one");
    }

    @Test
    void packetsSentWhileApplicationLimitedAreMarkedUntilThatFlightIsDelivered() {
        send(0, 0);
        send(0, 1);
        rates.onApplicationLimited(inFlight);    // 2400 in flight, 0 delivered: a bubble until 2400 are delivered
        assertTrue(rates.applicationLimited());
        send(1, 2);
        assertFalse(ack(40, 0).applicationLimited(), "sent before the bubble");
        assertFalse(ack(40, 1).applicationLimited());
        assertTrue(rates.applicationLimited(), "2400 delivered: not beyond the bubble yet");
        send(41, 3);
        assertTrue(ack(41, 2).applicationLimited(), "sent in the bubble");
        assertFalse(rates.applicationLimited(), "3600 > 2400: the bubble has left the pipe");
        send(42, 4);
        assertTrue(ack(81, 3).applicationLimited());
        assertFalse(ack(82, 4).applicationLimited(), "sent after the bubble");
    }

    @Test
    void anIdlePipeRestartsTheIntervals() {
        send(0, 0);
        ack(40, 0);
        // A second later, a packet into the empty pipe: the idle second is not part of its interval.
        send(1040, 1);
        DeliveryRateEstimator.Sample s = ack(1080, 1);
        assertEquals(40 * MS, s.interval());
        assertEquals(P, s.delivered());
    }

    @Test
    void lostPacketsDeliverNothing() {
        send(0, 0);
        send(0, 1);
        send(0, 2);
        rates.forget(1);
        inFlight -= P;
        ack(40, 0);
        DeliveryRateEstimator.Sample s = ack(42, 2);
        assertEquals(2 * P, s.delivered());
        assertEquals(2 * P, rates.delivered());
        assertEquals(0, rates.tracked());
        rates.forget(99);   // unknown: ignored
    }

    @Test
    void anUnknownOrRepeatedPacketIsAnError() {
        send(0, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> rates.onPacketAcked(MS, 5));
        assertEquals("packet 5 acknowledged but not in flight", e.getMessage());
        ack(10, 0);
        assertThrows(IllegalStateException.class, () -> rates.onPacketAcked(11 * MS, 0));
        rates.onPacketSent(20 * MS, 6, P, 0);
        assertThrows(IllegalStateException.class, () -> rates.onPacketSent(20 * MS, 6, P, P));
    }
}
