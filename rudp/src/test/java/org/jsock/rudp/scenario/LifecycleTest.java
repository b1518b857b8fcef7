package org.jsock.rudp.scenario;

import org.jsock.net.SockAddr;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.RudpException;
import org.jsock.rudp.conn.Connection;
import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.sim.SimNetwork;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idle timeout, keep-alives and flow control against a slow reader, in virtual time. */
class LifecycleTest {
    static final SockAddr SERVER = SockAddr.Inet4.of("10.0.0.1", 4433);
    static final SockAddr CLIENT = SockAddr.Inet4.of("10.0.0.2", 5000);
    static final long S = 1_000_000_000L;

    record Pair(SimNetwork net, SimPeer server, SimPeer client, Connection c, Connection[] accepted) {}

    static Pair connect(RudpConfig config, Impairment link) {
        SimNetwork net = new SimNetwork(9);
        net.link(CLIENT, SERVER, link, link);
        SimPeer server = new SimPeer(net, SERVER, config, true, 1);
        SimPeer client = new SimPeer(net, CLIENT, config, false, 2);
        Connection[] accepted = new Connection[1];
        server.app(now -> {
            Connection a = server.endpoint.accept();
            if (a != null) accepted[0] = a;
        });
        Connection c = client.endpoint.connect(0, SERVER);
        client.endpoint.touched(0, c);
        net.wake(CLIENT);
        assertTrue(net.runUntil(() -> c.isEstablished() && accepted[0] != null, 5 * S));
        return new Pair(net, server, client, c, accepted);
    }

    @Test
    void silentConnectionIdlesOutOnBothSides() {
        RudpConfig config = RudpConfig.defaults().withIdleTimeout(Duration.ofSeconds(2));
        Pair p = connect(config, Impairment.builder().delayMillis(10).build());
        p.net().runUntil(() -> p.c().state() == Connection.State.CLOSED, 10 * S);
        assertEquals(RudpException.Kind.IDLE_TIMEOUT, p.c().failure().kind());
        long at = p.net().now();
        assertTrue(at >= 2 * S && at < 3 * S, "idled out at " + at / 1e9 + " s");
        p.net().runUntil(() -> p.accepted()[0].state() == Connection.State.CLOSED, 10 * S);
        assertEquals(RudpException.Kind.IDLE_TIMEOUT, p.accepted()[0].failure().kind());
        assertEquals(0, p.server().endpoint.connectionCount());
    }

    @Test
    void keepAlivesHoldASilentConnectionOpen() {
        RudpConfig config = RudpConfig.defaults().withIdleTimeout(Duration.ofSeconds(2)).withKeepAlive(Duration.ofMillis(500));
        Pair p = connect(config, Impairment.builder().delayMillis(10).build());
        p.net().runUntil(() -> p.c().state() != Connection.State.ESTABLISHED, 60 * S);
        assertEquals(Connection.State.ESTABLISHED, p.c().state(), "still open after a minute of application silence");
        assertNull(p.c().failure());
        assertTrue(p.c().stats(0).packetsSent() > 60, "PINGs were sent: " + p.c().stats(0).packetsSent());
    }

    @Test
    void slowReaderSlowsTheSenderAndBoundsMemory() {
        int window = 64 * 1024, sendBuffer = 128 * 1024, total = 2 * 1024 * 1024;
        RudpConfig config = RudpConfig.defaults().withReceiveWindow(window).withSendBuffer(sendBuffer);
        Pair p = connect(config, Impairment.builder().delayMillis(5).rateMbps(100).build());
        Connection c = p.c(), s = p.accepted()[0];
        long[] written = {0}, read = {0}, maxHeld = {0}, maxUnacked = {0};
        byte[] chunk = new byte[16 * 1024];
        ByteBuffer one = ByteBuffer.allocate(1024);
        p.client().app(now -> {
            try {
                int n;
                while (written[0] < total && (n = c.write(ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, total - written[0])))) > 0) {
                    written[0] += n;
                }
                maxUnacked[0] = Math.max(maxUnacked[0], c.sendBuffered());
                p.client().endpoint.touched(now, c);
            } catch (RudpException e) {
                throw new AssertionError(e);
            }
        });
        // The reader takes 1 KiB every 2 ms: 4 Mbit/s, a fraction of the 100 Mbit/s link.
        for (long t = 0; t < 1000; t++) {
            long at = p.net().now() + 2_000_000;
            p.net().schedule(at, () -> {
                try {
                    maxHeld[0] = Math.max(maxHeld[0], s.receiveBuffered());
                    one.clear();
                    int n = s.read(one);
                    if (n > 0) read[0] += n;
                    p.server().endpoint.touched(p.net().now(), s);
                } catch (RudpException e) {
                    throw new AssertionError(e);
                }
            });
            p.net().runUntil(() -> false, at);
        }
        // A few early reads find nothing yet (the handshake and first flight): most find their KiB.
        assertTrue(read[0] >= 950 * 1024, "the reader read " + read[0]);
        assertTrue(maxHeld[0] <= window, "receiver held " + maxHeld[0] + " bytes with a window of " + window);
        assertTrue(maxUnacked[0] <= sendBuffer, "sender held " + maxUnacked[0] + " with a buffer of " + sendBuffer);
        assertTrue(written[0] < read[0] + window + sendBuffer + 1, "the sender was held back: wrote " + written[0]);
        assertNotNull(c.stats(0));
        assertNull(c.failure());
    }
}
