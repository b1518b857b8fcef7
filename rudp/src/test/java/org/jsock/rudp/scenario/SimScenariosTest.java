package org.jsock.rudp.scenario;

import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.impair.LinkStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scenario suite in the simulator, modelled on the QUIC interop runner: a 10 Mbit/s link with
 * 15 ms one-way delay and a 25-packet queue, then one impairment at a time. Every scenario must
 * deliver both streams byte for byte. Each run is seeded; a failure names its seed, and the same seed
 * replays the same run.
 */
class SimScenariosTest {
    static Impairment.Builder base() {
        return Impairment.builder().rateMbps(10).delayMillis(15).queue(25);
    }

    static final Impairment BASE = base().build();

    /**
     * The probe timeout backs off exponentially, so under heavy or bursty loss a handshake can need more
     * than the default 10 s, and a close more than the default 30 s of linger (a seeded run met 16
     * losses in a row spread over 17 s of backoff). These scenarios test delivery, so they are patient.
     */
    static final RudpConfig PATIENT = RudpConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(60))
            .withLinger(Duration.ofSeconds(120)).withIdleTimeout(Duration.ofSeconds(120));

    @Test
    void handshake() {
        Scenario.Result r = new Scenario().seed(1).bytes(1000, 1000).both(BASE).run().verify();
        // RETRY then INITIAL with the cookie: two round trips before data, plus the data's own.
        assertEquals(1, r.server().endpoint.counters().get("retriesSent"));
        assertTrue(r.seconds() < 0.2, "1 KB each way took " + r.seconds() + " s");
    }

    @Test
    void transferTenMegabytesWithSmallWindows() {
        RudpConfig small = RudpConfig.defaults().withReceiveWindow(64 * 1024).withSendBuffer(64 * 1024);
        int size = 10 * 1024 * 1024;
        Scenario.Result r = new Scenario().seed(2).bytes(size, 1000).both(BASE).config(small).run().verify();
        double goodput = size * 8 / r.seconds() / 1e6;
        // The window (64 KiB, credit returned every half window) is near the path's bandwidth-delay
        // product plus its queue (37.5 KB + 30 KB): flow control, not the link, sets the pace (8.5 Mbit/s).
        assertTrue(goodput > 8.0, "goodput " + goodput + " Mbit/s on a 10 Mbit/s link");
        // Bytes on the wire (UDP payloads, both ways: headers, ACKs, retransmissions after queue
        // overflows) per byte delivered: the bound without loss is 1.10.
        double overhead = (double) (r.upStats(0).bytesOffered() + r.downStats(0).bytesOffered()) / (size + 1000);
        assertTrue(overhead <= 1.10, "overhead " + overhead);
    }

    @Test
    void transferWithDefaultWindowsFillsTheLink() {
        int size = 4 * 1024 * 1024;
        Scenario.Result r = new Scenario().seed(12).bytes(size, 1000).both(BASE).run().verify();
        double goodput = size * 8 / r.seconds() / 1e6;
        assertTrue(goodput >= 9.0, "goodput " + goodput + " Mbit/s: the issue asks for 90% of the link");
    }

    @Test
    void longDelay750Milliseconds() {
        Impairment slow = base().delayMillis(750).queue(200).build();
        new Scenario().seed(3).bytes(1024 * 1024, 1000).both(slow).limitSeconds(120).run().verify();
    }

    @Test
    void handshakeUnder30PercentLossEachWay() {
        Impairment lossy = base().loss(0.30).build();
        long unconfirmed = 0;
        for (long seed = 1; seed <= 200; seed++) {
            unconfirmed += new Scenario().seed(seed).bytes(1000, 1000).both(lossy).config(PATIENT).limitSeconds(400).run()
                    .verify(true).unconfirmedCloses();
        }
        // Every byte arrived every time; a close whose every CLOSE copy was lost may end unconfirmed, rarely.
        System.err.println("handshake under 30% loss: " + unconfirmed + " of 400 closes unconfirmed");
        assertTrue(unconfirmed <= 4, unconfirmed + " of 400 closes unconfirmed");
    }

    @Test
    void transferUnderTwoPercentBurstyLoss() {
        Impairment lossy = base().loss(0.02).burst(3).build();
        for (long seed = 1; seed <= 5; seed++) {
            Scenario.Result r = new Scenario().seed(seed).bytes(2 * 1024 * 1024, 1000).both(lossy).run().verify();
            assertTrue(r.upStats(0).lost() > 0, "seed " + seed + ": the link lost nothing, so this proves nothing");
        }
    }

    /**
     * Hundreds of separate gaps: before ACK frames were trimmed to their packet and stopped repeating
     * what the peer had seen, this died past about 146 gaps (an ACK outgrew the datagram).
     */
    @Test
    void transferTenMegabytesUnderTwoPercentRandomLoss() {
        RudpConfig small = PATIENT.withReceiveWindow(64 * 1024).withSendBuffer(64 * 1024);
        Impairment lossy = base().loss(0.02).build();
        Scenario.Result r = new Scenario().seed(8).bytes(10 * 1024 * 1024, 1000).both(lossy).config(small).limitSeconds(300).run().verify();
        assertTrue(r.clientApps().get(0).conn.stats(0).packetsLost() > 146, "fewer gaps than the old failure needed");
        double overhead = (double) (r.upStats(0).bytesOffered() + r.downStats(0).bytesOffered()) / (10 * 1024 * 1024 + 1000);
        assertTrue(overhead < 1.10, "overhead " + overhead);
    }

    @Test
    void corruptionIsDetectedAndRepaired() {
        Impairment corrupting = base().corrupt(0.05).build();
        Scenario.Result r = new Scenario().seed(5).bytes(1024 * 1024, 64 * 1024).both(corrupting).run().verify();
        LinkStats up = r.upStats(0);
        assertTrue(up.corrupted() > 0);
        // Every corrupted packet was caught by the CRC: none was delivered as data.
        long caught = r.server().endpoint.corruptDropped();
        assertTrue(caught > 0, "no corrupt packet was dropped");
    }

    @Test
    void blackoutsFiveSecondsUpTwoDown() {
        Impairment flaky = base().blackout(Duration.ofSeconds(5), Duration.ofSeconds(2)).build();
        Scenario.Result r = new Scenario().seed(6).bytes(12 * 1024 * 1024, 1000).both(flaky).limitSeconds(120).run().verify();
        assertTrue(r.upStats(0).blackoutDropped() > 0, "the transfer never met a blackout");
    }

    @Test
    void thousandsOfShortConnections() {
        Scenario.Result r = new Scenario().seed(7).clients(2000).bytes(1000, 1000)
                .link(Impairment.builder().delayMillis(15).build(), Impairment.builder().delayMillis(15).build())
                .stagger(200_000).limitSeconds(60).run().verify();
        assertEquals(2000, r.serverApps().size());
        // Closing and draining last three PTOs; then the server must hold nothing.
        r.net().runUntil(() -> r.server().endpoint.connectionCount() == 0, r.net().now() + 10_000_000_000L);
        assertEquals(0, r.server().endpoint.connectionCount(), "the server forgot every closed connection");
    }

    /**
     * Random mixes of every impairment, one seed each. In the suite: 1,000 seeds, every one must deliver.
     * A longer soak ({@code -Djsock.rudp.seeds=20000}) meets the model's extremes: its Gilbert-Elliott
     * chain steps once per datagram, so when a backed-off sender sends a datagram every few seconds, a
     * "burst" can last minutes (seed 1820 lost 16 datagrams in a row one way and 5 the other, over 100 s).
     * Such a seed may end in a timeout reported to the application; it must never deliver wrong bytes,
     * and timeouts must stay below 0.1% of seeds.
     */
    @Test
    void manySeedsWithEveryImpairmentAtOnce() {
        long first = Long.getLong("jsock.rudp.firstSeed", 1), count = Long.getLong("jsock.rudp.seeds", 1000);
        java.util.List<String> timedOut = new java.util.ArrayList<>();
        for (long seed = first; seed < first + count; seed++) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            Impairment mix = Impairment.builder().rateMbps(5 + rnd.nextInt(50)).delayMillis(1 + rnd.nextInt(40))
                    .jitterMillis(rnd.nextInt(10)).queue(10 + rnd.nextInt(60)).loss(rnd.nextDouble() * 0.1)
                    .burst(1 + rnd.nextInt(3)).reorder(rnd.nextDouble() * 0.1).duplicate(rnd.nextDouble() * 0.05)
                    .corrupt(rnd.nextDouble() * 0.05).build();
            try {
                new Scenario().seed(seed).bytes(20_000 + rnd.nextInt(40_000), rnd.nextInt(20_000)).both(mix).config(PATIENT)
                        .limitSeconds(400).run().verify();
            } catch (AssertionError e) {
                boolean timeout = e.getMessage().contains("timed out") || e.getMessage().contains("linger timeout");
                if (count <= 1000 || !timeout) throw e;
                timedOut.add("seed " + seed);
            }
        }
        if (!timedOut.isEmpty()) System.err.println("seeds that ended in a timeout: " + timedOut);
        assertTrue(timedOut.size() * 1000L <= count, timedOut.size() + " of " + count + " seeds timed out: " + timedOut);
    }

    @Test
    void aSeedReplaysExactly() {
        Impairment mix = base().loss(0.05).reorder(0.05).duplicate(0.02).corrupt(0.02).jitterMillis(5).build();
        Scenario.Result a = new Scenario().seed(42).bytes(200_000, 50_000).both(mix).run().verify();
        Scenario.Result b = new Scenario().seed(42).bytes(200_000, 50_000).both(mix).run().verify();
        assertEquals(a.elapsedNanos(), b.elapsedNanos());
        assertEquals(a.net().eventsProcessed(), b.net().eventsProcessed());
        assertEquals(a.upStats(0).toString(), b.upStats(0).toString());
        Scenario.Result c = new Scenario().seed(43).bytes(200_000, 50_000).both(mix).run().verify();
        assertTrue(c.net().eventsProcessed() != a.net().eventsProcessed() || c.elapsedNanos() != a.elapsedNanos());
    }
}
