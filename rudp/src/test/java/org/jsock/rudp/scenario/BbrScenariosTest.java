package org.jsock.rudp.scenario;

import org.jsock.net.SockAddr;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.conn.Connection;
import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.sim.SimHost;
import org.jsock.rudp.sim.SimNetwork;
import org.jsock.rudp.wire.Cid;
import org.jsock.rudp.wire.MalformedPacketException;
import org.jsock.rudp.wire.Packet;
import org.jsock.rudp.wire.PacketCodec;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BBR in the simulator, on the scenario suite's base link (10 Mbit/s, 15 ms one way, a 25-packet queue):
 * it fills the link, keeps three quarters of it under 2% random loss where NewReno and CUBIC read every
 * loss as congestion, keeps the queue from overflowing after STARTUP, and leaves room for a NewReno flow
 * that shares its bottleneck. Every run is seeded and takes a fraction of a second.
 */
class BbrScenariosTest {
    static final int MIB = 1024 * 1024;
    static final double LINK_MBPS = 10;

    /** One upload of {@code size} bytes (1000 come back) with {@code cc} at both ends. */
    record Transfer(String cc, double loss, long seed, int size, Scenario.Result result) {
        /** Goodput as a share of the link: payload bits over the time until the last byte was read. */
        double linkShare() { return size * 8 / result.seconds() / 1e6 / LINK_MBPS; }

        /** UDP payload bytes both ways (headers, ACKs, retransmissions) per payload byte delivered. */
        double overhead() {
            return (double) (result.upStats(0).bytesOffered() + result.downStats(0).bytesOffered()) / (size + 1000);
        }

        long queueDrops() { return result.upStats(0).queueDropped(); }

        @Override public String toString() {
            return String.format("%s, %.0f%% loss, seed %d, %d MiB: %.1f%% of the link, overhead %.3f, %d queue drops, %.2f s",
                    cc, loss * 100, seed, size / MIB, linkShare() * 100, overhead(), queueDrops(), result.seconds());
        }
    }

    static Transfer transfer(String cc, double loss, long seed, int size) {
        Impairment.Builder link = SimScenariosTest.base();
        if (loss > 0) link.loss(loss);
        Scenario.Result r = new Scenario().seed(seed).bytes(size, 1000).both(link.build())
                .config(RudpConfig.defaults().withCongestionControl(cc)).run().verify();
        Transfer t = new Transfer(cc, loss, seed, size, r);
        System.err.println(t);
        return t;
    }

    @Test
    void fillsTheBaseLinkWithLittleOverhead() {
        Transfer t = transfer("bbr", 0, 12, 4 * MIB);
        assertTrue(t.linkShare() >= 0.90, t + ": the issue asks for 90% of the link");
        assertTrue(t.overhead() <= 1.10, t + ": the issue's bound on overhead is 1.10");
    }

    /**
     * The case: 2% random loss each way. 8 MiB, so that a lost first INITIAL (seed 4 loses it:
     * a 1 s probe timeout before the handshake, which no controller changes) does not decide the figure.
     */
    @Test
    void keepsThreeQuartersOfTheLinkUnderTwoPercentRandomLoss() {
        for (long seed = 1; seed <= 4; seed++) {
            Transfer t = transfer("bbr", 0.02, seed, 8 * MIB);
            assertTrue(t.result().upStats(0).lost() > 100, t + ": the link lost too little for this to prove anything");
            assertTrue(t.linkShare() >= 0.75, t + ": the issue asks for 75% of the link under 2% loss");
        }
        // The loss-based controllers on the same path, for contrast (Mathis: ~1.22 × MSS / (RTT × √p)).
        Transfer newReno = transfer("newreno", 0.02, 1, 4 * MIB);
        Transfer cubic = transfer("cubic", 0.02, 1, 4 * MIB);
        Transfer bbr = transfer("bbr", 0.02, 1, 4 * MIB);
        assertTrue(newReno.linkShare() < 0.35 && cubic.linkShare() < 0.35, newReno + "; " + cubic);
        assertTrue(bbr.linkShare() > 2.5 * Math.max(newReno.linkShare(), cubic.linkShare()), bbr + " vs " + newReno + "; " + cubic);
    }

    @Test
    void fivePercentRandomLoss() {
        for (long seed = 1; seed <= 3; seed++) {
            Transfer t = transfer("bbr", 0.05, seed, 8 * MIB);
            // Losses do not slow BBR down; retransmitting them (5% each way) costs their share.
            assertTrue(t.linkShare() >= 0.80, t.toString());
            assertTrue(t.overhead() <= 1.15, t.toString());
        }
    }

    /**
     * STARTUP overshoots (its window is twice a BDP estimate still growing, more than the path's BDP plus
     * its queue), so some packets are dropped there; after that BBR paces at the bottleneck's rate and the
     * queue stays short. So the drops do not grow with the transfer, as a loss-based controller's do.
     */
    @Test
    void theQueueOverflowsOnlyInStartup() {
        Transfer shortRun = transfer("bbr", 0, 1, 4 * MIB);
        Transfer longRun = transfer("bbr", 0, 1, 16 * MIB);
        assertTrue(shortRun.queueDrops() <= 30, shortRun.toString());
        // 12 MiB more, 10 s more (a PROBE_RTT among them), and not one drop more.
        assertEquals(shortRun.queueDrops(), longRun.queueDrops(), "drops after STARTUP: " + shortRun + " / " + longRun);
        assertTrue(longRun.linkShare() >= 0.92, longRun.toString());
        Transfer newReno = transfer("newreno", 0, 1, 16 * MIB);
        assertTrue(newReno.queueDrops() > 3 * longRun.queueDrops(), "NewReno fills the queue again and again: " + newReno);
    }

    // ------------------------------------------------------------------------------- a shared bottleneck

    /**
     * Two clients, one with NewReno and one with BBR, upload at the same time to one server through a
     * router: the base link between the router and the server is their shared bottleneck. BBR version 1
     * takes the larger share (it does not back off on loss, and a 25-packet queue is below the path's
     * BDP), but the NewReno flow keeps going.
     */
    @Test
    void aNewRenoFlowSharingTheBottleneckIsNotStarved() {
        // Which client's handshake goes first changes the shares: both orders.
        for (String[] ccs : new String[][] {{"newreno", "bbr"}, {"bbr", "newreno"}}) {
            Shares s = shareBottleneck(1, 6 * MIB, ccs);
            System.err.println(s);
            int newReno = ccs[0].equals("newreno") ? 0 : 1;
            assertTrue(s.share(newReno) >= 0.10, "NewReno starved: " + s);
            assertTrue(s.share(1 - newReno) > s.share(newReno), "BBR version 1 takes the larger share: " + s);
            assertTrue(s.share(0) + s.share(1) >= 0.90, "the two flows leave the link idle: " + s);
        }
        // For comparison: two NewReno flows, and two BBR flows, share it about evenly.
        for (String cc : new String[] {"newreno", "bbr"}) {
            Shares even = shareBottleneck(1, 6 * MIB, cc, cc);
            System.err.println(even);
            assertTrue(Math.abs(even.share(0) - even.share(1)) < 0.10, even.toString());
        }
    }

    /** What each client delivered by the time the first finished, over the bottleneck's capacity in that time. */
    record Shares(List<String> ccs, long[] delivered, double seconds) {
        double share(int i) { return delivered[i] * 8 / seconds / 1e6 / LINK_MBPS; }

        @Override public String toString() {
            StringBuilder sb = new StringBuilder(String.format("shared bottleneck, first finished after %.2f s:", seconds));
            for (int i = 0; i < ccs.size(); i++) sb.append(String.format(" %s %.1f%%", ccs.get(i), share(i) * 100));
            return sb.toString();
        }
    }

    static final SockAddr ROUTER = SockAddr.Inet4.of("10.0.0.254", 4433);

    static Shares shareBottleneck(long seed, int size, String... ccs) {
        SimNetwork net = new SimNetwork(seed);
        SimPeer server = new SimPeer(net, Scenario.SERVER, RudpConfig.defaults(), true, seed * 31 + 7);
        List<StreamApp> uploads = new ArrayList<>();   // server side: what each client sent
        server.app(now -> {
            Connection c;
            while ((c = server.endpoint.accept()) != null) uploads.add(new StreamApp(server.endpoint, c, new byte[1000], true));
            for (StreamApp a : uploads) a.step(now);
        });
        new Router(net, ROUTER, Scenario.SERVER);
        net.link(ROUTER, Scenario.SERVER, SimScenariosTest.BASE, SimScenariosTest.BASE);
        byte[][] payloads = new byte[ccs.length][];
        for (int i = 0; i < ccs.length; i++) {
            SockAddr address = Scenario.clientAddress(i);
            SimPeer peer = new SimPeer(net, address, RudpConfig.defaults().withCongestionControl(ccs[i]), false, seed * 131 + i);
            Connection c = peer.endpoint.connect(0, ROUTER);   // the client sees the router as its server
            peer.endpoint.touched(0, c);
            payloads[i] = Scenario.payload(seed * 1_000_003 + i, size);
            StreamApp app = new StreamApp(peer.endpoint, c, payloads[i], true);
            peer.app(app::step);
            app.step(0);
            net.wake(address);
        }
        boolean oneDone = net.runUntil(() -> uploads.size() == ccs.length && uploads.stream().anyMatch(a -> a.eof), 120_000_000_000L);
        assertTrue(oneDone, "no upload finished");
        // Which upload is whose: the one whose bytes so far are its payload's (random: they differ at once).
        long[] delivered = new long[ccs.length];
        for (StreamApp upload : uploads) {
            byte[] got = upload.received.toByteArray();
            for (int i = 0; i < ccs.length; i++) {
                if (got.length > 0 && java.util.Arrays.equals(got, 0, got.length, payloads[i], 0, got.length)) {
                    delivered[i] = got.length;
                }
            }
        }
        return new Shares(List.of(ccs), delivered, net.now() / 1e9);
    }

    /**
     * Forwards between clients and one server over the links it has to each: datagrams from a client go
     * to the server, from the router's address; the server's go back to the client whose connection ID
     * they carry (learnt from the client's long-header packets). Both directions to the server share one
     * impaired link, whatever the number of clients.
     */
    static final class Router implements SimHost {
        private final SimNetwork net;
        private final SockAddr address;
        private final SockAddr server;
        private final Map<Cid, SockAddr> clientByCid = new HashMap<>();

        Router(SimNetwork net, SockAddr address, SockAddr server) {
            this.net = net;
            this.address = address;
            this.server = server;
            net.attach(address, this);
        }

        @Override public void onDatagram(long now, SockAddr from, ByteBuffer data) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            Packet p;
            try {
                p = PacketCodec.decode(ByteBuffer.wrap(copy));
            } catch (MalformedPacketException e) {
                return;   // nothing here corrupts packets; a router drops what it cannot route anyway
            }
            if (from.equals(server)) {
                SockAddr client = clientByCid.get(p.dcid());
                if (client != null) net.send(address, client, copy, 0, copy.length);
            } else {
                if (p.scid() != null && p.scid().length() > 0) clientByCid.put(p.scid(), from);
                net.send(address, server, copy, 0, copy.length);
            }
        }

        @Override public long nextTimer() { return Long.MAX_VALUE; }

        @Override public void onTimer(long now) { }
    }
}
