package org.jsock.rudp.scenario;

import org.jsock.net.SockAddr;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.RudpException;
import org.jsock.rudp.conn.Connection;
import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.impair.LinkStats;
import org.jsock.rudp.sim.SimNetwork;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One seeded run in the simulator: N clients each open one connection to one server, each side sends
 * its payload, reads the other's to the end, and closes. {@link Result#verify()} checks every byte.
 */
final class Scenario {
    static final SockAddr SERVER = SockAddr.Inet4.of("10.0.0.1", 4433);

    long seed = 1;
    int clients = 1;
    int upBytes = 1024;
    int downBytes = 1024;
    Impairment up = Impairment.NONE;
    Impairment down = Impairment.NONE;
    RudpConfig clientConfig = RudpConfig.defaults();
    RudpConfig serverConfig = RudpConfig.defaults();
    long limitNanos = 120_000_000_000L;
    /** Clients start this far apart (virtual nanos). */
    long stagger = 0;

    Scenario seed(long s) { seed = s; return this; }
    Scenario clients(int n) { clients = n; return this; }
    Scenario bytes(int upload, int download) { upBytes = upload; downBytes = download; return this; }
    Scenario link(Impairment clientToServer, Impairment serverToClient) { up = clientToServer; down = serverToClient; return this; }
    Scenario both(Impairment i) { return link(i, i); }
    Scenario config(RudpConfig c) { clientConfig = c; serverConfig = c; return this; }
    Scenario limitSeconds(long s) { limitNanos = s * 1_000_000_000L; return this; }
    Scenario stagger(long nanos) { stagger = nanos; return this; }

    static SockAddr clientAddress(int i) { return new SockAddr.Inet4(0x0a000002 + (i >> 14), 10_000 + (i & 0x3fff)); }

    static byte[] payload(long seed, int length) {
        byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    Result run() {
        SimNetwork net = new SimNetwork(seed);
        SimPeer server = new SimPeer(net, SERVER, serverConfig, true, seed * 31 + 7);
        Map<SockAddr, StreamApp> serverApps = new java.util.LinkedHashMap<>();
        Map<SockAddr, Integer> index = new HashMap<>();
        List<StreamApp> clientApps = new ArrayList<>();
        List<SimPeer> peers = new ArrayList<>();
        server.app(now -> {
            Connection c;
            while ((c = server.endpoint.accept()) != null) {
                Integer i = index.get(c.peer());
                byte[] data = payload(seed * 1_000_003 + 2L * (i == null ? -1 : i) + 1, downBytes);
                StreamApp app = new StreamApp(server.endpoint, c, data, true);
                serverApps.put(c.peer(), app);
            }
            for (StreamApp a : serverApps.values()) a.step(now);
        });
        for (int i = 0; i < clients; i++) {
            SockAddr addr = clientAddress(i);
            index.put(addr, i);
            net.link(addr, SERVER, up, down);
            SimPeer p = new SimPeer(net, addr, clientConfig, false, seed * 131 + i);
            peers.add(p);
            StreamApp[] holder = new StreamApp[1];
            int id = i;
            net.schedule(stagger * i, () -> {
                long now = net.now();
                Connection c = p.endpoint.connect(now, SERVER);
                p.endpoint.touched(now, c);
                holder[0] = new StreamApp(p.endpoint, c, payload(seed * 1_000_003 + 2L * id, upBytes), true);
                clientApps.add(holder[0]);
                p.app(holder[0]::step);
                holder[0].step(now);
                net.wake(addr);
            });
        }
        boolean done = net.runUntil(() -> clientApps.size() == clients
                && clientApps.stream().allMatch(a -> a.done() || a.failure != null)
                && serverApps.size() == clients
                && serverApps.values().stream().allMatch(a -> a.done() || a.failure != null), limitNanos);
        return new Result(this, done, net.now(), clientApps, serverApps, index, server, peers, net);
    }

    record Result(Scenario s, boolean done, long elapsedNanos, List<StreamApp> clientApps, Map<SockAddr, StreamApp> serverApps,
                  Map<SockAddr, Integer> index, SimPeer server, List<SimPeer> peers, SimNetwork net) {
        /** Every byte delivered, once, in order, unchanged, both ways, and every close confirmed. */
        Result verify() { return verify(false); }

        /**
         * Every byte delivered, once, in order, unchanged, both ways; throws with the seed to replay if not.
         * With {@code allowUnconfirmedClose}, a side whose close timed out waiting for the last
         * acknowledgement is accepted when the bytes prove everything arrived (docs/rudp.md: a lost
         * CLOSE leaves the peer unable to tell), and counted in {@link #unconfirmedCloses()}.
         */
        Result verify(boolean allowUnconfirmedClose) {
            String tag = "seed " + s.seed + ": ";
            if (!done) throw new AssertionError(tag + "did not finish within " + s.limitNanos / 1e9 + " s of virtual time; " + summary());
            for (StreamApp c : clientApps) {
                if (c.failure != null && !(allowUnconfirmedClose && unconfirmedClose(c))) {
                    throw new AssertionError(tag + "client failed: " + c.failure.getMessage() + "; " + summary());
                }
                int i = index.get(addressOf(c));
                byte[] expectDown = payload(s.seed * 1_000_003 + 2L * i + 1, s.downBytes);
                if (!Arrays.equals(expectDown, c.received.toByteArray())) {
                    throw new AssertionError(tag + "client " + i + " received " + c.received.size() + " bytes, not the " + s.downBytes + " sent");
                }
                StreamApp srv = serverApps.get(addressOf(c));
                if (srv == null) throw new AssertionError(tag + "server never accepted client " + i);
                if (srv.failure != null && !(allowUnconfirmedClose && unconfirmedClose(srv))) {
                    throw new AssertionError(tag + "server side failed: " + srv.failure.getMessage() + "; server conn "
                            + srv.conn.state() + ", got " + srv.received.size() + ", eof " + srv.eof + ", " + srv.conn.stats(0).describe()
                            + "; " + summary());
                }
                byte[] expectUp = payload(s.seed * 1_000_003 + 2L * i, s.upBytes);
                if (!Arrays.equals(expectUp, srv.received.toByteArray())) {
                    throw new AssertionError(tag + "server received " + srv.received.size() + " bytes from client " + i + ", not the " + s.upBytes + " sent");
                }
            }
            if (clientApps.size() != s.clients) throw new AssertionError(tag + "only " + clientApps.size() + " clients started");
            return this;
        }

        /** Its close timed out after it had read the peer's whole stream (the bytes are checked separately). */
        private static boolean unconfirmedClose(StreamApp a) {
            RudpException.Kind k = a.failure.kind();
            boolean timedOut = k == RudpException.Kind.IDLE_TIMEOUT
                    || (k == RudpException.Kind.ABORTED && a.failure.reason().startsWith("linger timeout"))
                    || (k == RudpException.Kind.CLOSED_BY_PEER && a.failure.reason().startsWith("linger timeout"));
            return timedOut && a.eof;
        }

        /** Connections (either side) whose close was not confirmed, though the data arrived. */
        long unconfirmedCloses() {
            long n = 0;
            for (StreamApp c : clientApps) if (c.failure != null) n++;
            for (StreamApp a : serverApps.values()) if (a.failure != null) n++;
            return n;
        }

        private SockAddr addressOf(StreamApp c) {
            for (SimPeer p : peers) if (p.endpoint == endpointOf(c)) return p.address;
            throw new AssertionError("unknown client");
        }

        private static Object endpointOf(StreamApp c) { return c.endpointRef(); }

        LinkStats upStats(int client) { return net.stats(Scenario.clientAddress(client), Scenario.SERVER); }

        LinkStats downStats(int client) { return net.stats(Scenario.SERVER, Scenario.clientAddress(client)); }

        String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append(clientApps.size()).append(" clients started, ").append(serverApps.size()).append(" accepted");
            if (!clientApps.isEmpty()) {
                StreamApp c = clientApps.get(0);
                sb.append("; client 0: ").append(c.conn.state()).append(", got ").append(c.received.size())
                        .append(", eof ").append(c.eof).append(", ").append(c.conn.stats(0).describe());
            }
            sb.append("; server ").append(server.endpoint.counters());
            sb.append("; link up: ").append(upStats(0)).append("; link down: ").append(downStats(0));
            return sb.toString();
        }

        /** Seconds of virtual time until the last client read its last byte. */
        double seconds() {
            long last = 0;
            for (StreamApp c : clientApps) last = Math.max(last, c.finishedAt);
            for (StreamApp a : serverApps.values()) last = Math.max(last, a.finishedAt);
            return last / 1e9;
        }
    }
}
