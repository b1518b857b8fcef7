package org.jsock.rudp.impair;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each impairment alone, checked on a fixed seed against what it promises, with tolerances a
 * wrong model cannot meet by luck (a few standard deviations, where a broken model is off by many);
 * then all of them together for reproducibility and for the counters adding up.
 */
class LinkModelTest {
    private static final long MS = 1_000_000;
    private static final long SEED = 20240501;

    /** One offer's outcome, with the time it was offered. */
    private record Outcome(long sentAt, byte[] sent, List<LinkModel.Delivery> deliveries) {}

    /** Offers {@code n} datagrams of {@code size} seeded random bytes, {@code spacing} ns apart from time 0. */
    private static List<Outcome> run(LinkModel m, int n, int size, long spacing) {
        SplittableRandom data = new SplittableRandom(7);
        List<Outcome> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[size];
            data.nextBytes(b);
            long t = i * spacing;
            out.add(new Outcome(t, b, m.offer(t, b, 0, b.length)));
        }
        return out;
    }

    private static double fraction(long part, long whole) { return (double) part / whole; }

    /** The mean length of runs of consecutive lost datagrams. */
    private static double meanLossRun(List<Outcome> outcomes) {
        long runs = 0, lost = 0;
        boolean inRun = false;
        for (Outcome o : outcomes) {
            boolean l = o.deliveries.isEmpty();
            if (l) {
                lost++;
                if (!inRun) runs++;
            }
            inRun = l;
        }
        return (double) lost / runs;
    }

    /** Pairs (i, j), i sent before j, with j delivered strictly earlier: how much reordering there is. */
    private static long overtakes(List<Outcome> outcomes) {
        long count = 0;
        long latestSoFar = Long.MIN_VALUE;
        for (Outcome o : outcomes) {
            for (LinkModel.Delivery d : o.deliveries) {
                if (d.atNanos() < latestSoFar) count++;
                latestSoFar = Math.max(latestSoFar, d.atNanos());
            }
        }
        return count;
    }

    // ---- loss ------------------------------------------------------------------------------------

    @Test
    void independentLossMatchesItsRateAndIsNotBursty() {
        LinkModel m = new LinkModel(Impairment.builder().loss(0.02).build(), SEED);
        List<Outcome> out = run(m, 100_000, 100, 1000);
        LinkStats s = m.stats();
        assertEquals(100_000, s.offered());
        // Binomial sd is 0.044%: 0.3% is nearly 7 sd, and 1% or 3% would fail.
        assertEquals(0.02, fraction(s.lost(), s.offered()), 0.003, s.toString());
        assertEquals(s.offered() - s.lost(), s.delivered());
        // Independent losses at 2% come in runs averaging 1/(1-0.02) = 1.02.
        assertEquals(1.02, meanLossRun(out), 0.03);
        for (Outcome o : out) {
            if (!o.deliveries.isEmpty()) {
                assertEquals(o.sentAt, o.deliveries.getFirst().atNanos(), "no delay was asked for");
                assertArrayEquals(o.sent, o.deliveries.getFirst().data());
            }
        }
    }

    @Test
    void burstLossHasTheMeanRunLengthAndTheAverageRate() {
        LinkModel m = new LinkModel(Impairment.builder().loss(0.05).burst(4).build(), SEED);
        List<Outcome> out = run(m, 200_000, 100, 1000);
        LinkStats s = m.stats();
        // About 2,500 bursts: the rate's sd is about 0.2%, the mean run's about 0.07.
        assertEquals(0.05, fraction(s.lost(), s.offered()), 0.006, s.toString());
        assertEquals(4.0, meanLossRun(out), 0.3);
    }

    @Test
    void lossOfOneDropsEverythingWithOrWithoutBursts() {
        for (Impairment i : List.of(Impairment.builder().loss(1).build(), Impairment.builder().loss(1).burst(8).build())) {
            LinkModel m = new LinkModel(i, SEED);
            for (Outcome o : run(m, 1000, 10, 1000)) assertTrue(o.deliveries.isEmpty());
            assertEquals(1000, m.stats().lost());
            assertEquals(0, m.stats().delivered());
        }
    }

    // ---- delay, jitter, reordering ---------------------------------------------------------------

    @Test
    void delayWithoutJitterIsExactAndKeepsOrder() {
        LinkModel m = new LinkModel(Impairment.builder().delayMillis(15).build(), SEED);
        List<Outcome> out = run(m, 1000, 50, 100_000);
        for (Outcome o : out) {
            assertEquals(1, o.deliveries.size());
            assertEquals(o.sentAt + 15 * MS, o.deliveries.getFirst().atNanos());
        }
        assertEquals(0, overtakes(out));
    }

    @Test
    void jitterAddsAUniformExtraThatMayReorder() {
        LinkModel m = new LinkModel(Impairment.builder().delayMillis(15).jitterMillis(2).build(), SEED);
        List<Outcome> out = run(m, 20_000, 50, 100_000);
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE, sum = 0;
        for (Outcome o : out) {
            long extra = o.deliveries.getFirst().atNanos() - o.sentAt - 15 * MS;
            assertTrue(extra >= 0 && extra <= 2 * MS, "extra " + extra + " ns outside [0, 2 ms]");
            min = Math.min(min, extra);
            max = Math.max(max, extra);
            sum += extra;
        }
        // Uniform on [0, 2 ms]: mean 1 ms (sd of the mean 4 us), the extremes near the ends.
        assertEquals(1.0 * MS, (double) sum / out.size(), 0.03 * MS);
        assertTrue(min < 0.01 * MS, "min " + min);
        assertTrue(max > 1.99 * MS, "max " + max);
        // Datagrams 0.1 ms apart with 2 ms of jitter overtake each other often.
        assertTrue(overtakes(out) > 1000, "overtakes " + overtakes(out));
        assertEquals(0, m.stats().reordered(), "jitter is not counted as deliberate reordering");
    }

    @Test
    void reorderHoldsBackSomeDatagramsSoLaterOnesOvertake() {
        LinkModel m = new LinkModel(Impairment.builder().delayMillis(10).reorder(0.1).build(), SEED);
        List<Outcome> out = run(m, 20_000, 50, 100_000);
        long held = 0;
        for (Outcome o : out) {
            long extra = o.deliveries.getFirst().atNanos() - o.sentAt - 10 * MS;
            if (extra != 0) {
                held++;
                // held back by (0, max(1 ms, delay)] = (0, 10 ms]
                assertTrue(extra > 0 && extra <= 10 * MS, "extra " + extra);
            }
        }
        assertEquals(held, m.stats().reordered());
        assertEquals(0.1, fraction(held, out.size()), 0.01); // sd 0.2%
        // Held back by 5 ms on average while others come every 0.1 ms: about 50 overtake each.
        assertTrue(overtakes(out) > held / 2, "overtakes " + overtakes(out) + " of " + held + " held");
        assertEquals(0, overtakes(run(new LinkModel(Impairment.builder().delayMillis(10).build(), SEED), 2000, 50, 100_000)));
    }

    @Test
    void reorderOnALinkWithoutDelayHoldsBackUpToOneMillisecond() {
        LinkModel m = new LinkModel(Impairment.builder().reorder(0.5).build(), SEED);
        for (Outcome o : run(m, 2000, 10, 10_000)) {
            long extra = o.deliveries.getFirst().atNanos() - o.sentAt;
            assertTrue(extra >= 0 && extra <= MS, "extra " + extra);
        }
        assertEquals(0.5, fraction(m.stats().reordered(), 2000), 0.05);
    }

    // ---- duplication and corruption --------------------------------------------------------------

    @Test
    void duplicateDeliversTwoIdenticalPrivateCopies() {
        LinkModel m = new LinkModel(Impairment.builder().duplicate(0.1).build(), SEED);
        List<Outcome> out = run(m, 20_000, 64, 1000);
        long twice = 0;
        for (Outcome o : out) {
            assertTrue(o.deliveries.size() == 1 || o.deliveries.size() == 2);
            for (LinkModel.Delivery d : o.deliveries) {
                assertArrayEquals(o.sent, d.data());
                assertNotSame(o.sent, d.data());
            }
            if (o.deliveries.size() == 2) {
                twice++;
                assertNotSame(o.deliveries.get(0).data(), o.deliveries.get(1).data());
            }
        }
        LinkStats s = m.stats();
        assertEquals(twice, s.duplicated());
        assertEquals(0.1, fraction(twice, out.size()), 0.01);
        assertEquals(s.offered() + s.duplicated(), s.delivered());
        assertEquals(s.delivered() * 64, s.bytesDelivered());
    }

    @Test
    void corruptChangesExactlyOneByte() {
        LinkModel m = new LinkModel(Impairment.builder().corrupt(0.1).build(), SEED);
        List<Outcome> out = run(m, 20_000, 64, 1000);
        long damaged = 0;
        int[] positions = new int[64];
        for (Outcome o : out) {
            byte[] got = o.deliveries.getFirst().data();
            assertEquals(o.sent.length, got.length);
            int differing = 0;
            for (int i = 0; i < got.length; i++) {
                if (got[i] != o.sent[i]) {
                    differing++;
                    positions[i]++;
                }
            }
            assertTrue(differing <= 1, differing + " bytes changed");
            damaged += differing;
        }
        assertEquals(damaged, m.stats().corrupted());
        assertEquals(0.1, fraction(damaged, out.size()), 0.01);
        // Any byte may be hit: about 31 per position.
        for (int p : positions) assertTrue(p > 5, Arrays.toString(positions));
    }

    @Test
    void emptyDatagramsAreNeverCorrupted() {
        LinkModel m = new LinkModel(Impairment.builder().corrupt(1).build(), SEED);
        for (Outcome o : run(m, 100, 0, 1000)) assertEquals(0, o.deliveries.getFirst().data().length);
        assertEquals(0, m.stats().corrupted());
    }

    // ---- rate and queue --------------------------------------------------------------------------

    @Test
    void rateSpacesDeliveriesBySerializationTime() {
        LinkModel m = new LinkModel(Impairment.builder().rateMbps(10).build(), SEED);
        byte[] b = new byte[1200];
        // 1200 bytes at 10 Mbit/s: 9600 bits / 10^7 bit/s = 960 us each, back to back.
        for (int i = 0; i < 50; i++) {
            assertEquals((i + 1) * 960_000L, m.offer(0, b, 0, b.length).getFirst().atNanos(), "datagram " + i);
        }
        // Once the link is idle again, a datagram waits for its own serialization only.
        long later = 1000 * MS;
        assertEquals(later + 960_000, m.offer(later, b, 0, b.length).getFirst().atNanos());
        // Half the size, half the time; the delay comes after the bottleneck.
        LinkModel d = new LinkModel(Impairment.builder().rateMbps(10).delayMillis(20).build(), SEED);
        assertEquals(480_000 + 20 * MS, d.offer(0, b, 0, 600).getFirst().atNanos());
        assertEquals(960_000 + 20 * MS, d.offer(0, b, 0, 600).getFirst().atNanos());
    }

    @Test
    void queueDropsTheDatagramThatFindsItFull() {
        LinkModel m = new LinkModel(Impairment.builder().rateMbps(10).queue(25).build(), SEED);
        byte[] b = new byte[1200];
        int delivered = 0;
        for (int i = 0; i < 26; i++) delivered += m.offer(0, b, 0, b.length).size();
        assertEquals(25, delivered);
        assertEquals(1, m.stats().queueDropped());
        // When the first has left (960 us), there is room for exactly one more.
        assertEquals(1, m.offer(960_000, b, 0, b.length).size());
        assertEquals(0, m.offer(960_000, b, 0, b.length).size());
        assertEquals(2, m.stats().queueDropped());
        // When all have left, 25 fit again.
        long drained = 27 * 960_000L;
        delivered = 0;
        for (int i = 0; i < 30; i++) delivered += m.offer(drained, b, 0, b.length).size();
        assertEquals(25, delivered);
        assertEquals(7, m.stats().queueDropped());
        assertEquals(0, m.stats().lost());
    }

    @Test
    void unboundedQueueNeverDrops() {
        LinkModel m = new LinkModel(Impairment.builder().rateMbps(1).build(), SEED);
        byte[] b = new byte[1200];
        for (int i = 0; i < 5000; i++) assertEquals(1, m.offer(0, b, 0, b.length).size());
        assertEquals(0, m.stats().queueDropped());
    }

    // ---- blackouts -------------------------------------------------------------------------------

    @Test
    void blackoutDropsEverythingInItsWindows() {
        LinkModel m = new LinkModel(Impairment.builder().blackout(Duration.ofSeconds(5), Duration.ofSeconds(2)).build(), SEED);
        long expectedDropped = 0;
        for (long t = 0; t < 21_000 * MS; t += 10 * MS) {
            boolean down = (t % (7000 * MS)) >= 5000 * MS;
            if (down) expectedDropped++;
            assertEquals(down ? 0 : 1, m.offer(t, new byte[8], 0, 8).size(), "at " + t / MS + " ms");
        }
        // Three cycles of 7 s, 2 s down in each: 600 of the 2100 offers.
        assertEquals(600, expectedDropped);
        assertEquals(expectedDropped, m.stats().blackoutDropped());
        assertEquals(1500, m.stats().delivered());
        // The edges: up at 4.999999999 s, down at exactly 5 s, up again at exactly 7 s.
        LinkModel e = new LinkModel(Impairment.builder().blackout(Duration.ofSeconds(5), Duration.ofSeconds(2)).build(), SEED);
        assertEquals(1, e.offer(5000 * MS - 1, new byte[1], 0, 1).size());
        assertEquals(0, e.offer(5000 * MS, new byte[1], 0, 1).size());
        assertEquals(0, e.offer(7000 * MS - 1, new byte[1], 0, 1).size());
        assertEquals(1, e.offer(7000 * MS, new byte[1], 0, 1).size());
    }

    // ---- everything together ---------------------------------------------------------------------

    private static final Impairment EVERYTHING = Impairment.builder().loss(0.03).burst(3).delayMillis(20).jitterMillis(5)
            .reorder(0.05).duplicate(0.02).corrupt(0.01).rateMbps(50).queue(40)
            .blackout(Duration.ofMillis(900), Duration.ofMillis(100)).build();

    @Test
    void sameSeedGivesTheSameDeliveriesByteForByte() {
        List<Outcome> a = run(new LinkModel(EVERYTHING, 99), 20_000, 200, 20_000);
        List<Outcome> b = run(new LinkModel(EVERYTHING, 99), 20_000, 200, 20_000);
        List<Outcome> c = run(new LinkModel(EVERYTHING, 100), 20_000, 200, 20_000);
        assertEquals(fingerprint(a), fingerprint(b));
        assertNotEquals(fingerprint(a), fingerprint(c));
    }

    /** Every delivery's time and bytes, as one string. */
    private static String fingerprint(List<Outcome> outcomes) {
        StringBuilder sb = new StringBuilder();
        for (Outcome o : outcomes) {
            sb.append(o.deliveries.size());
            for (LinkModel.Delivery d : o.deliveries) sb.append('@').append(d.atNanos()).append(':').append(Arrays.hashCode(d.data()));
            sb.append(';');
        }
        return sb.toString();
    }

    @Test
    void countersAddUpWithEveryImpairmentOn() {
        LinkModel m = new LinkModel(EVERYTHING, 5);
        List<Outcome> out = run(m, 50_000, 500, 50_000); // 80 Mbit/s offered into 50: the queue overflows
        LinkStats s = m.stats();
        assertEquals(50_000, s.offered());
        assertEquals(s.offered(), s.lost() + s.queueDropped() + s.blackoutDropped() + s.delivered() - s.duplicated());
        assertEquals(out.stream().mapToLong(o -> o.deliveries.size()).sum(), s.delivered());
        assertTrue(s.lost() > 0 && s.queueDropped() > 0 && s.blackoutDropped() > 0 && s.duplicated() > 0 && s.corrupted() > 0
                && s.reordered() > 0, s.toString());
        assertEquals(50_000L * 500, s.bytesOffered());
        assertEquals(s.delivered() * 500, s.bytesDelivered());
        assertEquals(s, m.stats(), "a snapshot equals the next when nothing happened between");
        m.offer(5_000_000_000L, new byte[1], 0, 1);
        assertEquals(50_000, s.offered(), "a snapshot does not change afterwards");
    }

    @Test
    void offerCopiesTheSliceItIsGiven() {
        LinkModel m = new LinkModel(Impairment.NONE, SEED);
        byte[] b = {1, 2, 3, 4, 5, 6};
        LinkModel.Delivery d = m.offer(0, b, 2, 3).getFirst();
        b[2] = 99;
        assertArrayEquals(new byte[] {3, 4, 5}, d.data());
        assertThrows(IndexOutOfBoundsException.class, () -> m.offer(0, b, 4, 3));
    }

    // ---- Impairment ------------------------------------------------------------------------------

    @Test
    void impairmentRejectsNonsenseNamingTheField() {
        assertMessage("loss must be a probability in [0, 1], got 1.5", () -> Impairment.builder().loss(1.5).build());
        assertMessage("reorder must be a probability in [0, 1], got -0.1", () -> Impairment.builder().reorder(-0.1).build());
        assertMessage("duplicate must be a probability in [0, 1], got NaN", () -> Impairment.builder().duplicate(Double.NaN).build());
        assertMessage("corrupt must be a probability in [0, 1], got 2.0", () -> Impairment.builder().corrupt(2).build());
        assertMessage("delay must be >= 0 ms, got -1.0", () -> Impairment.builder().delayMillis(-1));
        assertMessage("jitter must be >= 0, got -5 ns", () -> Impairment.builder().jitterNanos(-5).build());
        assertMessage("rate must be >= 0 Mbit/s (0: unlimited), got -3.0", () -> Impairment.builder().rateMbps(-3).build());
        assertMessage("queue must be >= 0 packets (0: unbounded), got -1", () -> Impairment.builder().rateMbps(1).queue(-1).build());
        assertMessage("a queue needs a rate: without one nothing waits in it (set rate, or queue 0)",
                () -> Impairment.builder().queue(10).build());
        assertMessage("blackout needs both an up time and a down time above 0 (or both 0 for none), got up 5000 ms, down 0 ms",
                () -> Impairment.builder().blackout(Duration.ofSeconds(5), Duration.ZERO).build());
        assertMessage("loss 90% in bursts of 4 is impossible: with bursts of 4 the loss rate can be at most 80% (or 100%)",
                () -> Impairment.builder().loss(0.9).burst(4).build());
        // The limits themselves are fine.
        Impairment.builder().loss(0.8).burst(4).build();
        Impairment.builder().loss(1).burst(4).build();
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
    }

    @Test
    void describeIsOneReadableLine() {
        assertEquals("no impairment", Impairment.NONE.describe());
        assertTrue(Impairment.NONE.isNone());
        assertEquals("loss 2% (bursts of 4), delay 15 ms + jitter up to 2 ms, rate 10 Mbit/s, queue 25",
                Impairment.builder().loss(0.02).burst(4).delayMillis(15).jitterMillis(2).rateMbps(10).queue(25).build().describe());
        assertEquals("loss 0.5%, delay 0.25 ms, reorder 1%, duplicate 0.1%, corrupt 0.01%, rate 2.5 Mbit/s, blackout 2000 ms every 7000 ms",
                Impairment.builder().loss(0.005).delayMillis(0.25).reorder(0.01).duplicate(0.001).corrupt(0.0001).rateMbps(2.5)
                        .blackout(Duration.ofSeconds(5), Duration.ofSeconds(2)).build().describe());
        assertFalse(EVERYTHING.describe().contains("\n"));
        assertEquals(EVERYTHING, EVERYTHING.toBuilder().build());
    }
}
