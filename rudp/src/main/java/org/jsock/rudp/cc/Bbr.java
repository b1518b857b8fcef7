package org.jsock.rudp.cc;

/**
 * BBR version 1 (Cardwell et al., "BBR: Congestion-Based Congestion Control", ACM Queue 2016, and
 * draft-cardwell-iccrg-bbr-congestion-control): a controller that models the path instead of reading
 * every loss as congestion. It estimates the bottleneck bandwidth {@code BtlBw} (the largest delivery
 * rate of the last {@link #BTL_BW_FILTER_ROUNDS} round trips, application-limited samples counting only
 * when they raise it) and the round-trip propagation time {@code RTprop} (the least RTT of the last
 * {@link #RTPROP_FILTER_NANOS} ns), paces at {@code pacing_gain × BtlBw}, and caps the flight at
 * {@code cwnd_gain × BtlBw × RTprop} plus {@link #CWND_ALLOWANCE_PACKETS} packets, never below
 * {@link #MIN_PIPE_PACKETS} packets.
 *
 * <p>Its states:
 * <ul>
 * <li>{@link Mode#STARTUP}: pacing gain {@link #HIGH_GAIN} (2/ln 2, which doubles the delivery rate every
 *     round trip), cwnd gain {@link #CWND_GAIN}; the window grows by what is acknowledged. The pipe is full
 *     when {@code BtlBw} grew by less than 25% over three round trips (application-limited ones aside).
 * <li>{@link Mode#DRAIN}: pacing gain 1/{@link #HIGH_GAIN}, until the flight is down to one BDP.
 * <li>{@link Mode#PROBE_BW}: pacing gains cycle through {@code 1.25, 0.75, 1, 1, 1, 1, 1, 1}, one phase per
 *     {@code RTprop} (the 1.25 phase lasts until the flight reaches 1.25 BDP or a loss, the 0.75 phase ends
 *     early once the flight is down to one BDP), starting at a random phase other than 0.75.
 * <li>{@link Mode#PROBE_RTT}: when {@code RTprop} was not refreshed for 10 s, the flight drops to
 *     {@link #MIN_PIPE_PACKETS} packets for at least {@link #PROBE_RTT_NANOS} ns and one round trip, to measure
 *     the path with an empty queue; then back to PROBE_BW (or STARTUP if the pipe was never filled).
 * </ul>
 *
 * <p>Losses do not change the model. Like the draft and Linux's BBR, a loss starts a recovery period
 * (RFC 9002's: it ends when a packet sent after it is acknowledged) with packet conservation for its
 * first round trip: the window drops to what is in flight, shrinks by what is lost, and grows only by what
 * is acknowledged; when recovery ends it is restored. Persistent congestion collapses the window to
 * {@link #MIN_PIPE_PACKETS} packets, from where it grows back by what is acknowledged.
 *
 * <p>Delivery rates come from {@link DeliveryRateEstimator}, which needs each packet's number (packets of
 * one burst share a send time): only the {@code packetNumber} methods are supported; the others throw.
 * The connection must report when it is {@linkplain #onApplicationLimited application-limited}.
 */
public final class Bbr implements CongestionController {
    static final String NAME = "bbr";

    /** BBR's states. */
    public enum Mode { STARTUP, DRAIN, PROBE_BW, PROBE_RTT }

    /** STARTUP's pacing gain, 2/ln 2: the smallest that doubles the delivery rate every round trip. */
    public static final double HIGH_GAIN = 2 / Math.log(2);
    /** The cwnd gain in STARTUP, DRAIN and PROBE_BW: room for delayed and aggregated ACKs. */
    public static final double CWND_GAIN = 2;
    /** PROBE_BW's pacing gains, one phase per RTprop. */
    static final double[] PACING_GAIN_CYCLE = {1.25, 0.75, 1, 1, 1, 1, 1, 1};
    /** Round trips over which BtlBw is the largest delivery rate. */
    public static final int BTL_BW_FILTER_ROUNDS = 10;
    /** How long an RTprop measurement lasts before PROBE_RTT measures it again. */
    public static final long RTPROP_FILTER_NANOS = 10_000_000_000L;
    /** PROBE_RTT's least duration at the small window. */
    public static final long PROBE_RTT_NANOS = 200_000_000L;
    /** The smallest window, in packets, outside recovery: enough to keep ACKs flowing with delayed ACKs. */
    public static final int MIN_PIPE_PACKETS = 4;
    /** Packets allowed on top of {@code cwnd_gain × BDP}: the draft's {@code 3 × send_quantum}, our quantum being one packet. */
    public static final int CWND_ALLOWANCE_PACKETS = 3;
    /** STARTUP ends after this many round trips in a row without {@link #FULL_BW_GROWTH}. */
    static final int FULL_BW_ROUNDS = 3;
    static final double FULL_BW_GROWTH = 1.25;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NO_RTT = Long.MAX_VALUE;
    private static final long NOT_SET = Long.MIN_VALUE;

    private final int maxDatagramSize;
    private final long initialWindow;
    private final long minPipeWindow;
    private final FlightState flight = new FlightState(NAME);
    private final DeliveryRateEstimator rates = new DeliveryRateEstimator();
    private final WindowedMaxFilter btlBwFilter = new WindowedMaxFilter(BTL_BW_FILTER_ROUNDS);

    private Mode mode = Mode.STARTUP;
    private double pacingGain = HIGH_GAIN;
    private double cwndGain = CWND_GAIN;
    private long window;
    private long pacingRate;              // bytes per second
    private boolean seenRtt;
    private long btlBw;                   // bytes per second
    private long rtProp = NO_RTT;
    private long rtPropStamp = NOT_SET;
    private boolean rtPropExpired;

    // Round trips: one ends when a packet sent after the previous end is acknowledged.
    private long nextRoundDelivered;
    private long roundCount;
    private boolean roundStart;

    // STARTUP's full-pipe detection.
    private boolean filledPipe;
    private long fullBw;
    private int fullBwCount;

    // PROBE_BW's gain cycle.
    private int cycleIndex;
    private long cycleStamp;

    // PROBE_RTT.
    private long probeRttDoneStamp = NOT_SET;
    private boolean probeRttRoundDone;
    private boolean idleRestart;

    // Recovery.
    private long priorWindow;
    private boolean conserving;
    private long lostSinceAck;

    /** A BBR controller for a path whose largest datagram is {@code maxDatagramSize} bytes. */
    public Bbr(int maxDatagramSize) {
        this.initialWindow = CongestionController.initialWindow(maxDatagramSize);
        this.maxDatagramSize = maxDatagramSize;
        this.minPipeWindow = (long) MIN_PIPE_PACKETS * maxDatagramSize;
        this.window = initialWindow;
    }

    @Override public String name() { return NAME; }

    @Override public long window() { return window; }

    @Override public long bytesInFlight() { return flight.bytesInFlight(); }

    @Override public long pacingRate() { return pacingRate; }

    // ------------------------------------------------------------------------------- events

    @Override public void onPacketSent(long now, long packetNumber, int bytes) {
        if (rtPropStamp == NOT_SET) {
            rtPropStamp = now;   // the draft's connection init: RTprop's 10 s count from the first packet
            pacingRate = nominalRate(HIGH_GAIN, initialWindow, NANOS_PER_SECOND / 1000);   // no RTT yet: assume 1 ms
        }
        long inFlight = flight.bytesInFlight();
        if (inFlight == 0 && rates.applicationLimited()) {
            // Restarting after idle: send at the estimated rate, not a probing one, and do not take the
            // stale RTprop as a reason to probe for RTT at once.
            idleRestart = true;
            if (mode == Mode.PROBE_BW) pacingRate = rate(1.0);
        }
        rates.onPacketSent(now, packetNumber, bytes, inFlight);
        flight.sent(bytes);
    }

    @Override public void onApplicationLimited(long now) { rates.onApplicationLimited(flight.bytesInFlight()); }

    @Override public void onPacketAcked(long now, long packetNumber, long timeSent, int bytes, long smoothedRtt, long minRtt) {
        DeliveryRateEstimator.Sample sample = rates.onPacketAcked(now, packetNumber);
        boolean wasInRecovery = flight.inRecovery();
        flight.acked(now, timeSent, bytes, window);
        if (wasInRecovery && !flight.inRecovery()) {
            conserving = false;
            window = Math.max(window, priorWindow);
        }
        long rtt = now - timeSent;
        if (!seenRtt) {
            // The draft's initial rate, now that an RTT is known instead of the 1 ms assumed.
            seenRtt = true;
            pacingRate = nominalRate(HIGH_GAIN, window, Math.max(rtt, 1));
        }
        updateModelAndState(now, sample, rtt);
        updateControlParameters(bytes);
        lostSinceAck = 0;
    }

    @Override public void onPacketLost(long now, long packetNumber, long timeSent, int bytes) {
        boolean wasInRecovery = flight.inRecovery();
        long saved = savedWindow();
        boolean congestionEvent = flight.lost(now, timeSent, bytes, window);
        rates.forget(packetNumber);
        lostSinceAck += bytes;
        if (congestionEvent && !wasInRecovery) {
            // Recovery begins: send only as much as leaves, for one round trip (which starts now).
            priorWindow = saved;
            conserving = true;
            window = flight.bytesInFlight() + maxDatagramSize;
            nextRoundDelivered = rates.delivered();
        } else {
            window = Math.max(window - bytes, maxDatagramSize);
        }
    }

    @Override public void onPersistentCongestion(long now) {
        window = minPipeWindow;
        conserving = false;
        flight.leaveRecovery();
    }

    @Override public void onPacketDiscarded(long packetNumber, int bytes) {
        flight.discarded(bytes);
        rates.forget(packetNumber);
    }

    // ------------------------------------------------------------------------------- the model (draft section 4)

    private void updateModelAndState(long now, DeliveryRateEstimator.Sample sample, long rtt) {
        updateRound(sample);
        updateBtlBw(sample);
        checkCyclePhase(now);
        checkFullPipe(sample);
        checkDrain(now);
        updateRtProp(now, rtt);
        checkProbeRtt(now);
    }

    private void updateRound(DeliveryRateEstimator.Sample sample) {
        roundStart = sample.priorDelivered() >= nextRoundDelivered;
        if (roundStart) {
            nextRoundDelivered = rates.delivered();
            roundCount++;
        }
    }

    private void updateBtlBw(DeliveryRateEstimator.Sample sample) {
        if (!sample.valid(rtProp == NO_RTT ? 0 : rtProp)) return;
        long rate = sample.bytesPerSecond();
        // An application-limited sample shows what was offered; it only counts if it beats the estimate.
        if (rate >= btlBw || !sample.applicationLimited()) btlBw = btlBwFilter.update(roundCount, rate);
    }

    private void checkFullPipe(DeliveryRateEstimator.Sample sample) {
        if (filledPipe || !roundStart || sample.applicationLimited()) return;
        if (btlBw >= fullBw * FULL_BW_GROWTH) {
            fullBw = btlBw;
            fullBwCount = 0;
            return;
        }
        if (++fullBwCount >= FULL_BW_ROUNDS) filledPipe = true;
    }

    private void checkDrain(long now) {
        if (mode == Mode.STARTUP && filledPipe) {
            mode = Mode.DRAIN;
            pacingGain = 1 / HIGH_GAIN;
            cwndGain = CWND_GAIN;
        }
        if (mode == Mode.DRAIN && flight.bytesInFlight() <= inflight(1.0)) enterProbeBw(now);
    }

    private void enterProbeBw(long now) {
        mode = Mode.PROBE_BW;
        cwndGain = CWND_GAIN;
        // A random first phase, any but 0.75 (draft 4.3.4.4); seeded by the state, so runs replay.
        int skip = (int) Math.floorMod(mix(now ^ rates.delivered() * 0x9E3779B97F4A7C15L), 7);
        cycleIndex = PACING_GAIN_CYCLE.length - 1 - skip;
        advanceCyclePhase(now);
    }

    private void checkCyclePhase(long now) {
        if (mode == Mode.PROBE_BW && isNextCyclePhase(now)) advanceCyclePhase(now);
    }

    private boolean isNextCyclePhase(long now) {
        boolean fullLength = now - cycleStamp > rtProp;
        long priorInflight = flight.flightAtAckArrival();
        if (pacingGain == 1) return fullLength;
        if (pacingGain > 1) return fullLength && (lostSinceAck > 0 || priorInflight >= inflight(pacingGain));
        return fullLength || priorInflight <= inflight(1.0);
    }

    private void advanceCyclePhase(long now) {
        cycleStamp = now;
        cycleIndex = (cycleIndex + 1) % PACING_GAIN_CYCLE.length;
        pacingGain = PACING_GAIN_CYCLE[cycleIndex];
    }

    private void updateRtProp(long now, long rtt) {
        rtPropExpired = now > rtPropStamp + RTPROP_FILTER_NANOS;
        if (rtt >= 0 && (rtt <= rtProp || rtPropExpired)) {
            rtProp = rtt;
            rtPropStamp = now;
        }
    }

    private void checkProbeRtt(long now) {
        if (mode != Mode.PROBE_RTT && rtPropExpired && !idleRestart) {
            priorWindow = savedWindow();
            mode = Mode.PROBE_RTT;
            pacingGain = 1;
            cwndGain = 1;
            probeRttDoneStamp = NOT_SET;
        }
        if (mode == Mode.PROBE_RTT) handleProbeRtt(now);
        idleRestart = false;
    }

    private void handleProbeRtt(long now) {
        // The small window makes every sample a low one: mark them application-limited.
        rates.onApplicationLimited(flight.bytesInFlight());
        if (probeRttDoneStamp == NOT_SET && flight.bytesInFlight() <= minPipeWindow) {
            probeRttDoneStamp = now + PROBE_RTT_NANOS;
            probeRttRoundDone = false;
            nextRoundDelivered = rates.delivered();
        } else if (probeRttDoneStamp != NOT_SET) {
            if (roundStart) probeRttRoundDone = true;
            if (probeRttRoundDone && now > probeRttDoneStamp) {
                rtPropStamp = now;
                window = Math.max(window, priorWindow);
                if (filledPipe) {
                    enterProbeBw(now);
                } else {
                    mode = Mode.STARTUP;
                    pacingGain = HIGH_GAIN;
                    cwndGain = CWND_GAIN;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------- control parameters

    private void updateControlParameters(int bytesAcked) {
        // Until the pipe is full, a rate below the one in use is an estimate still catching up: keep going.
        long rate = rate(pacingGain);
        if (filledPipe || rate > pacingRate) pacingRate = rate;
        setWindow(bytesAcked);
    }

    private void setWindow(int bytesAcked) {
        long target = inflight(cwndGain);
        if (conserving) {
            window = Math.max(window, flight.bytesInFlight() + bytesAcked);
            if (roundStart) conserving = false;   // one round trip of conservation is enough
        } else {
            if (filledPipe) window = Math.min(window + bytesAcked, target);
            else if (window < target || rates.delivered() < initialWindow) window += bytesAcked;
            window = Math.max(window, minPipeWindow);
        }
        if (mode == Mode.PROBE_RTT) window = Math.min(window, minPipeWindow);
    }

    /** {@code gain × BDP} plus the allowance, in bytes; the initial window while RTprop is unknown. */
    long inflight(double gain) {
        if (rtProp == NO_RTT) return initialWindow;
        double bdp = (double) btlBw * rtProp / NANOS_PER_SECOND;
        return (long) (gain * bdp) + (long) CWND_ALLOWANCE_PACKETS * maxDatagramSize;
    }

    private long rate(double gain) { return Math.round(gain * btlBw); }

    private static long nominalRate(double gain, long bytes, long nanos) { return Math.max(1, Math.round(gain * bytes * 1e9 / nanos)); }

    /** The window to come back to after recovery or PROBE_RTT: the larger of now's and the one saved before. */
    private long savedWindow() {
        return !flight.inRecovery() && mode != Mode.PROBE_RTT ? window : Math.max(priorWindow, window);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    // ------------------------------------------------------------------------------- what it knows

    /** The state BBR is in. */
    public Mode mode() { return mode; }

    /** The bottleneck bandwidth estimate {@code BtlBw}, in bytes per second: 0 before a delivery rate was measured. */
    public long bottleneckBandwidth() { return btlBw; }

    /** The round-trip propagation time estimate {@code RTprop}, in nanoseconds: {@link Long#MAX_VALUE} before a sample. */
    public long roundTripPropagation() { return rtProp; }

    /** The current pacing gain. */
    public double pacingGain() { return pacingGain; }

    /** The current cwnd gain. */
    public double cwndGain() { return cwndGain; }

    /** Whether STARTUP found the pipe full. */
    public boolean filledPipe() { return filledPipe; }

    /** Round trips counted so far. */
    long roundCount() { return roundCount; }

    /** Where PROBE_BW is in {@link #PACING_GAIN_CYCLE}. */
    int cycleIndex() { return cycleIndex; }

    /** Whether the window is in packet conservation (the first round trip of a recovery period). */
    boolean conserving() { return conserving; }

    @Override public boolean inSlowStart() { return mode == Mode.STARTUP; }

    /** BBR has no slow start threshold: always {@link Long#MAX_VALUE}. */
    @Override public long slowStartThreshold() { return Long.MAX_VALUE; }

    // ------------------------------------------------------------------------------- without packet numbers

    @Override public void onPacketSent(long now, int bytes) { throw needsNumbers(); }

    @Override public void onPacketAcked(long now, long timeSent, int bytes, long smoothedRtt, long minRtt) { throw needsNumbers(); }

    @Override public void onPacketLost(long now, long timeSent, int bytes) { throw needsNumbers(); }

    @Override public void onPacketDiscarded(int bytes) { throw needsNumbers(); }

    private static UnsupportedOperationException needsNumbers() {
        return new UnsupportedOperationException("bbr keeps state per packet: report packets with their numbers");
    }

    @Override public String toString() {
        return "bbr[" + mode + ", window=" + window + ", btlBw=" + btlBw + " B/s, rtProp=" + (rtProp == NO_RTT ? "?" : rtProp / 1000 + " us")
                + ", pacingGain=" + pacingGain + ", inFlight=" + flight.bytesInFlight() + "]";
    }
}
