package org.jsock.rudp.impair;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a link does to the datagrams offered to it, as {@link LinkModel} applies it. Every
 * probability is in [0, 1]; the constructor checks every field and names the one that is wrong.
 * Times are nanoseconds.
 *
 * <p>The fields, in the order a datagram meets them:
 * <ol>
 *   <li>{@code blackoutUpNanos}, {@code blackoutDownNanos}: the link works for {@code up}, then
 *       drops everything offered for {@code down}, and repeats, starting at time 0 with an up
 *       period. Both 0: no blackouts. A datagram already past this point when a blackout begins is
 *       still delivered (the blackout is at the link's entrance).
 *   <li>{@code loss}: the average probability that a datagram is lost. {@code burst}: the mean
 *       length, in datagrams, of a run of losses. {@code burst <= 1} means independent losses (each
 *       datagram lost with probability {@code loss}). {@code burst > 1} uses a two-state
 *       Gilbert-Elliott chain, stepped once per datagram: the bad state drops everything and the good
 *       state nothing; the chain leaves the bad state with probability {@code 1/burst} (so runs of
 *       losses average {@code burst}) and enters it with probability
 *       {@code loss / (burst * (1 - loss))}, which makes the long-run loss rate {@code loss}. That
 *       needs {@code loss <= burst / (burst + 1)} (or exactly 1, which drops everything).
 *   <li>{@code rateMbps}: the bottleneck's rate in Mbit/s (10^6 bits per second; 0 = unlimited).
 *       Each datagram takes {@code len * 8 / rate} to serialize (payload bytes only, no IP/UDP
 *       headers) and waits for those ahead of it. {@code queuePackets} bounds that wait as a
 *       drop-tail queue: a datagram that arrives while {@code queuePackets} datagrams are waiting or
 *       being serialized is dropped (0 = unbounded). A queue needs a rate: without one nothing waits.
 *   <li>{@code delayNanos}, {@code jitterNanos}: one-way delay after the bottleneck, plus a uniform
 *       random extra in [0, jitter] drawn for each datagram. As with netem, jitter may reorder.
 *   <li>{@code reorder}: the probability that a datagram is held back by a further uniform random
 *       delay in (0, max(1 ms, delay)], so that datagrams sent after it may overtake it.
 *   <li>{@code duplicate}: the probability that a second copy is delivered too. The copy is made
 *       after the bottleneck (it takes no queue space) and draws its own jitter, reordering and
 *       corruption.
 *   <li>{@code corrupt}: the probability that one byte of a delivered copy, at a random position,
 *       is changed to a different value (empty datagrams are never corrupted).
 * </ol>
 *
 * <p>Built with {@link #builder()}: {@code Impairment.builder().loss(0.02).burst(4).delayMillis(15)
 * .jitterMillis(2).rateMbps(10).queue(25).build()}.
 */
public record Impairment(double loss, double burst, long delayNanos, long jitterNanos, double reorder,
                         double duplicate, double corrupt, double rateMbps, int queuePackets,
                         long blackoutUpNanos, long blackoutDownNanos) {

    /** A perfect link: every datagram delivered at once, intact, in order. */
    public static final Impairment NONE = new Impairment(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Checks every field; an IllegalArgumentException names the one that is wrong and why. */
    public Impairment {
        probability("loss", loss);
        probability("reorder", reorder);
        probability("duplicate", duplicate);
        probability("corrupt", corrupt);
        if (!(burst >= 0) || Double.isInfinite(burst)) {
            throw new IllegalArgumentException("burst must be a mean run length of losses >= 0 (1 or less: independent losses), got " + burst);
        }
        if (burst > 1 && loss < 1 && loss > burst / (burst + 1)) {
            throw new IllegalArgumentException("loss " + percent(loss) + " in bursts of " + number(burst)
                    + " is impossible: with bursts of " + number(burst) + " the loss rate can be at most "
                    + percent(burst / (burst + 1)) + " (or 100%)");
        }
        nonNegative("delay", delayNanos);
        nonNegative("jitter", jitterNanos);
        if (!(rateMbps >= 0) || Double.isInfinite(rateMbps)) {
            throw new IllegalArgumentException("rate must be >= 0 Mbit/s (0: unlimited), got " + rateMbps);
        }
        if (queuePackets < 0) throw new IllegalArgumentException("queue must be >= 0 packets (0: unbounded), got " + queuePackets);
        if (queuePackets > 0 && rateMbps == 0) {
            throw new IllegalArgumentException("a queue needs a rate: without one nothing waits in it (set rate, or queue 0)");
        }
        nonNegative("blackout up time", blackoutUpNanos);
        nonNegative("blackout down time", blackoutDownNanos);
        if ((blackoutUpNanos == 0) != (blackoutDownNanos == 0)) {
            throw new IllegalArgumentException("blackout needs both an up time and a down time above 0 (or both 0 for none), got up "
                    + millis(blackoutUpNanos) + ", down " + millis(blackoutDownNanos));
        }
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(name + " must be a probability in [0, 1], got " + p);
    }

    private static void nonNegative(String name, long nanos) {
        if (nanos < 0) throw new IllegalArgumentException(name + " must be >= 0, got " + nanos + " ns");
    }

    public static Builder builder() { return new Builder(); }

    /** A builder holding this impairment's values, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.loss = loss;
        b.burst = burst;
        b.delayNanos = delayNanos;
        b.jitterNanos = jitterNanos;
        b.reorder = reorder;
        b.duplicate = duplicate;
        b.corrupt = corrupt;
        b.rateMbps = rateMbps;
        b.queuePackets = queuePackets;
        b.blackoutUpNanos = blackoutUpNanos;
        b.blackoutDownNanos = blackoutDownNanos;
        return b;
    }

    /** True for {@link #NONE} and anything equal to it. */
    public boolean isNone() { return equals(NONE); }

    /** The blackout cycle's length (up plus down), 0 without blackouts. */
    public long blackoutPeriodNanos() { return blackoutUpNanos + blackoutDownNanos; }

    /**
     * One line for people: {@code loss 2% (bursts of 4), delay 15 ms + jitter up to 2 ms, rate 10
     * Mbit/s, queue 25}; {@code no impairment} for {@link #NONE}.
     */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (loss > 0) parts.add("loss " + percent(loss) + (burst > 1 ? " (bursts of " + number(burst) + ")" : ""));
        if (delayNanos > 0 || jitterNanos > 0) {
            parts.add("delay " + millis(delayNanos) + (jitterNanos > 0 ? " + jitter up to " + millis(jitterNanos) : ""));
        }
        if (reorder > 0) parts.add("reorder " + percent(reorder));
        if (duplicate > 0) parts.add("duplicate " + percent(duplicate));
        if (corrupt > 0) parts.add("corrupt " + percent(corrupt));
        if (rateMbps > 0) parts.add("rate " + number(rateMbps) + " Mbit/s");
        if (queuePackets > 0) parts.add("queue " + queuePackets);
        if (blackoutUpNanos > 0) parts.add("blackout " + millis(blackoutDownNanos) + " every " + millis(blackoutPeriodNanos()));
        return parts.isEmpty() ? "no impairment" : String.join(", ", parts);
    }

    static String percent(double p) { return number(p * 100) + "%"; }

    static String millis(long nanos) { return number(nanos / 1e6) + " ms"; }

    /** Up to four decimals, without trailing zeros: 2, 0.5, 12.3456. */
    static String number(double d) {
        BigDecimal b = new BigDecimal(d).setScale(4, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros();
        return b.scale() < 0 ? b.setScale(0).toPlainString() : b.toPlainString();
    }

    /** Fluent construction; {@link #build()} validates. Every setter may be called in any order. */
    public static final class Builder {
        private double loss;
        private double burst;
        private long delayNanos;
        private long jitterNanos;
        private double reorder;
        private double duplicate;
        private double corrupt;
        private double rateMbps;
        private int queuePackets;
        private long blackoutUpNanos;
        private long blackoutDownNanos;

        private Builder() {}

        /** Average loss probability. */
        public Builder loss(double p) { loss = p; return this; }

        /** Mean length of a run of losses, in datagrams; 1 or less: independent losses. */
        public Builder burst(double meanRunLength) { burst = meanRunLength; return this; }

        public Builder delay(Duration d) { delayNanos = d.toNanos(); return this; }

        public Builder delayMillis(double ms) { delayNanos = millisToNanos("delay", ms); return this; }

        public Builder delayNanos(long nanos) { delayNanos = nanos; return this; }

        /** The largest random extra delay; each datagram gets a uniform extra in [0, jitter]. */
        public Builder jitter(Duration d) { jitterNanos = d.toNanos(); return this; }

        public Builder jitterMillis(double ms) { jitterNanos = millisToNanos("jitter", ms); return this; }

        public Builder jitterNanos(long nanos) { jitterNanos = nanos; return this; }

        /** Probability that a datagram is held back so that later ones overtake it. */
        public Builder reorder(double p) { reorder = p; return this; }

        /** Probability that a second copy is delivered. */
        public Builder duplicate(double p) { duplicate = p; return this; }

        /** Probability that one byte of a delivered copy is changed. */
        public Builder corrupt(double p) { corrupt = p; return this; }

        /** Bottleneck rate in Mbit/s; 0: unlimited. */
        public Builder rateMbps(double mbps) { rateMbps = mbps; return this; }

        /** Drop-tail queue limit in datagrams (needs a rate); 0: unbounded. */
        public Builder queue(int packets) { queuePackets = packets; return this; }

        /** Up for {@code up}, then down (dropping everything) for {@code down}, repeating from time 0. */
        public Builder blackout(Duration up, Duration down) {
            blackoutUpNanos = up.toNanos();
            blackoutDownNanos = down.toNanos();
            return this;
        }

        public Impairment build() {
            return new Impairment(loss, burst, delayNanos, jitterNanos, reorder, duplicate, corrupt, rateMbps,
                    queuePackets, blackoutUpNanos, blackoutDownNanos);
        }

        private static long millisToNanos(String name, double ms) {
            if (!(ms >= 0) || ms > Long.MAX_VALUE / 1e6) throw new IllegalArgumentException(name + " must be >= 0 ms, got " + ms);
            return Math.round(ms * 1e6);
        }
    }
}
