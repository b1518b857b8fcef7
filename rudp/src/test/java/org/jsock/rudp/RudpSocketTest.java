package org.jsock.rudp;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rudp over real UDP sockets on loopback, through the socket API. */
@ExtendWith(FdLeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RudpSocketTest {
    // Each task its own thread: the common pool has one worker on a 2-core machine, and these block.
    static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    });
    static final RudpConfig FAST = RudpConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(2));

    /** Accepts one connection and echoes it until end of stream. */
    static CompletableFuture<Void> echoOnce(RudpListener l) {
        return CompletableFuture.runAsync(() -> {
            try (RudpSocket s = l.accept()) {
                ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                while (true) {
                    b.clear();
                    int n = s.recv(b);
                    if (n == Socket.EOF) break;
                    b.flip();
                    while (b.hasRemaining()) s.send(b);
                }
                s.shutdownOutput();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, THREADS);
    }

    @Test
    void echoOverIpv4AndIpv6() throws Exception {
        for (SockAddr local : new SockAddr[] {SockAddr.Inet4.loopback(0), SockAddr.Inet6.loopback(0)}) {
            try (RudpListener l = RudpSocket.listen(local, FAST)) {
                CompletableFuture<Void> server = echoOnce(l);
                try (RudpSocket c = RudpSocket.connect(l.localAddress(), FAST)) {
                    c.sendAll("hello, rudp\n".getBytes(), 0, 12);
                    c.shutdownOutput();
                    byte[] got = c.inputStream().readAllBytes();
                    assertEquals("hello, rudp\n", new String(got));
                    assertEquals(l.localAddress().toString(), c.peerAddress().toString());
                }
                server.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void byteChannelView() throws Exception {
        try (RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), FAST)) {
            CompletableFuture<Void> server = echoOnce(l);
            try (RudpSocket c = RudpSocket.connect(l.localAddress(), FAST)) {
                java.nio.channels.ByteChannel ch = c.channel();
                assertEquals(5, ch.write(ByteBuffer.wrap("bytes".getBytes())));
                c.shutdownOutput();
                ByteBuffer b = ByteBuffer.allocate(16);
                while (ch.read(b) >= 0) { }
                assertEquals("bytes", new String(b.array(), 0, b.position()));
                assertTrue(ch.isOpen());
            }
            server.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sixteenMegabytesBothWaysArriveIntact() throws Exception {
        byte[] data = new byte[16 << 20];
        new SplittableRandom(1).nextBytes(data);
        try (RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), FAST)) {
            CompletableFuture<Void> server = echoOnce(l);
            try (RudpSocket c = RudpSocket.connect(l.localAddress(), FAST)) {
                CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.inputStream().readAllBytes();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, THREADS);
                OutputStream out = c.outputStream();
                for (int off = 0; off < data.length; off += 100_000) out.write(data, off, Math.min(100_000, data.length - off));
                c.shutdownOutput();
                byte[] got = reader.get(30, TimeUnit.SECONDS);
                assertEquals(data.length, got.length);
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), MessageDigest.getInstance("SHA-256").digest(got));
                RudpStats st = c.stats();
                assertTrue(st.packetsSent() > data.length / 1200, st.describe());
                assertTrue(st.smoothedRtt().toMillis() < 333, "an RTT was measured: " + st.describe());
            }
            server.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void largerDatagramsWhenBothSidesAllowThem() throws Exception {
        RudpConfig jumbo = FAST.withMaxDatagramSize(8000);
        byte[] data = new byte[1 << 20];
        new SplittableRandom(3).nextBytes(data);
        try (RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), jumbo)) {
            CompletableFuture<byte[]> server = CompletableFuture.supplyAsync(() -> {
                try (RudpSocket s = l.accept()) {
                    return s.inputStream().readAllBytes();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, THREADS);
            RudpSocket c = RudpSocket.connect(l.localAddress(), jumbo);
            c.outputStream().write(data);
            c.close();
            assertArrayEquals(data, server.get(20, TimeUnit.SECONDS));
            RudpStats st = c.stats();
            // Loopback's MTU (65,536) carries 8,000-byte datagrams unfragmented (DF is set).
            assertTrue(st.bytesSent() / st.packetsSent() > 4000, st.describe());
        }
        // Below the 1200-byte floor: refused before any socket exists.
        assertThrows(IllegalArgumentException.class, () -> FAST.withMaxDatagramSize(1000));
    }

    @Test
    void closeDeliversEverythingWrittenBeforeIt() throws Exception {
        byte[] data = new byte[2 << 20];
        new SplittableRandom(2).nextBytes(data);
        try (RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), FAST)) {
            CompletableFuture<byte[]> server = CompletableFuture.supplyAsync(() -> {
                try (RudpSocket s = l.accept()) {
                    return s.inputStream().readAllBytes();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, THREADS);
            RudpSocket c = RudpSocket.connect(l.localAddress(), FAST);
            c.outputStream().write(data);
            c.close();   // no shutdown, no flush: close itself must deliver
            assertNull(c.closeFailure());
            assertArrayEquals(data, server.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void connectToNobodyTimesOutClearly() throws Exception {
        // A bound UDP port that never answers.
        try (Socket silent = Socket.udp(org.jsock.net.Family.INET)) {
            silent.bind(SockAddr.Inet4.loopback(0));
            RudpConfig quick = RudpConfig.defaults().withHandshakeTimeout(Duration.ofMillis(800));
            RudpException e = assertThrows(RudpException.class, () -> RudpSocket.connect(silent.localAddress(), quick));
            assertEquals(RudpException.Kind.HANDSHAKE_TIMEOUT, e.kind());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        }
    }

    @Test
    void connectToAClosedPortIsRefusedAtOnce() throws Exception {
        int port;
        try (Socket probe = Socket.udp(org.jsock.net.Family.INET)) {
            probe.bind(SockAddr.Inet4.loopback(0));
            port = ((SockAddr.Inet4) probe.localAddress()).port();
        }
        long t0 = System.nanoTime();
        RudpException e = assertThrows(RudpException.class, () -> RudpSocket.connect(SockAddr.Inet4.loopback(port), FAST));
        assertEquals(RudpException.Kind.REFUSED, e.kind());
        assertEquals("connect: Connection refused: nothing listens on UDP 127.0.0.1:" + port, e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "refused without waiting for the timeout");
    }

    @Test
    void aServerThatVanishesEndsTheConnection() throws Exception {
        RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), FAST);
        CompletableFuture<RudpSocket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return l.accept();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, THREADS);
        try (RudpSocket c = RudpSocket.connect(l.localAddress(), FAST)) {
            RudpSocket s = accepted.get(5, TimeUnit.SECONDS);
            s.abort("simulated crash");
            l.close();
            // The listener's port closes once its connections are gone; the client's next packets meet ICMP.
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 200; i++) {
                    c.sendAll(new byte[1000], 0, 1000);
                    Thread.sleep(10);
                }
            });
            assertTrue(e instanceof RudpException, String.valueOf(e));
        }
        // The server's aborted connection stays CLOSING for 3 PTOs (about 3 s with no RTT sample yet).
        awaitDriversGone();
    }

    /**
     * A closed connection's driver lingers in its closing period (three PTOs, more while the peer keeps
     * sending): let it end before FdLeakCheck counts sockets (JUnit runs this before the extension).
     */
    @org.junit.jupiter.api.AfterEach
    void driversEnd() throws InterruptedException {
        awaitDriversGone();
    }

    /** Waits (at most 10 s) until every rudp driver thread has ended, so their sockets are closed. */
    static void awaitDriversGone() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline
                && Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("rudp "))) {
            Thread.sleep(20);
        }
    }

    @Test
    void noCommonVersionIsReported() throws Exception {
        try (RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), FAST)) {
            RudpException e = assertThrows(RudpException.class,
                    () -> RudpSocket.connect(l.localAddress(), FAST.withVersions(0x1a2a3a4a)));
            assertEquals(RudpException.Kind.NO_COMMON_VERSION, e.kind());
            assertEquals(1, l.counters().get("versionNegotiationsSent"));
        }
    }

    @Test
    void peerAbortReachesTheReaderWithItsReason() throws Exception {
        try (RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), FAST)) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try {
                    RudpSocket s = l.accept();
                    s.recv(ByteBuffer.allocate(10));
                    s.abort("going away");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, THREADS);
            try (RudpSocket c = RudpSocket.connect(l.localAddress(), FAST)) {
                c.sendAll(new byte[] {1}, 0, 1);
                RudpException e = assertThrows(RudpException.class, () -> c.recv(ByteBuffer.allocate(10)));
                assertEquals(RudpException.Kind.CLOSED_BY_PEER, e.kind());
                assertEquals("going away", e.reason());
            }
            server.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        try (RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), FAST)) {
            CompletableFuture<RudpSocket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return l.accept();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, THREADS);
            RudpSocket c = RudpSocket.connect(l.localAddress(), FAST);
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    c.recv(ByteBuffer.allocate(10));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }, THREADS);
            Thread.sleep(200);
            long t0 = System.nanoTime();
            c.abort("test");
            Throwable t = reader.get(5, TimeUnit.SECONDS);
            assertTrue(t instanceof SocketClosedException, String.valueOf(t));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
            accepted.get(5, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void nonBlockingCallsSayWouldBlock() throws Exception {
        try (RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), FAST)) {
            l.configureBlocking(false);
            assertNull(l.accept());
            l.configureBlocking(true);
            CompletableFuture<Void> server = echoOnce(l);
            try (RudpSocket c = RudpSocket.connect(l.localAddress(), FAST)) {
                c.configureBlocking(false);
                assertEquals(Socket.WOULD_BLOCK, c.recv(ByteBuffer.allocate(10)));
                assertEquals(3, c.send(ByteBuffer.wrap("abc".getBytes())));
                assertTrue(c.await(org.jsock.net.Poller.IN, Duration.ofSeconds(5)));
                ByteBuffer b = ByteBuffer.allocate(10);
                assertEquals(3, c.recv(b));
                c.configureBlocking(true);
                c.shutdownOutput();
            }
            server.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void manyClientsShareOneServerPort() throws Exception {
        try (RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), FAST)) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        RudpSocket s = l.accept();
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                byte[] all = s.inputStream().readAllBytes();
                                s.outputStream().write(all);
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        });
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, THREADS);
            CompletableFuture<?>[] clients = new CompletableFuture<?>[20];
            for (int i = 0; i < 20; i++) {
                int id = i;
                clients[i] = CompletableFuture.runAsync(() -> {
                    try (RudpSocket c = RudpSocket.connect(l.localAddress(), FAST)) {
                        byte[] msg = ("client " + id + " ").repeat(1000).getBytes();
                        c.outputStream().write(msg);
                        c.shutdownOutput();
                        assertArrayEquals(msg, c.inputStream().readAllBytes());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, THREADS);
            }
            CompletableFuture.allOf(clients).get(30, TimeUnit.SECONDS);
            server.get(10, TimeUnit.SECONDS);
        }
    }
}
