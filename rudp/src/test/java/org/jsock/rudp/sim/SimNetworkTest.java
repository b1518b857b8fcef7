package org.jsock.rudp.sim;

import org.jsock.net.SockAddr;
import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.impair.LinkStats;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator's contract: events in time order, ties in creation order, timers exactly when
 * asked and never before, stale timers skipped, wake, the deadline, datagrams to nobody, and runs
 * that repeat exactly for a seed.
 */
class SimNetworkTest {
    private static final long MS = 1_000_000;
    private static final SockAddr A = new SockAddr.Inet4(0x0a000001, 1001);
    private static final SockAddr B = new SockAddr.Inet4(0x0a000002, 1002);
    private static final SockAddr C = new SockAddr.Inet4(0x0a000003, 1003);
    private static final SockAddr NOBODY = new SockAddr.Inet4(0x0a000009, 9);

    /** Records what happens to it; its timer is whatever the test sets. */
    private static final class Recorder implements SimHost {
        final List<String> log = new ArrayList<>();
        final List<Long> arrivals = new ArrayList<>();
        final List<Long> fired = new ArrayList<>();
        long timer = Long.MAX_VALUE;
        /** What to set the timer to when a datagram arrives (MIN_VALUE: leave it). */
        long timerOnDatagram = Long.MIN_VALUE;
        long lastNow = -1;

        @Override
        public void onDatagram(long now, SockAddr from, ByteBuffer data) {
            checkClock(now);
            arrivals.add(now);
            log.add(now + " from " + from + ": " + StandardCharsets.UTF_8.decode(data));
            if (timerOnDatagram != Long.MIN_VALUE) timer = timerOnDatagram;
        }

        @Override public long nextTimer() { return timer; }

        @Override
        public void onTimer(long now) {
            checkClock(now);
            assertTrue(now >= timer, "timer fired at " + now + ", before its time " + timer);
            fired.add(now);
            timer = Long.MAX_VALUE;
        }

        private void checkClock(long now) {
            assertTrue(now >= lastNow, "clock went back from " + lastNow + " to " + now);
            lastNow = now;
        }
    }

    private static byte[] text(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static void send(SimNetwork net, SockAddr from, SockAddr to, String s) {
        byte[] b = text(s);
        net.send(from, to, b, 0, b.length);
    }

    // ---- order -----------------------------------------------------------------------------------

    @Test
    void datagramsArriveInTimeOrderAfterTheirLinksDelay() {
        SimNetwork net = new SimNetwork(1);
        Recorder b = new Recorder();
        net.attach(B, b);
        net.link(A, B, Impairment.builder().delayMillis(10).build(), Impairment.NONE);
        net.link(C, B, Impairment.builder().delayMillis(1).build(), Impairment.NONE);
        net.schedule(0, () -> send(net, A, B, "slow"));
        net.schedule(2 * MS, () -> send(net, C, B, "fast"));
        net.schedule(4 * MS, () -> send(net, A, B, "slow again"));
        assertFalse(net.runUntil(() -> false, Long.MAX_VALUE), "runs out of events");
        assertEquals(List.of(3 * MS + " from " + C + ": fast", 10 * MS + " from " + A + ": slow",
                14 * MS + " from " + A + ": slow again"), b.log);
        assertEquals(14 * MS, net.now());
        assertEquals(6, net.eventsProcessed()); // three tasks, three arrivals
    }

    @Test
    void eventsAtTheSameTimeRunInTheOrderTheyWereMade() {
        SimNetwork net = new SimNetwork(1);
        Recorder b = new Recorder();
        net.attach(B, b);
        List<String> ran = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            net.schedule(MS, () -> ran.add("task " + n));
        }
        net.schedule(2 * MS, () -> {
            for (int i = 0; i < 5; i++) send(net, A, B, "d" + i);
        });
        net.runUntil(() -> false, Long.MAX_VALUE);
        assertEquals(List.of("task 0", "task 1", "task 2", "task 3", "task 4"), ran);
        assertEquals(List.of("d0", "d1", "d2", "d3", "d4"), b.log.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList());
        assertTrue(b.arrivals.stream().allMatch(t -> t == 2 * MS));
    }

    @Test
    void aTimerAndADatagramDueTogetherRunInTheOrderTheyWereMade() {
        SimNetwork net = new SimNetwork(1);
        List<String> order = new ArrayList<>();
        SimHost host = new SimHost() {
            long timer = 5 * MS; // asked for at attach, before the datagram below is sent

            @Override public void onDatagram(long now, SockAddr from, ByteBuffer data) { order.add("datagram at " + now); }

            @Override public long nextTimer() { return timer; }

            @Override public void onTimer(long now) {
                order.add("timer at " + now);
                timer = Long.MAX_VALUE;
            }
        };
        net.attach(B, host);
        net.link(A, B, Impairment.builder().delayMillis(5).build(), Impairment.NONE);
        send(net, A, B, "x");
        net.runUntil(() -> false, Long.MAX_VALUE);
        assertEquals(List.of("timer at " + 5 * MS, "datagram at " + 5 * MS), order);
    }

    // ---- timers ----------------------------------------------------------------------------------

    @Test
    void timersFireExactlyWhenAskedAndAreReadAgainAfterEachCallback() {
        SimNetwork net = new SimNetwork(1);
        List<Long> fired = new ArrayList<>();
        SimHost host = new SimHost() {
            final long[] schedule = {5 * MS, 7 * MS, 7 * MS + 1, 100 * MS};
            int next;

            @Override public void onDatagram(long now, SockAddr from, ByteBuffer data) {}

            @Override public long nextTimer() { return next < schedule.length ? schedule[next] : Long.MAX_VALUE; }

            @Override public void onTimer(long now) {
                fired.add(now);
                next++;
            }
        };
        net.attach(A, host);
        net.runUntil(() -> false, Long.MAX_VALUE);
        assertEquals(List.of(5 * MS, 7 * MS, 7 * MS + 1, 100 * MS), fired);
        assertEquals(100 * MS, net.now());
        assertEquals(4, net.eventsProcessed());
    }

    @Test
    void aTimerMovedByACallbackFiresOnlyAtItsNewTime() {
        for (long moved : new long[] {20 * MS, 4 * MS}) {
            SimNetwork net = new SimNetwork(1);
            Recorder b = new Recorder();
            b.timer = 10 * MS;
            b.timerOnDatagram = moved;
            net.attach(B, b);
            net.link(A, B, Impairment.builder().delayMillis(3).build(), Impairment.NONE);
            send(net, A, B, "move your timer");
            net.runUntil(() -> false, Long.MAX_VALUE);
            assertEquals(List.of(moved), b.fired, "the timer at 10 ms was superseded");
            assertEquals(2, net.eventsProcessed(), "the superseded timer is skipped, not counted");
        }
    }

    @Test
    void aTimerAskedForInThePastFiresNowAndTheClockDoesNotGoBack() {
        SimNetwork net = new SimNetwork(1);
        Recorder b = new Recorder();
        b.timerOnDatagram = 1 * MS; // already past when the datagram arrives at 5 ms
        net.attach(B, b);
        net.link(A, B, Impairment.builder().delayMillis(5).build(), Impairment.NONE);
        send(net, A, B, "late");
        net.runUntil(() -> false, Long.MAX_VALUE);
        assertEquals(List.of(5 * MS), b.fired);
        assertEquals(5 * MS, net.now());
    }

    @Test
    void wakeRereadsATimerChangedOutsideTheSimulation() {
        SimNetwork net = new SimNetwork(1);
        Recorder a = new Recorder();
        net.attach(A, a);
        net.runUntil(() -> false, 10 * MS);
        assertEquals(10 * MS, net.now(), "with nothing to do, time passes until the deadline");
        a.timer = 15 * MS; // the application changed the host's state directly
        net.runUntil(() -> false, 30 * MS);
        assertEquals(List.of(), a.fired, "without wake the network cannot know");
        a.timer = 40 * MS;
        net.wake(A);
        net.runUntil(() -> false, 100 * MS);
        assertEquals(List.of(40 * MS), a.fired);
        // Moved later without a wake, a timer is not fired early: it waits for the new time.
        a.timer = 120 * MS;
        net.wake(A);
        a.timer = 150 * MS;
        long before = net.eventsProcessed();
        net.runUntil(() -> false, 200 * MS);
        assertEquals(List.of(40 * MS, 150 * MS), a.fired);
        assertEquals(before + 1, net.eventsProcessed(), "the timer event at 120 ms found nothing due");
        assertThrows(IllegalArgumentException.class, () -> net.wake(NOBODY));
    }

    @Test
    void aScheduledTaskThatChangesAHostNeedsNoWake() {
        SimNetwork net = new SimNetwork(1);
        Recorder a = new Recorder();
        net.attach(A, a);
        net.schedule(3 * MS, () -> a.timer = 8 * MS);
        net.runUntil(() -> false, Long.MAX_VALUE);
        assertEquals(List.of(8 * MS), a.fired);
    }

    @Test
    void aHostWhoseTimerStaysDueIsStoppedWithAClearError() {
        SimNetwork net = new SimNetwork(1);
        net.attach(A, new SimHost() {
            @Override public void onDatagram(long now, SockAddr from, ByteBuffer data) {}
            @Override public long nextTimer() { return 0; }
            @Override public void onTimer(long now) {}
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.runUntil(() -> false, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("host at " + A), e.getMessage());
        assertTrue(e.getMessage().contains("without time passing"), e.getMessage());
    }

    // ---- runUntil --------------------------------------------------------------------------------

    @Test
    void runUntilStopsWhenDoneAtTheDeadlineOrWithNoEventsLeft() {
        SimNetwork net = new SimNetwork(1);
        Recorder b = new Recorder();
        net.attach(B, b);
        net.link(A, B, Impairment.builder().delayMillis(1).build(), Impairment.NONE);
        for (int i = 0; i < 10; i++) {
            int n = i;
            net.schedule(i * 10 * MS, () -> send(net, A, B, "m" + n));
        }
        assertTrue(net.runUntil(() -> b.arrivals.size() == 3, Long.MAX_VALUE));
        assertEquals(21 * MS, net.now(), "stops right after the event that made it done");
        assertFalse(net.runUntil(() -> b.arrivals.size() == 10, 55 * MS));
        assertEquals(55 * MS, net.now());
        assertEquals(6, b.arrivals.size());
        assertTrue(net.runUntil(() -> true, Long.MAX_VALUE), "done before any event: nothing runs");
        assertEquals(55 * MS, net.now());
        assertTrue(net.runUntil(() -> b.arrivals.size() == 10, Long.MAX_VALUE));
        assertFalse(net.runUntil(() -> false, Long.MAX_VALUE), "no events left");
        assertEquals(91 * MS, net.now(), "with no events left the clock stays where it is");
        assertThrows(IllegalArgumentException.class, () -> net.schedule(MS, () -> {}), "the past");
    }

    @Test
    void runUntilCannotBeCalledFromInsideTheSimulation() {
        SimNetwork net = new SimNetwork(1);
        net.schedule(0, () -> net.runUntil(() -> false, 1));
        assertThrows(IllegalStateException.class, () -> net.runUntil(() -> false, Long.MAX_VALUE));
    }

    // ---- addresses -------------------------------------------------------------------------------

    @Test
    void aDatagramToAnAddressWithNoHostIsDroppedAndCounted() {
        SimNetwork net = new SimNetwork(1);
        Recorder b = new Recorder();
        net.attach(B, b);
        net.schedule(0, () -> {
            send(net, A, NOBODY, "lost");
            send(net, A, B, "found");
        });
        net.runUntil(() -> false, Long.MAX_VALUE);
        assertEquals(1, net.undeliverable());
        assertEquals(1, b.arrivals.size());
        assertEquals(1, net.stats(A, NOBODY).offered(), "the link carried it; no one was there");
        assertThrows(IllegalArgumentException.class, () -> net.attach(B, new Recorder()));
    }

    @Test
    void aDetachedHostGetsNothingMore() {
        SimNetwork net = new SimNetwork(1);
        Recorder b = new Recorder();
        b.timer = 50 * MS;
        net.attach(B, b);
        net.link(A, B, Impairment.builder().delayMillis(10).build(), Impairment.NONE);
        net.schedule(0, () -> send(net, A, B, "in flight"));
        net.schedule(5 * MS, () -> net.detach(B));
        net.runUntil(() -> false, Long.MAX_VALUE);
        assertEquals(List.of(), b.arrivals);
        assertEquals(List.of(), b.fired);
        assertEquals(1, net.undeliverable());
    }

    @Test
    void duplicatesAreSeparateBuffersAndLinksAreDirectional() {
        SimNetwork net = new SimNetwork(1);
        List<ByteBuffer> got = new ArrayList<>();
        net.attach(B, new SimHost() {
            @Override public void onDatagram(long now, SockAddr from, ByteBuffer data) { got.add(data); }
            @Override public long nextTimer() { return Long.MAX_VALUE; }
            @Override public void onTimer(long now) {}
        });
        net.link(A, B, Impairment.builder().duplicate(1).build(), Impairment.builder().loss(1).build());
        net.schedule(0, () -> {
            send(net, A, B, "twice");
            send(net, B, A, "never");
        });
        net.runUntil(() -> false, Long.MAX_VALUE);
        assertEquals(2, got.size());
        got.get(0).put(0, (byte) 'X');
        assertEquals('t', got.get(1).get(0), "each copy is the host's own");
        LinkStats back = net.stats(B, A);
        assertEquals(1, back.lost());
        assertEquals(0, net.undeliverable(), "lost on the link, never arrived");
    }

    // ---- reproducibility -------------------------------------------------------------------------

    /** Sends numbered pings and retransmits each every 30 ms until its echo comes. */
    private static final class Pinger implements SimHost {
        final SimNetwork net;
        final SockAddr self;
        final SockAddr peer;
        final int count;
        final List<String> log;
        int acked;
        long deadline = 0;

        Pinger(SimNetwork net, SockAddr self, SockAddr peer, int count, List<String> log) {
            this.net = net;
            this.self = self;
            this.peer = peer;
            this.count = count;
            this.log = log;
        }

        @Override
        public void onDatagram(long now, SockAddr from, ByteBuffer data) {
            String s = StandardCharsets.UTF_8.decode(data).toString();
            log.add(now + " pinger got " + s);
            if (s.equals("echo " + acked)) {
                acked++;
                deadline = now; // send the next at once
            }
        }

        @Override public long nextTimer() { return acked < count ? deadline : Long.MAX_VALUE; }

        @Override
        public void onTimer(long now) {
            send(net, self, peer, "ping " + acked);
            deadline = now + 30 * MS;
        }
    }

    private static final class Echoer implements SimHost {
        final SimNetwork net;
        final SockAddr self;
        final List<String> log;

        Echoer(SimNetwork net, SockAddr self, List<String> log) {
            this.net = net;
            this.self = self;
            this.log = log;
        }

        @Override
        public void onDatagram(long now, SockAddr from, ByteBuffer data) {
            String s = StandardCharsets.UTF_8.decode(data).toString();
            log.add(now + " echoer got " + s);
            if (s.startsWith("ping ")) send(net, self, from, "echo " + s.substring(5));
        }

        @Override public long nextTimer() { return Long.MAX_VALUE; }

        @Override public void onTimer(long now) {}
    }

    /** Two pingers and an echoer over bad links; returns the SHA-256 of the full trace and the hosts' logs. */
    private static String lossyRun(long seed, boolean linkInOtherOrder) throws Exception {
        SimNetwork net = new SimNetwork(seed);
        List<String> trace = new ArrayList<>();
        net.trace(trace::add);
        Impairment bad = Impairment.builder().loss(0.2).burst(2).delayMillis(10).jitterMillis(8).reorder(0.1).duplicate(0.05)
                .corrupt(0.02).rateMbps(1).queue(4).build();
        if (linkInOtherOrder) {
            net.link(C, B, bad, bad);
            net.link(A, B, bad, bad);
        } else {
            net.link(A, B, bad, bad);
            net.link(C, B, bad, bad);
        }
        Pinger p1 = new Pinger(net, A, B, 200, trace);
        Pinger p2 = new Pinger(net, C, B, 200, trace);
        net.attach(B, new Echoer(net, B, trace));
        net.attach(A, p1);
        net.attach(C, p2);
        assertTrue(net.runUntil(() -> p1.acked == 200 && p2.acked == 200, 600_000 * MS), "all pings answered");
        trace.add("end " + net.now() + " events " + net.eventsProcessed() + " " + net.stats(A, B) + " " + net.stats(B, C));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String line : trace) sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest()) + " after " + trace.size() + " lines";
    }

    @Test
    void aSeedReplaysARunExactly() throws Exception {
        String first = lossyRun(42, false);
        assertEquals(first, lossyRun(42, false));
        assertEquals(first, lossyRun(42, true), "a link's randomness does not depend on the order links were made in");
        assertNotEquals(first, lossyRun(43, false));
    }
}
