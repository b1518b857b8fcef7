package org.jsock.net;

import org.jsock.sys.Sys;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.jsock.net.Sockets.ascii;
import static org.jsock.net.Sockets.recvText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The net layer on its success paths: {@link Socket} over IPv4, IPv6, dual-stack, Unix stream and
 * datagram sockets (path and abstract) and socketpair, with every buffer kind it takes.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(10)
class SocketCallsTest {
    private final Sockets sockets = new Sockets();

    @org.junit.jupiter.api.BeforeAll
    static void warmUpJavaNio() throws Exception {
        // java.nio keeps a pre-close socketpair of its own for the JVM's life; open it before the
        // fd-leak snapshot.
        java.nio.channels.SocketChannel.open().close();
    }

    @AfterEach
    void closeAll() throws Exception {
        sockets.close();
    }

    private static void exchange(Socket a, Socket b) throws Exception {
        a.sendAll(ascii("ping"), 0, 4);
        assertEquals("ping", recvText(b, 4));
        b.sendAll(ascii("pong"), 0, 4);
        assertEquals("pong", recvText(a, 4));
    }

    @Test
    void tcpOverIpv4ListensConnectsAcceptsAndNamesBothEnds() throws Exception {
        Socket l = sockets.listen(SockAddr.Inet4.loopback(0));
        SockAddr.Inet4 where = (SockAddr.Inet4) l.localAddress();
        assertEquals(0x7f000001, where.address());
        assertTrue(where.port() > 0);
        assertEquals(Family.INET, l.family());
        assertEquals(SockType.STREAM, l.type());
        assertTrue(l.get(SockOpt.SO_REUSEADDR), "listenOn sets SO_REUSEADDR");

        Socket c = sockets.connect(where);
        Socket s = sockets.accept(l);
        assertEquals(c.localAddress(), s.peerAddress(), "accept reports the client's address");
        assertEquals(where, c.peerAddress());
        assertEquals(where, s.localAddress());
        assertNotEquals(c.fd(), s.fd());
        exchange(c, s);
    }

    @Test
    void everyBufferKindCarriesBytes() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        Socket c = p[0], s = p[1];

        assertEquals(3, c.send(ascii("xabcx"), 1, 3));
        byte[] b = new byte[10];
        assertEquals(3, s.recvFully(b, 2, 3));
        assertEquals("abc", ascii(Arrays.copyOfRange(b, 2, 5), 3));

        ByteBuffer heap = ByteBuffer.wrap(ascii("heap-buffer"));
        assertEquals(11, c.send(heap));
        assertEquals(11, heap.position(), "send advances the position");
        ByteBuffer in = ByteBuffer.allocate(11);
        assertEquals(11, s.recvFully(in));
        assertEquals("heap-buffer", new String(in.array()));

        ByteBuffer direct = ByteBuffer.allocateDirect(6).put(ascii("direct")).flip();
        c.sendAll(direct);
        assertFalse(direct.hasRemaining());
        ByteBuffer din = ByteBuffer.allocateDirect(6);
        s.recvFully(din);
        din.flip();
        byte[] got = new byte[6];
        din.get(got);
        assertEquals("direct", ascii(got, 6));

        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocateFrom("segment", java.nio.charset.StandardCharsets.US_ASCII).asSlice(0, 7);
            assertEquals(7, c.send(seg, MsgFlags.NONE));
            MemorySegment into = a.allocate(7);
            assertEquals(7, s.recv(into, MsgFlags.WAITALL));
            assertEquals("segment", new String(into.toArray(ValueLayout.JAVA_BYTE)));
        }
    }

    @Test
    void aMegabyteCrossesIntactWhileTheOtherSideReads() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                p[0].sendAll(data, 0, data.length);
                p[0].shutdown(Shutdown.WRITE);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        byte[] back = new byte[data.length + 1];
        assertEquals(data.length, p[1].recvFully(back, 0, back.length), "recvFully stops at EOF");
        writer.get(5, TimeUnit.SECONDS);
        assertArrayEquals(data, Arrays.copyOf(back, data.length));
    }

    @Test
    void tcpOverIpv6Loopback() throws Exception {
        Socket l = sockets.listen(SockAddr.Inet6.loopback(0));
        SockAddr.Inet6 where = (SockAddr.Inet6) l.localAddress();
        assertEquals("::1", where.host());
        Socket c = sockets.connect(where);
        Socket s = sockets.accept(l);
        assertInstanceOf(SockAddr.Inet6.class, s.peerAddress());
        assertEquals(c.localAddress(), s.peerAddress());
        exchange(c, s);
    }

    @Test
    void dualStackListenerTakesIpv4ClientsOnlyWithV6onlyOff() throws Exception {
        Socket dual = sockets.add(Socket.tcp(Family.INET6));
        dual.set(SockOpt.IPV6_V6ONLY, false);
        dual.bind(SockAddr.Inet6.any(0));
        dual.listen(4);
        int port = ((SockAddr.Inet6) dual.localAddress()).port();
        Socket c4 = sockets.connect(SockAddr.Inet4.loopback(port));
        Socket s = sockets.accept(dual);
        SockAddr.Inet6 peer = (SockAddr.Inet6) s.peerAddress();
        assertEquals("::ffff:127.0.0.1", peer.host(), "an IPv4 client appears v4-mapped");
        assertEquals(((SockAddr.Inet4) c4.localAddress()).port(), peer.port());
        exchange(c4, s);

        // The port comes from a dual-stack probe, so no IPv4 socket holds it: a refusal is then ours.
        int free;
        try (Socket probe = Socket.tcp(Family.INET6)) {
            probe.set(SockOpt.IPV6_V6ONLY, false);
            probe.bind(SockAddr.Inet6.any(0));
            free = ((SockAddr.Inet6) probe.localAddress()).port();
        }
        Socket only6 = sockets.add(Socket.tcp(Family.INET6));
        only6.set(SockOpt.IPV6_V6ONLY, true);
        only6.bind(SockAddr.Inet6.any(free));
        only6.listen(4);
        int port6 = ((SockAddr.Inet6) only6.localAddress()).port();
        var e = assertThrows(org.jsock.sys.ErrnoException.class, () -> sockets.connect(SockAddr.Inet4.loopback(port6)));
        assertEquals("ECONNREFUSED", e.error().name());
        exchange(sockets.connect(SockAddr.Inet6.loopback(port6)), sockets.accept(only6));
    }

    @Test
    void udpSendToAndRecvFromNameTheSenderOnBothFamilies() throws Exception {
        for (Family f : new Family[] {Family.INET, Family.INET6}) {
            Socket a = sockets.udp(f), b = sockets.udp(f);
            assertEquals(SockType.DGRAM, a.type());
            assertEquals(4, a.sendTo(ByteBuffer.wrap(ascii("ping")), b.localAddress()));
            ByteBuffer buf = ByteBuffer.allocate(64);
            SockAddr from = b.recvFrom(buf);
            assertEquals(a.localAddress(), from, f + ": recvFrom names the sender");
            assertEquals(4, buf.position());
            assertEquals(4, b.sendTo(ascii("pong"), 0, 4, from));
            buf.clear();
            assertEquals(b.localAddress(), a.recvFrom(buf));
            assertEquals("pong", new String(buf.array(), 0, buf.position()));
        }
    }

    @Test
    void udpDatagramsKeepTheirBoundariesAndAnEmptyOneIsNotEof() throws Exception {
        Socket a = sockets.udp(Family.INET), b = sockets.udp(Family.INET);
        a.connect(b.localAddress());
        b.connect(a.localAddress());
        a.send(ascii("one"));
        a.send(new byte[0]);
        a.send(ascii("three"));
        byte[] buf = new byte[32];
        assertEquals(3, b.recv(buf));
        assertEquals(0, b.recv(buf), "an empty datagram is 0 bytes, not EOF");
        assertEquals(5, b.recv(buf));
    }

    @Test
    void unixStreamOverAPathAndAnAbstractName() throws Exception {
        Path file = sockets.tempPath("stream.sock");
        for (SockAddr.Unix where : new SockAddr.Unix[] {SockAddr.Unix.path(file.toString()), Sockets.abstractName()}) {
            Socket l = sockets.listen(where);
            assertEquals(where, l.localAddress());
            Socket c = sockets.connect(where);
            Socket s = sockets.accept(l);
            assertEquals(where, c.peerAddress());
            assertEquals(new SockAddr.Unix("", false), s.peerAddress(), "an unbound client is unnamed");
            exchange(c, s);
        }
        assertTrue(Files.exists(file), "a path socket is a file");
    }

    @Test
    void unixDatagramOverAPathAndAnAbstractName() throws Exception {
        Path dir = sockets.tempPath("x").getParent();
        SockAddr.Unix[][] cases = {
                {SockAddr.Unix.path(dir.resolve("srv").toString()), SockAddr.Unix.path(dir.resolve("cli").toString())},
                {Sockets.abstractName(), Sockets.abstractName()}};
        for (SockAddr.Unix[] c : cases) {
            Socket srv = sockets.add(Socket.udp(Family.UNIX));
            Socket cli = sockets.add(Socket.open(Family.UNIX, SockType.DGRAM));
            srv.bind(c[0]);
            cli.bind(c[1]);
            cli.sendTo(ByteBuffer.wrap(ascii("query")), c[0]);
            ByteBuffer buf = ByteBuffer.allocate(16);
            assertEquals(c[1], srv.recvFrom(buf));
            srv.sendTo(ByteBuffer.wrap(ascii("reply")), c[1]);
            buf.clear();
            assertEquals(c[0], cli.recvFrom(buf));
            assertEquals("reply", new String(buf.array(), 0, buf.position()));
        }
    }

    @Test
    void socketpairGivesTwoConnectedSocketsOfEachType() throws Exception {
        Socket[] st = sockets.pair(SockType.STREAM);
        assertEquals(Family.UNIX, st[0].family());
        exchange(st[0], st[1]);
        Socket[] dg = sockets.pair(SockType.DGRAM);
        assertEquals(SockType.DGRAM, dg[1].get(SockOpt.SO_TYPE));
        exchange(dg[0], dg[1]);
        Socket[] sp = sockets.pair(SockType.SEQPACKET);
        sp[0].send(ascii("rec1"));
        sp[0].send(ascii("rec22"));
        byte[] b = new byte[16];
        assertEquals(4, sp[1].recv(b));
        assertEquals(5, sp[1].recv(b), "SEQPACKET keeps record boundaries");
    }

    @Test
    void nonblockingModeReturnsStatusCodesInsteadOfBlocking() throws Exception {
        Socket l = sockets.listen(SockAddr.Inet4.loopback(0));
        l.configureBlocking(false);
        assertFalse(l.isBlocking());
        assertNull(l.accept(), "no pending connection: null, not an exception");

        Socket c = sockets.add(Socket.tcp(Family.INET));
        c.configureBlocking(false);
        boolean done = c.connect(l.localAddress());
        if (!done) {
            assertTrue(c.await(Sys.POLLOUT, Duration.ofSeconds(2)));
            c.finishConnect();
        }
        assertTrue(l.await(Sys.POLLIN, Duration.ofSeconds(2)), "the listener becomes readable");
        Socket s = sockets.add(l.accept());
        assertTrue(s.isBlocking(), "an accepted socket starts blocking");

        byte[] b = new byte[8];
        assertEquals(Socket.WOULD_BLOCK, c.recv(b));
        assertEquals(Socket.WOULD_BLOCK, c.recv(ByteBuffer.allocate(8)));
        s.send(ascii("late"));
        assertTrue(c.await(Sys.POLLIN, Duration.ofSeconds(2)));
        assertEquals("late", recvText(c, 4));
        assertFalse(c.await(Sys.POLLIN, Duration.ofMillis(20)), "await times out when nothing comes");

        c.configureBlocking(true);
        assertTrue(c.isBlocking());
        assertEquals(0, Sys.fcntl(c.fd(), Sys.F_GETFL) & Sys.O_NONBLOCK);
    }

    @Test
    void connectWithATimeoutConnectsAndLeavesTheSocketBlocking() throws Exception {
        Socket l = sockets.listen(SockAddr.Inet4.loopback(0));
        Socket c = sockets.add(Socket.tcp(Family.INET));
        c.connect(l.localAddress(), Duration.ofSeconds(2));
        assertTrue(c.isBlocking());
        assertEquals(l.localAddress(), c.peerAddress());
        exchange(c, sockets.accept(l));
    }

    @Test
    void adoptTakesOwnershipOfARawSocketFd() throws Exception {
        int[] sv = new int[2];
        Sys.socketpair(Sys.AF_UNIX, Sys.SOCK_DGRAM | Sys.SOCK_CLOEXEC, 0, sv);
        Socket a = sockets.add(Socket.adopt(sv[0]));
        Socket b = sockets.add(Socket.adopt(sv[1]));
        assertEquals(Family.UNIX, a.family());
        assertEquals(SockType.DGRAM, a.type());
        assertEquals(sv[0], a.fd());
        exchange(a, b);
    }

    @Test
    void adoptKeepsTheBlockingModeTheFdAlreadyHas() throws Exception {
        int[] sv = new int[2];
        Sys.socketpair(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC, 0, sv);
        Socket a = sockets.add(Socket.adopt(sv[0]));
        Socket b = sockets.add(Socket.adopt(sv[1]));
        assertFalse(a.isBlocking(), "an O_NONBLOCK fd is adopted as non-blocking");
        assertEquals(Socket.WOULD_BLOCK, a.recv(new byte[4]), "so an empty read is WOULD_BLOCK, not a timeout");
        b.configureBlocking(true);
        assertTrue(b.isBlocking());
        b.sendAll(ascii("hi"), 0, 2);
        assertEquals("hi", recvText(a, 2), "recvFully waits for a non-blocking socket");
    }

    @Test
    void addressesConvertToAndFromJavaNet() throws Exception {
        Socket l = sockets.listen(SockAddr.Inet4.loopback(0));
        java.net.InetSocketAddress isa = (java.net.InetSocketAddress) l.localAddress().toJava();
        assertEquals("127.0.0.1", isa.getAddress().getHostAddress());
        // java.nio connects to a jsock listener through the converted address.
        try (var ch = java.nio.channels.SocketChannel.open(isa)) {
            Socket s = sockets.accept(l);
            assertEquals(SockAddr.of(ch.getLocalAddress()), s.peerAddress());
            ch.write(ByteBuffer.wrap(ascii("nio")));
            assertEquals("nio", recvText(s, 3));
        }
    }
}
