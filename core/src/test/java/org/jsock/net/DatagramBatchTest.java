package org.jsock.net;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.net.SocketTimeoutException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.jsock.net.Sockets.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Socket.sendBatch and recvBatch over loopback: each datagram arrives whole and in order with its
 * sender, on IPv4 and IPv6, connected and not; partial batches; WOULD_BLOCK; a closed socket.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(20)
class DatagramBatchTest {
    private final Sockets sockets = new Sockets();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() throws Exception {
        sockets.close();
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS), "a test thread is still stuck");
    }

    /** Datagram {@code i}: its number, then bytes that differ from datagram to datagram. */
    private static byte[] payload(int i, int len) {
        byte[] b = new byte[len];
        for (int k = 0; k < len; k++) b[k] = (byte) (i * 31 + k * 7);
        if (len >= 2) {
            b[0] = (byte) (i >> 8);
            b[1] = (byte) i;
        }
        return b;
    }

    private static byte[] slot(DatagramBatch b, int slot) {
        byte[] out = new byte[b.length(slot)];
        assertEquals(out.length, b.get(slot, out, 0));
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"INET", "INET6"})
    void unconnectedSocketsSendEachSlotToItsAddressAndLearnEachSender(Family family) throws Exception {
        Socket a = sockets.udp(family);
        Socket b = sockets.udp(family);
        Socket c = sockets.udp(family);
        DatagramBatch out = new DatagramBatch(6, 256);
        for (int i = 0; i < 6; i++) {
            out.put(i, payload(i, 10 + 40 * i), 0, 10 + 40 * i);
            out.setAddress(i, (i % 2 == 0 ? b : c).localAddress());
        }
        assertEquals(6, a.sendBatch(out, 0, 6));

        DatagramBatch in = new DatagramBatch(8, 256);
        assertEquals(3, b.recvBatch(in), "the three for b, in one call");
        for (int k = 0; k < 3; k++) {
            int i = 2 * k;
            assertArrayEquals(payload(i, 10 + 40 * i), slot(in, k), "datagram " + i + " intact");
            assertEquals(a.localAddress(), in.address(k), "slot " + k + " names its sender");
            assertFalse(in.truncated(k));
        }
        for (int k = 3; k < 8; k++) {
            assertEquals(0, in.length(k), "an unfilled slot is empty");
            assertNull(in.address(k));
        }
        assertEquals(3, c.recvBatch(in));
        for (int k = 0; k < 3; k++) assertArrayEquals(payload(2 * k + 1, 10 + 40 * (2 * k + 1)), slot(in, k));
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"INET", "INET6"})
    void aReceivedBatchSentBackAnswersEachSender(Family family) throws Exception {
        Socket server = sockets.udp(family);
        Socket[] clients = {sockets.udp(family), sockets.udp(family), sockets.udp(family)};
        for (int i = 0; i < clients.length; i++) clients[i].sendTo(ByteBuffer.wrap(payload(i, 64)), server.localAddress());

        DatagramBatch batch = new DatagramBatch(16, 2048);
        int n = server.recvBatch(batch);
        assertEquals(3, n);
        assertEquals(3, server.sendBatch(batch, 0, n), "each slot keeps its sender as its address");
        for (int i = 0; i < clients.length; i++) {
            ByteBuffer back = ByteBuffer.allocate(128);
            assertEquals(server.localAddress(), clients[i].recvFrom(back));
            back.flip();
            assertEquals(ByteBuffer.wrap(payload(i, 64)), back, "client " + i + " got its own datagram back");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"INET", "INET6"})
    void connectedSocketsSendSlotsWithoutAddresses(Family family) throws Exception {
        Socket a = sockets.udp(family);
        Socket b = sockets.udp(family);
        a.connect(b.localAddress());
        DatagramBatch out = new DatagramBatch(4, 64);
        for (int i = 0; i < 4; i++) {
            out.put(i, ByteBuffer.wrap(payload(i, 33)));
            assertFalse(out.hasAddress(i));
        }
        out.put(3, new byte[0], 0, 0);
        assertEquals(4, a.sendBatch(out, 0, 4));
        DatagramBatch in = new DatagramBatch(4, 64);
        assertEquals(4, b.recvBatch(in, MsgFlags.NONE), "without WAITFORONE a blocking receive fills every slot");
        for (int i = 0; i < 3; i++) {
            ByteBuffer got = ByteBuffer.allocate(64);
            assertEquals(33, in.get(i, got));
            assertEquals(ByteBuffer.wrap(payload(i, 33)), got.flip());
            assertEquals(a.localAddress(), in.address(i));
        }
        assertEquals(0, in.length(3), "an empty datagram");
        assertTrue(in.hasAddress(3), "still has a sender");
    }

    @Test
    void partialBatchesSendTheRangeAskedAndReceiveWhatFits() throws Exception {
        Socket a = sockets.udp(Family.INET);
        Socket b = sockets.udp(Family.INET);
        DatagramBatch out = new DatagramBatch(10, 16);
        for (int i = 0; i < 10; i++) {
            out.put(i, payload(i, 16), 0, 16);
            out.setAddress(i, b.localAddress());
        }
        assertEquals(3, a.sendBatch(out, 2, 3), "slots 2, 3 and 4 only");
        assertEquals(5, a.sendBatch(out, 5, 5));
        assertEquals(0, a.sendBatch(out, 0, 0));

        DatagramBatch in = new DatagramBatch(3, 16);
        int[] expect = {2, 3, 4, 5, 6, 7, 8, 9};
        int seen = 0;
        for (int call = 0; call < 3; call++) {
            int n = b.recvBatch(in);
            assertEquals(call < 2 ? 3 : 2, n, "call " + call + " takes what fits of what is queued");
            for (int k = 0; k < n; k++) assertArrayEquals(payload(expect[seen++], 16), slot(in, k));
        }
        assertEquals(8, seen);
        assertThrows(IndexOutOfBoundsException.class, () -> a.sendBatch(out, 8, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> a.sendBatch(out, -1, 1));
    }

    @Test
    void aDatagramLongerThanTheSlotIsCutAndSaysSo() throws Exception {
        Socket a = sockets.udp(Family.INET);
        Socket b = sockets.udp(Family.INET);
        a.sendTo(ByteBuffer.wrap(payload(1, 100)), b.localAddress());
        a.sendTo(ByteBuffer.wrap(payload(2, 8)), b.localAddress());
        DatagramBatch in = new DatagramBatch(2, 8);
        assertEquals(2, b.recvBatch(in));
        assertEquals(8, in.length(0));
        assertTrue(in.truncated(0));
        byte[] cut = new byte[8];
        System.arraycopy(payload(1, 100), 0, cut, 0, 8);
        assertArrayEquals(cut, slot(in, 0));
        assertFalse(in.truncated(1), "exactly the capacity is not cut");
    }

    @Test
    void aBatchReusedAcrossReceivesAndSendsKeepsEachSlotsStateStraight() throws Exception {
        Socket a = sockets.udp(Family.INET);
        Socket b = sockets.udp(Family.INET);
        a.connect(b.localAddress());
        a.send(payload(1, 100));
        a.send(payload(2, 5));
        a.send(payload(3, 6));
        DatagramBatch batch = new DatagramBatch(4, 16);
        assertEquals(3, b.recvBatch(batch));
        assertTrue(batch.truncated(0));

        a.send(payload(4, 7));
        assertEquals(1, b.recvBatch(batch), "a second, smaller receive");
        assertArrayEquals(payload(4, 7), slot(batch, 0));
        assertFalse(batch.truncated(0), "slot 0 now holds a whole datagram");
        for (int k = 1; k < 4; k++) {
            assertEquals(0, batch.length(k), "slot " + k + " held a datagram before, now it is empty");
            assertFalse(batch.hasAddress(k));
        }

        // Slot 0 keeps its sender; slot 1, empty, is written for sending and has no address until given one.
        batch.put(1, payload(5, 9), 0, 9);
        assertFalse(batch.hasAddress(1));
        batch.setAddress(1, a.localAddress());
        assertEquals(2, b.sendBatch(batch, 0, 2));
        ByteBuffer got = ByteBuffer.allocate(32);
        a.recv(got);
        assertEquals(ByteBuffer.wrap(payload(4, 7)), got.flip());
        got.clear();
        a.recv(got);
        assertEquals(ByteBuffer.wrap(payload(5, 9)), got.flip());

        // A truncated slot written over is not truncated any more.
        a.send(payload(6, 40));
        assertEquals(1, b.recvBatch(batch));
        assertTrue(batch.truncated(0));
        batch.put(0, payload(7, 3), 0, 3);
        assertFalse(batch.truncated(0));
        assertTrue(batch.hasAddress(0), "the sender stays the slot's address");
    }

    @Test
    void anEmptySlotInASendRangeGoesAsAnEmptyDatagram() throws Exception {
        Socket a = sockets.udp(Family.INET6);
        Socket b = sockets.udp(Family.INET6);
        a.connect(b.localAddress());
        DatagramBatch out = new DatagramBatch(3, 8);
        out.put(0, ascii("abc"), 0, 3);
        out.put(2, ascii("xyz"), 0, 3);
        assertEquals(3, a.sendBatch(out, 0, 3), "slot 1 was never written");
        DatagramBatch in = new DatagramBatch(3, 8);
        assertEquals(3, b.recvBatch(in, MsgFlags.NONE));
        assertEquals(3, in.length(0));
        assertEquals(0, in.length(1));
        assertTrue(in.hasAddress(1), "an empty datagram, still from a");
        assertEquals(3, in.length(2));
    }

    @Test
    void anEmptyNonBlockingReceiveWouldBlock() throws Exception {
        Socket b = sockets.udp(Family.INET);
        DatagramBatch in = new DatagramBatch(4, 64);
        assertEquals(Socket.WOULD_BLOCK, b.recvBatch(in, MsgFlags.DONTWAIT), "DONTWAIT on a blocking socket");
        b.configureBlocking(false);
        assertEquals(Socket.WOULD_BLOCK, b.recvBatch(in));
        for (int k = 0; k < 4; k++) assertEquals(0, in.length(k), "nothing arrived, every slot empty");

        b.configureBlocking(true);
        b.set(SockOpt.SO_RCVTIMEO, Duration.ofMillis(50));
        assertThrows(SocketTimeoutException.class, () -> b.recvBatch(in), "a blocking receive past SO_RCVTIMEO");
    }

    @Test
    void aClosedSocketRefusesBatchesAndABlockedReceiveWakes() throws Exception {
        Socket a = sockets.udp(Family.INET);
        DatagramBatch batch = new DatagramBatch(2, 64);
        Future<Integer> blocked = pool.submit(() -> a.recvBatch(batch));
        Thread.sleep(100);
        assertFalse(blocked.isDone(), "recvBatch waits for a datagram");
        a.close();
        Throwable woke = assertThrows(java.util.concurrent.ExecutionException.class, () -> blocked.get(5, TimeUnit.SECONDS)).getCause();
        assertInstanceOf(SocketClosedException.class, woke, "the blocked receive wakes: " + woke);
        assertThrows(SocketClosedException.class, () -> a.recvBatch(batch));
        assertThrows(SocketClosedException.class, () -> a.sendBatch(batch, 0, 1));
    }

    @Test
    void kernelErrorsAreErrnoExceptions() throws Exception {
        Socket a = sockets.udp(Family.INET);
        DatagramBatch out = new DatagramBatch(1, 8);
        out.put(0, ascii("x"), 0, 1);
        ErrnoException e = assertThrows(ErrnoException.class, () -> a.sendBatch(out, 0, 1), "no address, not connected");
        assertEquals(Sys.EDESTADDRREQ, e.errno());
        assertEquals("sendmmsg", e.call());
        out.setAddress(0, SockAddr.Inet6.loopback(9));
        assertEquals(Sys.EAFNOSUPPORT, assertThrows(ErrnoException.class, () -> a.sendBatch(out, 0, 1)).errno(),
                "an IPv6 address from an IPv4 socket");
    }

    @Test
    void unixDatagramPairsBatchToo() throws Exception {
        Socket[] p = sockets.pair(SockType.DGRAM);
        DatagramBatch out = new DatagramBatch(3, 32);
        for (int i = 0; i < 3; i++) out.put(i, payload(i, 20), 0, 20);
        assertEquals(3, p[0].sendBatch(out, 0, 3));
        DatagramBatch in = new DatagramBatch(3, 32);
        assertEquals(3, p[1].recvBatch(in));
        for (int i = 0; i < 3; i++) assertArrayEquals(payload(i, 20), slot(in, i));
    }

    @Test
    void slotsAreCheckedAndTheirViewsShareTheBatchsMemory() throws Exception {
        DatagramBatch b = new DatagramBatch(2, 8);
        assertEquals(2, b.slots());
        assertEquals(8, b.capacity());
        assertThrows(IllegalArgumentException.class, () -> b.put(0, new byte[9], 0, 9), "over capacity");
        assertThrows(IllegalArgumentException.class, () -> b.setLength(1, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> b.length(2));
        assertThrows(IndexOutOfBoundsException.class, () -> b.setAddress(-1, SockAddr.Inet4.loopback(1)));
        assertThrows(IllegalArgumentException.class, () -> new DatagramBatch(0, 8));
        assertThrows(IllegalArgumentException.class, () -> new DatagramBatch(DatagramBatch.MAX_SLOTS + 1, 8));
        assertThrows(IllegalArgumentException.class, () -> new DatagramBatch(1, 0));

        b.segment(1).set(ValueLayout.JAVA_BYTE, 0, (byte) 'w');
        b.segment(1).set(ValueLayout.JAVA_BYTE, 1, (byte) 'x');
        b.setLength(1, 2);
        ByteBuffer view = b.buffer(1);
        assertTrue(view.isDirect());
        assertEquals(2, view.remaining());
        assertEquals('w', view.get(0));
        assertThrows(BufferOverflowException.class, () -> b.get(1, ByteBuffer.allocate(1)));

        b.setAddress(0, SockAddr.Inet6.loopback(7));
        assertEquals(SockAddr.Inet6.loopback(7), b.address(0));
        b.clearAddress(0);
        assertFalse(b.hasAddress(0));

        Set<Long> starts = new HashSet<>();
        for (int i = 0; i < 2; i++) starts.add(b.segment(i).address());
        assertEquals(2, starts.size(), "each slot has memory of its own");
        try (Arena arena = Arena.ofConfined()) {
            DatagramBatch owned = new DatagramBatch(arena, 1, 4);
            owned.put(0, ascii("abcd"), 0, 4);
            assertEquals(4, owned.length(0));
        }
    }
}
