package org.jsock.rudp.cc;

import java.util.HashMap;
import java.util.Map;

/**
 * Delivery rate estimation as draft-cheng-iccrg-delivery-rate-estimation describes it: each packet
 * remembers, when it is sent, how much had been delivered by then and when, and when the flight it
 * belongs to began; its acknowledgement then measures the bytes delivered since over the longer of the
 * send interval and the acknowledgement interval (the longer one is the bottleneck's pace; the shorter
 * may be compressed by bursts or aggregated ACKs).
 *
 * <p>Each acknowledged packet gives one sample, as if its ACK acknowledged it alone (loss detection
 * reports the packets of one ACK in ascending order, so the last one gives the ACK's own sample).
 * Samples of packets sent while the sender was application-limited are marked so: they show what the
 * application offered, not what the path can carry. Bytes are what congestion control counts; times
 * are nanoseconds.
 */
final class DeliveryRateEstimator {
    /** What one packet carried away when it was sent. */
    private record SendState(int bytes, long sentTime, long delivered, long deliveredTime, long firstSentTime,
                             boolean applicationLimited) {}

    /**
     * One sample: {@code delivered} bytes over {@code interval} nanoseconds. {@code priorDelivered} is the
     * total delivered when the packet was sent (BBR counts round trips with it).
     */
    record Sample(long priorDelivered, long delivered, long interval, boolean applicationLimited) {
        /**
         * Whether the rate means something: an interval shorter than the minimum RTT cannot span a round
         * trip, so ACK compression would inflate it (draft section 3.3); and none at all has no rate.
         */
        boolean valid(long minRtt) { return interval > 0 && interval >= minRtt; }

        /** The rate in bytes per second. */
        long bytesPerSecond() { return interval <= 0 ? 0 : Math.round(delivered * 1e9 / interval); }
    }

    private final Map<Long, SendState> inFlight = new HashMap<>();
    private long delivered;           // C.delivered: bytes acknowledged so far
    private long deliveredTime;       // C.delivered_time: when the last of them was
    private long firstSentTime;       // C.first_sent_time: when the current send interval began
    private long applicationLimitedUntil;   // C.app_limited: 0, or the delivered count that ends the bubble

    /** Bytes delivered (acknowledged) so far. */
    long delivered() { return delivered; }

    /** Whether packets sent now are marked application-limited. */
    boolean applicationLimited() { return applicationLimitedUntil != 0; }

    /**
     * Packet {@code number} of {@code bytes} is sent at {@code now}, with {@code bytesInFlight} in flight
     * before it. Sending into an empty pipe starts the intervals afresh: the idle time before is nobody's rate.
     */
    void onPacketSent(long now, long number, int bytes, long bytesInFlight) {
        if (bytesInFlight == 0) {
            firstSentTime = now;
            deliveredTime = now;
        }
        SendState previous = inFlight.put(number, new SendState(bytes, now, delivered, deliveredTime, firstSentTime,
                applicationLimitedUntil != 0));
        if (previous != null) throw new IllegalStateException("packet " + number + " reported sent twice");
    }

    /**
     * The sender has less to send than the window allows, with {@code bytesInFlight} in flight: packets
     * sent until all of those are delivered are application-limited.
     */
    void onApplicationLimited(long bytesInFlight) { applicationLimitedUntil = Math.max(delivered + bytesInFlight, 1); }

    /**
     * Packet {@code number} is acknowledged at {@code now}: its sample.
     *
     * @throws IllegalStateException if it was never reported sent (or already acknowledged, lost or forgotten)
     */
    Sample onPacketAcked(long now, long number) {
        SendState p = inFlight.remove(number);
        if (p == null) throw new IllegalStateException("packet " + number + " acknowledged but not in flight");
        delivered += p.bytes();
        deliveredTime = now;
        // The next packets' send interval starts at this one's departure (the newest acknowledged so far).
        firstSentTime = Math.max(firstSentTime, p.sentTime());
        // The bubble is over once everything in flight when it began is delivered.
        if (applicationLimitedUntil != 0 && delivered > applicationLimitedUntil) applicationLimitedUntil = 0;
        long sendElapsed = p.sentTime() - p.firstSentTime();
        long ackElapsed = deliveredTime - p.deliveredTime();
        return new Sample(p.delivered(), delivered - p.delivered(), Math.max(sendElapsed, ackElapsed), p.applicationLimited());
    }

    /** Packet {@code number} was lost or discarded: it delivered nothing. Unknown numbers are ignored. */
    void forget(long number) { inFlight.remove(number); }

    /** Packets sent and not yet acknowledged, lost or forgotten. */
    int tracked() { return inFlight.size(); }
}
