package org.jsock.rudp.conn;

import org.jsock.net.SockAddr;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.RudpException;
import org.jsock.rudp.wire.Cid;
import org.jsock.rudp.wire.Frame;
import org.jsock.rudp.wire.Packet;
import org.jsock.rudp.wire.PacketCodec;
import org.jsock.rudp.wire.PacketType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server side of the handshake against hand-made packets: no state before a valid cookie, never
 * more than three times the bytes received, version negotiation, and the client's reaction to both.
 */
class HandshakeTest {
    static final SockAddr SERVER = SockAddr.Inet4.of("10.0.0.1", 4433);
    static final long MS = 1_000_000L;

    record Sent(SockAddr to, byte[] bytes) {
        Packet packet() throws Exception { return PacketCodec.decode(ByteBuffer.wrap(bytes)); }
    }

    static final class Capture implements Endpoint.DatagramSink {
        final List<Sent> sent = new ArrayList<>();
        @Override public void send(SockAddr to, ByteBuffer datagram) {
            byte[] b = new byte[datagram.remaining()];
            datagram.duplicate().get(b);
            sent.add(new Sent(to, b));
        }
        long bytesTo(SockAddr a) { return sent.stream().filter(s -> s.to.equals(a)).mapToLong(s -> s.bytes.length).sum(); }
    }

    static ByteBuffer initial(int version, Cid dcid, Cid scid, byte[] token, int padTo) {
        List<Frame> frames = new ArrayList<>(List.of(new Frame.Params(30_000, 1 << 20, 1200, 25)));
        Packet p = Packet.initial(version, dcid, scid, token, 0, frames);
        int pad = padTo - PacketCodec.encodedLength(p);
        if (pad > 0) frames.add(new Frame.Padding(pad));
        p = Packet.initial(version, dcid, scid, token, 0, frames);
        ByteBuffer b = ByteBuffer.allocate(PacketCodec.encodedLength(p));
        PacketCodec.encode(p, b);
        return b.flip();
    }

    @Test
    void spoofedInitialsGetNoStateAndAtMostThreeTimesTheirBytes() throws Exception {
        Capture out = new Capture();
        Endpoint server = new Endpoint(RudpConfig.defaults(), true, new SplittableRandom(1), out);
        long in = 0;
        for (int i = 0; i < 1000; i++) {
            SockAddr victim = new SockAddr.Inet4(0xc0000200 + (i & 0xff), 1000 + i);
            ByteBuffer d = initial(RudpConfig.VERSION_1, Cid.random(new SplittableRandom(i)), Cid.random(new SplittableRandom(-i)), new byte[0], 1200);
            in += d.remaining();
            server.onDatagram(i * MS, victim, d);
            assertTrue(out.bytesTo(victim) <= 3L * 1200, "amplified to " + victim);
        }
        assertEquals(0, server.connectionCount());
        assertEquals(1000, server.counters().get("retriesSent"));
        long outBytes = out.sent.stream().mapToLong(s -> s.bytes.length).sum();
        assertTrue(outBytes <= 3 * in);
        for (Sent s : out.sent) assertEquals(PacketType.RETRY, s.packet().type());
    }

    @Test
    void smallInitialGetsNoAnswer() {
        Capture out = new Capture();
        Endpoint server = new Endpoint(RudpConfig.defaults(), true, new SplittableRandom(1), out);
        server.onDatagram(0, SockAddr.Inet4.of("10.0.0.2", 1000),
                initial(RudpConfig.VERSION_1, Cid.random(new SplittableRandom(2)), Cid.random(new SplittableRandom(3)), new byte[0], 600));
        assertEquals(0, out.sent.size());
        assertEquals(1, server.counters().get("shortInitialDropped"));
    }

    @Test
    void aCookieWorksOnlyFromItsAddressAndOnlyWhileFresh() throws Exception {
        Capture out = new Capture();
        Endpoint server = new Endpoint(RudpConfig.defaults(), true, new SplittableRandom(1), out);
        SockAddr client = SockAddr.Inet4.of("10.0.0.2", 1000);
        Cid clientCid = Cid.random(new SplittableRandom(5));
        server.onDatagram(0, client, initial(RudpConfig.VERSION_1, Cid.random(new SplittableRandom(4)), clientCid, new byte[0], 1200));
        Packet retry = out.sent.get(0).packet();
        assertEquals(PacketType.RETRY, retry.type());
        assertEquals(clientCid, retry.dcid());
        byte[] token = retry.token();

        // From another address: dropped, no state.
        server.onDatagram(MS, SockAddr.Inet4.of("10.0.0.3", 1000), initial(RudpConfig.VERSION_1, retry.scid(), clientCid, token, 1200));
        assertEquals(0, server.connectionCount());
        // A changed token: dropped.
        byte[] forged = token.clone();
        forged[forged.length - 1] ^= 1;
        server.onDatagram(MS, client, initial(RudpConfig.VERSION_1, retry.scid(), clientCid, forged, 1200));
        assertEquals(0, server.connectionCount());
        assertEquals(2, server.counters().get("invalidTokenDropped"));
        // Genuine but too old (default lifetime 10 s): no connection, a fresh RETRY instead.
        int sentBefore = out.sent.size();
        server.onDatagram(11_000 * MS, client, initial(RudpConfig.VERSION_1, retry.scid(), clientCid, token, 1200));
        assertEquals(0, server.connectionCount());
        assertEquals(PacketType.RETRY, out.sent.get(sentBefore).packet().type());
        assertEquals(2, server.counters().get("retriesSent"));
        // In time, from the right address: a connection, answered with HANDSHAKE.
        int before = out.sent.size();
        server.onDatagram(2_000 * MS, client, initial(RudpConfig.VERSION_1, retry.scid(), clientCid, token, 1200));
        assertEquals(1, server.connectionCount());
        Connection c = server.accept();
        assertNotNull(c);
        Packet hs = out.sent.get(before).packet();
        assertEquals(PacketType.HANDSHAKE, hs.type());
        assertEquals(clientCid, hs.dcid());
        assertEquals(retry.scid(), hs.scid());
        assertTrue(hs.frames().stream().anyMatch(f -> f instanceof Frame.Params));
    }

    @Test
    void unknownVersionGetsVersionNegotiation() throws Exception {
        Capture out = new Capture();
        Endpoint server = new Endpoint(RudpConfig.defaults(), true, new SplittableRandom(1), out);
        Cid d = Cid.random(new SplittableRandom(8)), s = Cid.random(new SplittableRandom(9));
        server.onDatagram(0, SockAddr.Inet4.of("10.0.0.2", 1000), initial(0x1a2a3a4a, d, s, new byte[0], 1200));
        Packet vn = out.sent.get(0).packet();
        assertEquals(PacketType.VERSION_NEGOTIATION, vn.type());
        assertEquals(s, vn.dcid());
        assertEquals(d, vn.scid());
        assertArrayEquals(new int[] {RudpConfig.VERSION_1}, vn.supportedVersions());
        assertTrue(out.sent.get(0).bytes().length <= 3 * 1200);
        assertEquals(0, server.connectionCount());
    }

    @Test
    void clientNegotiatesDownToACommonVersionOrFailsClearly() throws Exception {
        // Prefers a version the server lacks, also speaks 1: ends up connected on 1.
        Capture out = new Capture();
        RudpConfig both = RudpConfig.defaults().withVersions(0x1a2a3a4a, RudpConfig.VERSION_1);
        Endpoint client = new Endpoint(both, false, new SplittableRandom(3), out);
        Connection c = client.connect(0, SERVER);
        client.flush(0);
        Packet first = out.sent.get(0).packet();
        assertEquals(0x1a2a3a4a, first.version());
        assertTrue(out.sent.get(0).bytes().length >= 1200, "INITIAL padded to 1200");
        client.onDatagram(MS, SERVER, encode(Packet.versionNegotiation(first.scid(), first.dcid(), new int[] {RudpConfig.VERSION_1})));
        Packet second = out.sent.get(out.sent.size() - 1).packet();
        assertEquals(RudpConfig.VERSION_1, second.version());
        assertEquals(null, c.failure());

        // Speaks only a version the server lacks: fails with both lists in the message.
        Capture out2 = new Capture();
        Endpoint lone = new Endpoint(RudpConfig.defaults().withVersions(0x1a2a3a4a), false, new SplittableRandom(4), out2);
        Connection c2 = lone.connect(0, SERVER);
        lone.flush(0);
        Packet p = out2.sent.get(0).packet();
        lone.onDatagram(MS, SERVER, encode(Packet.versionNegotiation(p.scid(), p.dcid(), new int[] {RudpConfig.VERSION_1})));
        assertEquals(RudpException.Kind.NO_COMMON_VERSION, c2.failure().kind());
        assertTrue(c2.failure().getMessage().contains("0x00000001"), c2.failure().getMessage());
    }

    static ByteBuffer encode(Packet p) {
        ByteBuffer b = ByteBuffer.allocate(PacketCodec.encodedLength(p));
        PacketCodec.encode(p, b);
        return b.flip();
    }
}
