package org.jsock.rudp.conn;

import java.util.Map;
import java.util.TreeMap;

/**
 * A set of half-open ranges {@code [start, end)} of stream offsets, merged when they touch. Small and
 * sorted: what has been received out of order, what has been acknowledged, what must be sent again.
 */
final class RangeSet {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    boolean isEmpty() { return ranges.isEmpty(); }

    int size() { return ranges.size(); }

    void add(long start, long end) {
        if (start >= end) return;
        Map.Entry<Long, Long> below = ranges.floorEntry(start);
        if (below != null && below.getValue() >= start) {
            if (below.getValue() >= end) return;
            start = below.getKey();
        }
        // Swallow every range that starts inside the new one.
        Map.Entry<Long, Long> next;
        while ((next = ranges.ceilingEntry(start)) != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            ranges.remove(next.getKey());
        }
        ranges.put(start, end);
    }

    void remove(long start, long end) {
        if (start >= end) return;
        Map.Entry<Long, Long> below = ranges.lowerEntry(start);
        if (below != null && below.getValue() > start) {
            ranges.put(below.getKey(), start);
            if (below.getValue() > end) ranges.put(end, below.getValue());
        }
        Map.Entry<Long, Long> e;
        while ((e = ranges.ceilingEntry(start)) != null && e.getKey() < end) {
            ranges.remove(e.getKey());
            if (e.getValue() > end) ranges.put(end, e.getValue());
        }
    }

    /** True if every offset of {@code [start, end)} is in the set. */
    boolean containsAll(long start, long end) {
        Map.Entry<Long, Long> e = ranges.floorEntry(start);
        return e != null && e.getValue() >= end;
    }

    /** The end of the range that contains {@code offset}, or {@code offset} if none does. */
    long contiguousEnd(long offset) {
        Map.Entry<Long, Long> e = ranges.floorEntry(offset);
        return e != null && e.getValue() > offset ? e.getValue() : offset;
    }

    /** The lowest range, or null. */
    long[] first() {
        Map.Entry<Long, Long> e = ranges.firstEntry();
        return e == null ? null : new long[] {e.getKey(), e.getValue()};
    }

    /** The parts of the set that fall inside {@code [start, end)}, lowest first. */
    java.util.List<long[]> overlapping(long start, long end) {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        Map.Entry<Long, Long> below = ranges.lowerEntry(start);
        if (below != null && below.getValue() > start) out.add(new long[] {start, Math.min(end, below.getValue())});
        for (Map.Entry<Long, Long> e : ranges.subMap(start, true, end, false).entrySet()) {
            out.add(new long[] {e.getKey(), Math.min(end, e.getValue())});
        }
        return out;
    }

    /** Drops everything below {@code offset}. */
    void removeBelow(long offset) { remove(Long.MIN_VALUE, offset); }

    long totalLength() {
        long n = 0;
        for (Map.Entry<Long, Long> e : ranges.entrySet()) n += e.getValue() - e.getKey();
        return n;
    }

    @Override public String toString() { return ranges.toString(); }
}
