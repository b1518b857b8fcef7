package org.jsock.rudp.cc;

import java.util.ArrayDeque;

/**
 * The largest value seen over a sliding window of time, where "time" is whatever the caller counts in
 * (BBR counts round trips). Exact, not an approximation: it keeps the samples that may still become the
 * maximum, one per time at most, with values falling from the oldest to the newest. So it holds at most
 * {@code window + 1} entries, however many samples arrive.
 */
final class WindowedMaxFilter {
    private final long window;
    /** {time, value} pairs: times rising, values falling, from first to last. */
    private final ArrayDeque<long[]> candidates = new ArrayDeque<>();

    /** @param window how long a sample counts: one taken at {@code t} is forgotten at {@code t + window} */
    WindowedMaxFilter(long window) {
        if (window <= 0) throw new IllegalArgumentException("filter window must be positive: " + window);
        this.window = window;
    }

    /**
     * Adds a sample taken at {@code time} (never earlier than the previous one) and returns the maximum of
     * the samples taken after {@code time - window}.
     */
    long update(long time, long value) {
        long[] newest = candidates.peekLast();
        if (newest != null && time < newest[0]) {
            throw new IllegalArgumentException("filter time went back from " + newest[0] + " to " + time);
        }
        // An older sample no larger than this one can never be the maximum again: it expires first.
        while (!candidates.isEmpty() && candidates.peekLast()[1] <= value) candidates.pollLast();
        newest = candidates.peekLast();
        // A smaller sample of the same time expires with the larger one before it: never the maximum.
        if (newest == null || newest[0] != time) candidates.addLast(new long[] {time, value});
        while (candidates.peekFirst()[0] <= time - window) candidates.pollFirst();
        return best();
    }

    /** The maximum as of the last update; 0 before any sample. */
    long best() { return candidates.isEmpty() ? 0 : candidates.peekFirst()[1]; }

    /** Samples kept: for tests of the bound. */
    int size() { return candidates.size(); }
}
