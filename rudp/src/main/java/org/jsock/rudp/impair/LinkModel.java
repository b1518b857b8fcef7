package org.jsock.rudp.impair;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One direction of an impaired link: given the time a datagram is offered, decides whether it
 * arrives, when, how many times, and whether damaged, as its {@link Impairment} describes (see
 * there for each step and its order).
 *
 * <p>Reproducible: the same seed and the same sequence of offers (times and lengths) give the same
 * deliveries, byte for byte. Each impairment draws from its own random stream split from the seed,
 * so that adding, say, jitter does not change which datagrams are lost. Times are virtual
 * nanoseconds chosen by the caller; they must not go backwards from one offer to the next.
 *
 * <p>Thread-safe: {@link #offer} and {@link #stats} may be called from different threads (the
 * relay's loop offers while a test reads the statistics).
 */
public final class LinkModel {
    /** The least extra delay a reordered datagram may get, when the link's own delay is smaller. */
    static final long MIN_REORDER_SPAN_NANOS = 1_000_000;

    /** A copy to deliver at {@code atNanos}; {@code data} is a private copy, the receiver's to keep. */
    public record Delivery(long atNanos, byte[] data) {
        public Delivery {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public String toString() { return "Delivery[at " + atNanos + " ns, " + data.length + " bytes]"; }
    }

    private final Impairment impairment;
    private final SplittableRandom lossRandom;
    private final SplittableRandom delayRandom;
    private final SplittableRandom reorderRandom;
    private final SplittableRandom duplicateRandom;
    private final SplittableRandom corruptRandom;
    /** Gilbert-Elliott: the probabilities of entering and leaving the bad (all-lost) state. */
    private final double enterBad;
    private final double leaveBad;
    private boolean bad;
    /** When the bottleneck finishes serializing the last datagram it accepted. */
    private long linkFreeAt;
    /**
     * With a queue limit: when each accepted datagram still in the bottleneck leaves it, oldest
     * first, as a ring. Those that have left by now are removed before a new one is counted.
     */
    private final long[] departures;
    private int departuresHead;
    private int departuresSize;
    private final LinkStats stats = new LinkStats();

    public LinkModel(Impairment impairment, long seed) {
        this.impairment = Objects.requireNonNull(impairment, "impairment");
        SplittableRandom root = new SplittableRandom(seed);
        lossRandom = root.split();
        delayRandom = root.split();
        reorderRandom = root.split();
        duplicateRandom = root.split();
        corruptRandom = root.split();
        if (impairment.burst() > 1 && impairment.loss() < 1) {
            leaveBad = 1 / impairment.burst();
            enterBad = impairment.loss() / (impairment.burst() * (1 - impairment.loss()));
        } else {
            leaveBad = 0;
            enterBad = 0;
        }
        departures = new long[impairment.queuePackets()];
    }

    public Impairment impairment() { return impairment; }

    /**
     * Offers the datagram {@code data[off, off+len)} at {@code nowNanos} and returns its deliveries
     * in the order they were made (the original, then a duplicate): none if it was dropped, two if
     * duplicated. Each delivery's array is a fresh copy; {@code data} is not kept.
     */
    public synchronized List<Delivery> offer(long nowNanos, byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        stats.offered++;
        stats.bytesOffered += len;
        if (inBlackout(nowNanos)) {
            stats.blackoutDropped++;
            return List.of();
        }
        if (lose()) {
            stats.lost++;
            return List.of();
        }
        long departure = nowNanos;
        if (impairment.rateMbps() > 0) {
            if (queueFull(nowNanos)) {
                stats.queueDropped++;
                return List.of();
            }
            departure = Math.max(nowNanos, linkFreeAt) + serializationNanos(len);
            linkFreeAt = departure;
            if (departures.length > 0) {
                departures[(departuresHead + departuresSize) % departures.length] = departure;
                departuresSize++;
            }
        }
        Delivery first = copy(departure, data, off, len);
        if (impairment.duplicate() > 0 && duplicateRandom.nextDouble() < impairment.duplicate()) {
            stats.duplicated++;
            return List.of(first, copy(departure, data, off, len));
        }
        return List.of(first);
    }

    /** A snapshot of the counters. */
    public synchronized LinkStats stats() { return stats.copy(); }

    /** How long the bottleneck takes to put {@code len} bytes on the wire. */
    long serializationNanos(int len) {
        return Math.round(len * 8_000.0 / impairment.rateMbps());
    }

    private boolean inBlackout(long now) {
        long period = impairment.blackoutPeriodNanos();
        return period > 0 && Math.floorMod(now, period) >= impairment.blackoutUpNanos();
    }

    private boolean lose() {
        double loss = impairment.loss();
        if (loss == 0) return false;
        if (loss >= 1) return true;
        if (leaveBad == 0) return lossRandom.nextDouble() < loss;
        // One step of the chain per datagram, then the state decides.
        if (bad) {
            if (lossRandom.nextDouble() < leaveBad) bad = false;
        } else if (lossRandom.nextDouble() < enterBad) {
            bad = true;
        }
        return bad;
    }

    /** Drop-tail: full when queuePackets datagrams have not yet left the bottleneck by now. */
    private boolean queueFull(long now) {
        if (departures.length == 0) return false;
        while (departuresSize > 0 && departures[departuresHead] <= now) {
            departuresHead = (departuresHead + 1) % departures.length;
            departuresSize--;
        }
        return departuresSize >= departures.length;
    }

    /** One delivered copy: its own jitter, reordering and corruption. */
    private Delivery copy(long departure, byte[] data, int off, int len) {
        long at = departure + impairment.delayNanos();
        if (impairment.jitterNanos() > 0) at += delayRandom.nextLong(impairment.jitterNanos() + 1);
        if (impairment.reorder() > 0 && reorderRandom.nextDouble() < impairment.reorder()) {
            long span = Math.max(MIN_REORDER_SPAN_NANOS, impairment.delayNanos());
            at += 1 + reorderRandom.nextLong(span);
            stats.reordered++;
        }
        byte[] copy = Arrays.copyOfRange(data, off, off + len);
        if (len > 0 && impairment.corrupt() > 0 && corruptRandom.nextDouble() < impairment.corrupt()) {
            // XOR with 1..255: the byte always ends up different.
            copy[corruptRandom.nextInt(len)] ^= (byte) (1 + corruptRandom.nextInt(255));
            stats.corrupted++;
        }
        stats.delivered++;
        stats.bytesDelivered += len;
        return new Delivery(at, copy);
    }
}
