package org.jsock.rudp.impair;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.sys.ErrnoException;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay over real UDP on 127.0.0.1: a UDP echo server behind it, jsock sockets as clients.
 * Every socket the relay opens must be closed by {@link Relay#close()} (FdLeakCheck).
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(30)
class RelayTest {
    private static final SockAddr ANY_LOOPBACK_PORT = SockAddr.Inet4.loopback(0);
    private static final Duration WAIT = Duration.ofSeconds(2);

    /** A UDP echo server on its own thread; remembers who talked to it. */
    static final class UdpEcho implements AutoCloseable {
        final Socket socket;
        final SockAddr address;
        final AtomicInteger received = new AtomicInteger();
        final Set<SockAddr> peers = ConcurrentHashMap.newKeySet();
        private final Thread thread;

        UdpEcho() throws IOException {
            socket = Socket.udp(Family.INET);
            socket.bind(ANY_LOOPBACK_PORT);
            address = socket.localAddress();
            thread = Thread.ofPlatform().daemon(true).name("udp echo").start(this::serve);
        }

        private void serve() {
            ByteBuffer buf = ByteBuffer.allocateDirect(65536);
            try {
                while (true) {
                    buf.clear();
                    SockAddr from = socket.recvFrom(buf);
                    received.incrementAndGet();
                    peers.add(from);
                    buf.flip();
                    socket.sendTo(buf, from);
                }
            } catch (SocketClosedException e) {
                // closed by the test
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(2000);
        }
    }

    /** A UDP client connected to the relay, with a receive timeout. */
    private static Socket client(Relay relay) throws IOException {
        Socket s = Socket.udp(Family.INET);
        try {
            s.bind(ANY_LOOPBACK_PORT);
            s.connect(relay.localAddress());
            s.set(SockOpt.SO_RCVTIMEO, WAIT);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static byte[] exchange(Socket s, byte[] out) throws IOException {
        s.send(out);
        return receive(s);
    }

    private static byte[] receive(Socket s) throws IOException {
        byte[] in = new byte[65536];
        int n = s.recv(in);
        return Arrays.copyOf(in, n);
    }

    /** Waits (bounded) for something the relay's thread does. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void withoutImpairmentEveryDatagramComesBackIntact() throws Exception {
        try (UdpEcho echo = new UdpEcho();
             Relay relay = Relay.start(ANY_LOOPBACK_PORT, echo.address, Impairment.NONE, 1);
             Socket c = client(relay)) {
            assertTrue(relay.localAddress() instanceof SockAddr.Inet4 a && a.port() != 0, relay.localAddress().toString());
            SplittableRandom random = new SplittableRandom(3);
            long bytes = 0;
            for (int i = 0; i < 300; i++) {
                // Sizes from empty to far beyond an Ethernet MTU (loopback carries 64 KiB datagrams).
                int size = i == 0 ? 0 : i == 1 ? 60_000 : random.nextInt(1, 1500);
                byte[] out = new byte[size];
                random.nextBytes(out);
                assertArrayEquals(out, exchange(c, out), "datagram " + i + " of " + size + " bytes");
                bytes += size;
            }
            long total = bytes;
            await("the relay's counters", () -> relay.downstreamStats().delivered() == 300);
            for (LinkStats s : new LinkStats[] {relay.upstreamStats(), relay.downstreamStats()}) {
                assertEquals(300, s.offered(), s.toString());
                assertEquals(300, s.delivered(), s.toString());
                assertEquals(0, s.dropped(), s.toString());
                assertEquals(total, s.bytesDelivered(), s.toString());
            }
            assertEquals(0, relay.relayDrops());
            assertEquals(1, relay.clients());
            assertEquals(1, echo.peers.size());
        }
    }

    @Test
    void withLossOfOneNothingPasses() throws Exception {
        try (UdpEcho echo = new UdpEcho();
             Relay relay = Relay.start(ANY_LOOPBACK_PORT, echo.address, Impairment.builder().loss(1).build(), 1);
             Socket c = client(relay)) {
            c.set(SockOpt.SO_RCVTIMEO, Duration.ofMillis(300));
            for (int i = 0; i < 20; i++) c.send(("lost " + i).getBytes(StandardCharsets.UTF_8));
            assertThrows(SocketTimeoutException.class, () -> receive(c));
            await("20 datagrams counted", () -> relay.upstreamStats().offered() == 20);
            assertEquals(20, relay.upstreamStats().lost());
            assertEquals(0, relay.upstreamStats().delivered());
            assertEquals(0, echo.received.get(), "the target got nothing");
            assertEquals(0, relay.downstreamStats().offered());
        }
    }

    @Test
    void eachClientGetsItsOwnReplies() throws Exception {
        try (UdpEcho echo = new UdpEcho();
             Relay relay = Relay.start(ANY_LOOPBACK_PORT, echo.address, Impairment.NONE, 1);
             Socket first = client(relay);
             Socket second = client(relay)) {
            for (int i = 0; i < 50; i++) {
                // Both ask before either reads, so the replies are in flight together.
                byte[] one = ("first " + i).getBytes(StandardCharsets.UTF_8);
                byte[] two = ("second " + i).getBytes(StandardCharsets.UTF_8);
                first.send(one);
                second.send(two);
                assertArrayEquals(two, receive(second));
                assertArrayEquals(one, receive(first));
            }
            assertEquals(2, relay.clients());
            assertEquals(2, echo.peers.size(), "the target sees one socket per client");
            assertFalse(echo.peers.contains(relay.localAddress()));
        }
    }

    @Test
    void delayAppliesInEachDirection() throws Exception {
        try (UdpEcho echo = new UdpEcho();
             Relay relay = Relay.start(ANY_LOOPBACK_PORT, echo.address, Impairment.builder().delayMillis(40).build(), 1);
             Socket c = client(relay)) {
            long fastest = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                assertArrayEquals(new byte[] {(byte) i}, exchange(c, new byte[] {(byte) i}));
                fastest = Math.min(fastest, System.nanoTime() - t0);
            }
            assertTrue(fastest >= 80_000_000, "round trip " + fastest / 1e6 + " ms, under 2 x 40 ms");
            assertTrue(fastest < 400_000_000, "round trip " + fastest / 1e6 + " ms: the relay sleeps past its deliveries");
        }
    }

    @Test
    void rateSpacesDatagramsInRealTime() throws Exception {
        // 1250 bytes at 1 Mbit/s take 10 ms each way: ten sent at once come back over about 110 ms.
        try (UdpEcho echo = new UdpEcho();
             Relay relay = Relay.start(ANY_LOOPBACK_PORT, echo.address, Impairment.builder().rateMbps(1).build(), 1);
             Socket c = client(relay)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) c.send(new byte[1250]);
            for (int i = 0; i < 10; i++) assertEquals(1250, receive(c).length);
            long elapsed = System.nanoTime() - t0;
            assertTrue(elapsed >= 100_000_000, "ten took " + elapsed / 1e6 + " ms: not rate-limited");
        }
    }

    @Test
    void idleClientsAreForgottenAndComeBackAsNew() throws Exception {
        try (UdpEcho echo = new UdpEcho();
             Relay relay = Relay.start(ANY_LOOPBACK_PORT, echo.address, Impairment.NONE, 1, 200_000_000L);
             Socket c = client(relay)) {
            assertArrayEquals(new byte[] {1}, exchange(c, new byte[] {1}));
            assertEquals(1, relay.clients());
            await("the idle client to be forgotten", () -> relay.clients() == 0);
            assertArrayEquals(new byte[] {2}, exchange(c, new byte[] {2}));
            assertEquals(2, echo.peers.size(), "a new upstream socket after expiry");
        }
    }

    @Test
    void closeReleasesEverySocketAndThePort() throws Exception {
        Set<String> before = FdLeakCheck.openSockets();
        SockAddr where;
        try (UdpEcho echo = new UdpEcho()) {
            Relay relay = Relay.start(ANY_LOOPBACK_PORT, echo.address, Impairment.builder().delayMillis(500).build(), 1);
            where = relay.localAddress();
            Socket[] clients = {client(relay), client(relay), client(relay)};
            for (Socket c : clients) c.send(new byte[] {7}); // still in the delay line at close
            await("three clients", () -> relay.clients() == 3);
            assertTrue(relay.isRunning());
            relay.close();
            relay.close(); // idempotent
            assertFalse(relay.isRunning());
            assertEquals(null, relay.failure());
            for (Socket c : clients) c.close();
        }
        assertEquals(before, FdLeakCheck.openSockets());
        try (Socket again = Socket.udp(Family.INET)) {
            again.bind(where); // free again
        }
    }

    @Test
    void aPortInUseIsReportedByStart() throws Exception {
        try (Socket taken = Socket.udp(Family.INET)) {
            taken.bind(ANY_LOOPBACK_PORT);
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Relay.start(taken.localAddress(), SockAddr.Inet4.loopback(9), Impairment.NONE, 1));
            assertTrue(e.is("EADDRINUSE"), e.getMessage());
        }
    }

    @Test
    void aTargetWithNothingListeningCountsAsRelayDrops() throws Exception {
        SockAddr closed;
        try (Socket probe = Socket.udp(Family.INET)) {
            probe.bind(ANY_LOOPBACK_PORT);
            closed = probe.localAddress();
        }
        try (Relay relay = Relay.start(ANY_LOOPBACK_PORT, closed, Impairment.NONE, 1);
             Socket c = client(relay)) {
            for (int i = 0; i < 5; i++) {
                c.send(new byte[] {(byte) i});
                Thread.sleep(20); // let the ICMP error come back between sends
            }
            await("five datagrams offered", () -> relay.upstreamStats().offered() == 5);
            assertTrue(relay.isRunning(), "an unreachable target does not stop the relay: " + relay.failure());
            // The kernel reports port unreachable on the next call on that socket: some sends fail.
            await("a refused send counted", () -> relay.relayDrops() > 0);
        }
    }
}
