package org.jsock.rudp.sim;

import org.jsock.net.SockAddr;
import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.impair.LinkModel;
import org.jsock.rudp.impair.LinkStats;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A deterministic simulated network: hosts ({@link SimHost}) at addresses, impaired links between
 * them ({@link LinkModel}), and a virtual clock in nanoseconds that starts at 0.
 *
 * <p>Nothing happens until {@link #runUntil} runs events in time order: datagram arrivals, host
 * timers and scheduled tasks. Events at the same time run in the order they were created. After
 * every call into a host and after every task, the network reads the host's
 * {@link SimHost#nextTimer()} again (after a task: every host's, in the order they were attached)
 * and keeps exactly one timer event for it; an event made stale by a later answer is skipped. A
 * timer never fires before the time the host asked for, and the clock never goes backwards.
 *
 * <p>A run is exactly reproducible from its seed: each direction of each link has its own
 * {@link LinkModel}, seeded from the network's seed and the two addresses (not from the order in
 * which links were made), and no wall clock, unseeded randomness or hash-order iteration is used.
 *
 * <p>Single-threaded: every method is to be called from the thread running the simulation (hosts
 * call {@link #send} from their callbacks; tests set up and call {@link #runUntil}).
 */
public final class SimNetwork {
    /** A host timer firing this many times at one virtual instant is spinning: it would never end. */
    static final int MAX_TIMERS_AT_ONE_INSTANT = 100_000;

    private final long seed;
    private long now;
    private long nextSeq;
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    // Maps are only looked up, never iterated: iteration goes through attachOrder.
    private final Map<SockAddr, Attached> hosts = new HashMap<>();
    private final List<Attached> attachOrder = new ArrayList<>();
    private final Map<Direction, Link> links = new HashMap<>();
    private Impairment defaultImpairment = Impairment.NONE;
    private long eventsProcessed;
    private long undeliverable;
    private boolean running;
    private Consumer<String> tracer;

    public SimNetwork(long seed) {
        this.seed = seed;
    }

    /** The virtual time in nanoseconds. */
    public long now() { return now; }

    public long seed() { return seed; }

    /** Puts {@code host} at {@code address} and reads its first {@link SimHost#nextTimer()}. */
    public void attach(SockAddr address, SimHost host) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
        if (hosts.containsKey(address)) throw new IllegalArgumentException("a host is already attached at " + address);
        Attached a = new Attached(address, host);
        hosts.put(address, a);
        attachOrder.add(a);
        reschedule(a);
    }

    /**
     * Takes the host at {@code address} off the network (a crash, say): its timers stop, and
     * datagrams that arrive for it from now on are dropped as {@link #undeliverable()}.
     */
    public void detach(SockAddr address) {
        Attached a = hosts.remove(address);
        if (a == null) throw new IllegalArgumentException("no host is attached at " + address);
        attachOrder.remove(a);
        a.generation++;
        a.scheduledAt = Long.MAX_VALUE;
    }

    /**
     * Sets both directions between {@code a} and {@code b}. Each gets a fresh LinkModel (its
     * counters and queue start again if the link existed).
     */
    public void link(SockAddr a, SockAddr b, Impairment aToB, Impairment bToA) {
        Objects.requireNonNull(aToB, "aToB");
        Objects.requireNonNull(bToA, "bToA");
        Direction ab = new Direction(a, b);
        Direction ba = new Direction(b, a);
        links.put(ab, new Link(new LinkModel(aToB, seedFor(ab)), true));
        links.put(ba, new Link(new LinkModel(bToA, seedFor(ba)), true));
    }

    /** The same impairment both ways between {@code a} and {@code b}. */
    public void link(SockAddr a, SockAddr b, Impairment both) {
        link(a, b, both, both);
    }

    /**
     * The impairment of every pair not set with {@link #link}; {@link Impairment#NONE} at first.
     * Links already made from the old default start again with the new one.
     */
    public void defaultLink(Impairment impairment) {
        defaultImpairment = Objects.requireNonNull(impairment, "impairment");
        links.values().removeIf(l -> !l.explicit);
    }

    /**
     * Sends the datagram {@code data[off, off+len)} from {@code from} to {@code to} now, through the
     * link between them. A datagram that reaches an address with no host is dropped and counted in
     * {@link #undeliverable()}.
     */
    public void send(SockAddr from, SockAddr to, byte[] data, int off, int len) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        List<LinkModel.Delivery> out = link(from, to).model.offer(now, data, off, len);
        if (tracer != null) {
            StringBuilder line = new StringBuilder().append(time(now)).append(" send ").append(from).append(" -> ").append(to)
                    .append(' ').append(len).append(" B");
            if (out.isEmpty()) line.append(": dropped");
            for (LinkModel.Delivery d : out) line.append(": arrives ").append(time(d.atNanos()));
            tracer.accept(line.toString());
        }
        for (LinkModel.Delivery d : out) push(new Arrival(d.atNanos(), from, to, d.data()));
    }

    /** Runs {@code task} at virtual time {@code atNanos} (not before now); then every host's timer is read again. */
    public void schedule(long atNanos, Runnable task) {
        Objects.requireNonNull(task, "task");
        if (atNanos < now) throw new IllegalArgumentException("cannot schedule at " + atNanos + " ns: it is already " + now + " ns");
        push(new Task(atNanos, task));
    }

    /** Reads the host's {@link SimHost#nextTimer()} again, after its state changed outside a callback. */
    public void wake(SockAddr host) {
        Attached a = hosts.get(host);
        if (a == null) throw new IllegalArgumentException("no host is attached at " + host);
        reschedule(a);
    }

    /**
     * Runs events in time order (ties: in the order they were made) until {@code done} holds (it is
     * checked before each event; the clock stays at the last event's time), or the next event is
     * later than {@code deadlineNanos}, or no events are left. In those two cases the clock moves on
     * to the deadline, unless it is {@code Long.MAX_VALUE}. Returns {@code done.getAsBoolean()}.
     */
    public boolean runUntil(BooleanSupplier done, long deadlineNanos) {
        if (running) throw new IllegalStateException("runUntil called from inside the simulation");
        running = true;
        try {
            while (!done.getAsBoolean()) {
                Event e = events.peek();
                if (e == null || e.at > deadlineNanos) {
                    // Time passes until the deadline, unless that is "never".
                    if (deadlineNanos != Long.MAX_VALUE && deadlineNanos > now) now = deadlineNanos;
                    break;
                }
                events.poll();
                if (e instanceof Timer t && t.generation != t.host.generation) continue; // superseded
                now = Math.max(now, e.at);
                if (e.run()) eventsProcessed++;
            }
            return done.getAsBoolean();
        } finally {
            running = false;
        }
    }

    /** The counters of the link from {@code from} to {@code to} (making it, with the default impairment, if new). */
    public LinkStats stats(SockAddr from, SockAddr to) {
        return link(from, to).model.stats();
    }

    /** Events run so far (arrivals, timers that fired, tasks); superseded or moved timers are not counted. */
    public long eventsProcessed() { return eventsProcessed; }

    /** Datagrams that arrived at an address with no host, and were dropped. */
    public long undeliverable() { return undeliverable; }

    /** Events waiting, superseded timers included. */
    public int pendingEvents() { return events.size(); }

    /**
     * Receives one line per send and per event, for debugging and for checking that two runs are
     * the same: {@code 0.015000960 deliver 10.0.0.1:1 -> 10.0.0.2:2 1200 B}. Null: no trace.
     */
    public void trace(Consumer<String> sink) { this.tracer = sink; }

    // ---- inside ------------------------------------------------------------------------------

    private Link link(SockAddr from, SockAddr to) {
        Direction d = new Direction(from, to);
        Link l = links.get(d);
        if (l == null) {
            l = new Link(new LinkModel(defaultImpairment, seedFor(d)), false);
            links.put(d, l);
        }
        return l;
    }

    /** The network's seed mixed with a stable hash of the two addresses' text. */
    private long seedFor(Direction d) {
        long h = 0xcbf29ce484222325L; // FNV-1a, 64 bits
        for (byte b : (d.from + " -> " + d.to).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return new SplittableRandom(seed ^ h).nextLong();
    }

    private void push(Event e) {
        e.seq = nextSeq++;
        events.add(e);
    }

    /** Keeps exactly one timer event for the host, at the time it now asks for. */
    private void reschedule(Attached a) {
        if (hosts.get(a.address) != a) return; // detached during its own callback
        long wanted = a.host.nextTimer();
        if (wanted == Long.MAX_VALUE) {
            if (a.scheduledAt != Long.MAX_VALUE) {
                a.generation++;
                a.scheduledAt = Long.MAX_VALUE;
            }
            return;
        }
        long at = Math.max(wanted, now);
        if (at == a.scheduledAt) return;
        a.generation++;
        a.scheduledAt = at;
        push(new Timer(at, a, a.generation));
    }

    private static String time(long nanos) {
        return String.format("%d.%09d", nanos / 1_000_000_000, nanos % 1_000_000_000);
    }

    private record Direction(SockAddr from, SockAddr to) {}

    private record Link(LinkModel model, boolean explicit) {}

    private static final class Attached {
        final SockAddr address;
        final SimHost host;
        long generation;
        long scheduledAt = Long.MAX_VALUE;
        long lastFiredAt = -1;
        int firedAtSameInstant;

        Attached(SockAddr address, SimHost host) {
            this.address = address;
            this.host = host;
        }
    }

    private abstract static class Event {
        final long at;
        long seq;

        Event(long at) { this.at = at; }

        /** Returns false when the event turned out to have nothing to do (a timer the host had moved). */
        abstract boolean run();
    }

    private final class Arrival extends Event {
        final SockAddr from;
        final SockAddr to;
        final byte[] data;

        Arrival(long at, SockAddr from, SockAddr to, byte[] data) {
            super(at);
            this.from = from;
            this.to = to;
            this.data = data;
        }

        @Override
        boolean run() {
            Attached a = hosts.get(to);
            if (a == null) {
                undeliverable++;
                if (tracer != null) tracer.accept(time(now) + " drop " + from + " -> " + to + " " + data.length + " B: no host there");
                return true;
            }
            if (tracer != null) tracer.accept(time(now) + " deliver " + from + " -> " + to + " " + data.length + " B");
            a.host.onDatagram(now, from, ByteBuffer.wrap(data));
            reschedule(a);
            return true;
        }
    }

    private final class Timer extends Event {
        final Attached host;
        final long generation;

        Timer(long at, Attached host, long generation) {
            super(at);
            this.host = host;
            this.generation = generation;
        }

        @Override
        boolean run() {
            Attached a = host;
            a.scheduledAt = Long.MAX_VALUE; // this event is used up
            if (a.host.nextTimer() > now) {
                // The host moved its timer later without a wake: never fire early.
                reschedule(a);
                return false;
            }
            if (a.lastFiredAt == now) {
                if (++a.firedAtSameInstant >= MAX_TIMERS_AT_ONE_INSTANT) {
                    throw new IllegalStateException("host at " + a.address + " asked for its timer " + MAX_TIMERS_AT_ONE_INSTANT
                            + " times at " + time(now) + " s without time passing: its nextTimer() stays due after onTimer()");
                }
            } else {
                a.lastFiredAt = now;
                a.firedAtSameInstant = 0;
            }
            if (tracer != null) tracer.accept(time(now) + " timer " + a.address);
            a.host.onTimer(now);
            reschedule(a);
            return true;
        }
    }

    private final class Task extends Event {
        final Runnable task;

        Task(long at, Runnable task) {
            super(at);
            this.task = task;
        }

        @Override
        boolean run() {
            if (tracer != null) tracer.accept(time(now) + " task");
            task.run();
            // The task may have changed any host (the application wrote data, say).
            for (Attached a : List.copyOf(attachOrder)) reschedule(a);
            return true;
        }
    }
}
