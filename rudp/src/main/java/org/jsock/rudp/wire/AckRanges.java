package org.jsock.rudp.wire;

import java.util.Arrays;

/**
 * The packet numbers an ACK frame acknowledges: disjoint ranges {@code [smallest(i), largest(i)]},
 * highest first, with at least one packet missing between neighbours. Immutable.
 */
public final class AckRanges {
    private final long[] smallest;
    private final long[] largest;

    private AckRanges(long[] smallest, long[] largest) {
        this.smallest = smallest;
        this.largest = largest;
    }

    /**
     * Ranges from pairs {@code smallest0, largest0, smallest1, largest1, ...}, highest first.
     *
     * @throws IllegalArgumentException if a range is empty or negative, or ranges touch or are out of order
     */
    public static AckRanges of(long... pairs) {
        if (pairs.length == 0 || pairs.length % 2 != 0) throw new IllegalArgumentException("need pairs of smallest, largest");
        int n = pairs.length / 2;
        long[] lo = new long[n], hi = new long[n];
        for (int i = 0; i < n; i++) {
            lo[i] = pairs[2 * i];
            hi[i] = pairs[2 * i + 1];
            if (lo[i] < 0 || lo[i] > hi[i]) throw new IllegalArgumentException("bad range [" + lo[i] + ", " + hi[i] + "]");
            if (i > 0 && hi[i] >= lo[i - 1] - 1) throw new IllegalArgumentException("ranges must descend with a gap");
        }
        return new AckRanges(lo, hi);
    }

    /** One range. */
    public static AckRanges range(long smallest, long largest) { return of(smallest, largest); }

    public int count() { return smallest.length; }

    public long smallest(int i) { return smallest[i]; }

    public long largest(int i) { return largest[i]; }

    /** The largest packet number acknowledged. */
    public long largest() { return largest[0]; }

    /** The smallest packet number acknowledged. */
    public long smallest() { return smallest[smallest.length - 1]; }

    public boolean contains(long pn) {
        // Ranges descend: binary search on largest.
        int lo = 0, hi = smallest.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (pn > largest[mid]) hi = mid - 1;
            else if (pn < smallest[mid]) lo = mid + 1;
            else return true;
        }
        return false;
    }

    /** The first {@code n} ranges (the highest): what fits when a packet cannot carry them all. */
    public AckRanges first(int n) {
        if (n >= smallest.length) return this;
        if (n < 1) throw new IllegalArgumentException("at least one range");
        return new AckRanges(Arrays.copyOf(smallest, n), Arrays.copyOf(largest, n));
    }

    /** The most ranges one ACK frame carries: Range Count (16 bits) counts the ranges after the first. */
    public static final int MAX_WIRE_RANGES = 0x10000;
    /** The most packets a range covers, and the longest gap, on the wire: those fields are 32 bits. */
    public static final long MAX_WIRE_SPAN = 0xFFFF_FFFFL;

    /**
     * These ranges cut to what one ACK frame can carry (this object when they fit, the usual case): at most
     * {@link #MAX_WIRE_RANGES} ranges, none longer than {@link #MAX_WIRE_SPAN} packets, no gap longer than that.
     * The highest packets are kept: a range that is too long loses its lowest packets and ends the list, a gap
     * that is too long ends the list before it.
     */
    public AckRanges clippedToWire() {
        int n = Math.min(smallest.length, MAX_WIRE_RANGES);
        for (int i = 0; i < n; i++) {
            if (i > 0 && smallest[i - 1] - largest[i] > MAX_WIRE_SPAN + 1) {
                n = i;
                break;
            }
            if (largest[i] - smallest[i] >= MAX_WIRE_SPAN) {
                long[] lo = Arrays.copyOf(smallest, i + 1), hi = Arrays.copyOf(largest, i + 1);
                lo[i] = hi[i] - MAX_WIRE_SPAN + 1;
                return new AckRanges(lo, hi);
            }
        }
        return first(n);
    }

    @Override public boolean equals(Object o) {
        return o instanceof AckRanges a && Arrays.equals(smallest, a.smallest) && Arrays.equals(largest, a.largest);
    }

    @Override public int hashCode() { return Arrays.hashCode(smallest) * 31 + Arrays.hashCode(largest); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < smallest.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(smallest[i]);
            if (largest[i] != smallest[i]) sb.append("..").append(largest[i]);
        }
        return sb.append(']').toString();
    }
}
