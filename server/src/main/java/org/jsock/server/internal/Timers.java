package org.jsock.server.internal;

import java.util.PriorityQueue;

/**
 * A timer heap for one event loop. The loop sleeps until the earliest deadline, so with no timers
 * it sleeps until I/O arrives: unused timers cost nothing. Cancelled timers are dropped lazily.
 */
final class Timers {
    /** A scheduled action; {@link #cancel} stops it. Touched only by the loop thread. */
    static final class Timer implements Comparable<Timer> {
        final long deadline;
        final Runnable action;
        boolean cancelled;

        Timer(long deadline, Runnable action) {
            this.deadline = deadline;
            this.action = action;
        }

        void cancel() { cancelled = true; }

        @Override public int compareTo(Timer o) { return Long.compare(deadline, o.deadline); }
    }

    private final PriorityQueue<Timer> heap = new PriorityQueue<>();

    Timer schedule(long deadlineNanos, Runnable action) {
        Timer t = new Timer(deadlineNanos, action);
        heap.add(t);
        return t;
    }

    /** Milliseconds until the next deadline (rounded up), or -1 when there is none. */
    int timeoutMillis(long now) {
        Timer t;
        while ((t = heap.peek()) != null && t.cancelled) heap.poll();
        if (t == null) return -1;
        long ns = t.deadline - now;
        if (ns <= 0) return 0;
        return (int) Math.min(Integer.MAX_VALUE, (ns + 999_999) / 1_000_000);
    }

    /** Runs every timer whose deadline has passed. */
    void runDue(long now) {
        Timer t;
        while ((t = heap.peek()) != null && (t.cancelled || t.deadline <= now)) {
            heap.poll();
            if (!t.cancelled) t.action.run();
        }
    }

    boolean isEmpty() { return heap.isEmpty(); }
}
