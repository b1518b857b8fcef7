package org.jsock.net;

import org.jsock.sys.Sys;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.jsock.net.Sockets.ascii;
import static org.jsock.net.Sockets.recvText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stream semantics at the net level: half-close, peeking, MSG_WAITALL, partial reads, and recvFully
 * (the seed's read_data loop) driven by a hostile peer that sends one byte at a time.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(20)
class SocketSemanticsTest {
    private final Sockets sockets = new Sockets();

    @AfterEach
    void closeAll() throws Exception {
        sockets.close();
    }

    /** Runs {@code body} on another thread; the caller joins it with a bound. */
    private static CompletableFuture<Void> async(ThrowingRunnable body) {
        return CompletableFuture.runAsync(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The hostile fixture: every byte in its own send, with a pause so each arrives alone. */
    private static CompletableFuture<Void> trickle(Socket to, byte[] data) {
        return async(() -> {
            to.set(SockOpt.TCP_NODELAY, true);
            for (byte b : data) {
                assertEquals(1, to.send(new byte[] {b}));
                LockSupport.parkNanos(50_000);
            }
        });
    }

    @Test
    void afterThePeerShutsDownWritingRecvReturnsEofWhileWeCanStillSend() throws Exception {
        for (Family f : new Family[] {Family.INET, Family.INET6}) {
            Socket[] p = sockets.tcpPair(f);
            Socket client = p[0], server = p[1];
            client.sendAll(ascii("request"), 0, 7);
            client.shutdown(Shutdown.WRITE);
            assertEquals("request", recvText(server, 7));
            assertEquals(Socket.EOF, server.recv(new byte[8]), f + ": EOF after the peer's SHUT_WR");
            assertEquals(Socket.EOF, server.recv(ByteBuffer.allocate(8)), "EOF again");
            server.sendAll(ascii("response"), 0, 8);
            server.shutdown(Shutdown.WRITE);
            assertEquals("response", recvText(client, 8), "the half-closed side still receives");
            assertEquals(Socket.EOF, client.recv(new byte[8]));
        }
        Socket[] u = sockets.pair(SockType.STREAM);
        u[0].shutdown(Shutdown.WRITE);
        assertEquals(Socket.EOF, u[1].recv(new byte[1]), "the same over a Unix stream");
        u[1].send(ascii("u"));
        assertEquals("u", recvText(u[0], 1));
    }

    @Test
    @Timeout(5)
    void aSeqpacketPeersCloseReadsAsEofSoRecvFullyEnds() throws Exception {
        Socket[] p = sockets.pair(SockType.SEQPACKET);
        p[0].send(ascii("rec"));
        p[0].close();
        byte[] b = new byte[8];
        assertEquals(3, p[1].recv(b));
        assertEquals(Socket.EOF, p[1].recv(b), "0 from recv on a SEQPACKET socket is the peer's close, as on a stream");
        Socket[] q = sockets.pair(SockType.SEQPACKET);
        q[0].send(ascii("ab"));
        q[0].close();
        assertEquals(2, q[1].recvFully(b, 0, 8), "recvFully stops at the end instead of spinning on 0");
    }

    @Test
    void shutdownReadMakesOurOwnRecvSeeEof() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        p[1].shutdown(Shutdown.READ);
        assertEquals(Socket.EOF, p[1].recv(new byte[4]));
        p[1].send(ascii("out"));
        assertEquals("out", recvText(p[0], 3), "SHUT_RD leaves our sending alone");
    }

    @Test
    void peekLeavesTheDataInPlace() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        p[0].sendAll(ascii("peekaboo"), 0, 8);
        byte[] b = new byte[4];
        assertEquals(4, p[1].recv(b, 0, 4, MsgFlags.PEEK.and(MsgFlags.WAITALL)));
        assertEquals("peek", ascii(b, 4));
        assertTrue(MsgFlags.PEEK.and(MsgFlags.WAITALL).has(MsgFlags.PEEK));
        assertEquals(4, p[1].recv(b, 0, 4, MsgFlags.PEEK));
        assertEquals("peek", ascii(b, 4));
        assertEquals("peekaboo", recvText(p[1], 8));
    }

    @Test
    void waitallFillsTheBufferWhenTheSenderWritesInPieces() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        CompletableFuture<Void> writer = async(() -> {
            p[0].set(SockOpt.TCP_NODELAY, true);
            for (String piece : new String[] {"ab", "cd", "ef", "gh"}) {
                p[0].send(ascii(piece));
                Thread.sleep(20);
            }
        });
        byte[] b = new byte[8];
        assertEquals(8, p[1].recv(b, 0, 8, MsgFlags.WAITALL), "MSG_WAITALL returned before the buffer was full");
        assertEquals("abcdefgh", ascii(b, 8));
        writer.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aPlainRecvReturnsWhatHasArrivedNotWhatWasAskedFor() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        p[0].send(ascii("abc"));
        byte[] b = new byte[1000];
        int n = p[1].recv(b);
        assertTrue(n >= 1 && n <= 3, "partial read of " + n);
        String rest = n < 3 ? recvText(p[1], 3 - n) : "";
        assertEquals("abc", ascii(b, n) + rest);
    }

    @Test
    void recvFullyReadsEverythingFromAPeerThatSendsOneByteAtATime() throws Exception {
        byte[] data = new byte[300];
        new Random(7).nextBytes(data);
        Socket[] p = sockets.tcpPair(Family.INET);
        CompletableFuture<Void> sender = trickle(p[0], data);
        byte[] got = new byte[data.length];
        assertEquals(data.length, p[1].recvFully(got, 0, got.length));
        assertArrayEquals(data, got);
        sender.get(10, TimeUnit.SECONDS);
    }

    @Test
    void recvFullyOnANonblockingSocketWaitsOutEachEmptyRead() throws Exception {
        byte[] data = new byte[200];
        new Random(8).nextBytes(data);
        Socket[] p = sockets.tcpPair(Family.INET);
        p[1].configureBlocking(false);
        CompletableFuture<Void> sender = trickle(p[0], data);
        ByteBuffer got = ByteBuffer.allocateDirect(data.length);
        assertEquals(data.length, p[1].recvFully(got));
        got.flip();
        byte[] out = new byte[data.length];
        got.get(out);
        assertArrayEquals(data, out);
        sender.get(10, TimeUnit.SECONDS);
    }

    @Test
    void recvFullyStopsShortWhenThePeerCloses() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        CompletableFuture<Void> sender = async(() -> {
            for (byte b : ascii("short")) {
                p[0].send(new byte[] {b});
                LockSupport.parkNanos(100_000);
            }
            p[0].close();
        });
        byte[] got = new byte[100];
        assertEquals(5, p[1].recvFully(got, 0, 100), "fewer than asked: the peer closed first");
        assertEquals("short", ascii(got, 5));
        sender.get(5, TimeUnit.SECONDS);
    }

    @Test
    void lengthPrefixedFramesSurviveOneByteDelivery() throws Exception {
        // Framing read with recvFully, as a protocol reader would: 2-byte length, then the payload.
        String[] frames = {"", "a", "hello", "x".repeat(200), "end"};
        ByteBuffer wire = ByteBuffer.allocate(1024);
        for (String f : frames) wire.putShort((short) f.length()).put(ascii(f));
        byte[] bytes = Arrays.copyOf(wire.array(), wire.position());
        Socket[] p = sockets.pair(SockType.STREAM);
        CompletableFuture<Void> sender = async(() -> {
            for (byte b : bytes) {
                p[0].send(new byte[] {b});
                LockSupport.parkNanos(20_000);
            }
        });
        for (String f : frames) {
            ByteBuffer len = ByteBuffer.allocate(2);
            assertEquals(2, p[1].recvFully(len));
            int n = len.flip().getShort();
            assertEquals(f.length(), n);
            byte[] payload = new byte[n];
            assertEquals(n, p[1].recvFully(payload, 0, n));
            assertEquals(f, ascii(payload, n));
        }
        sender.get(10, TimeUnit.SECONDS);
    }

    @Test
    void awaitReportsReadinessAndTimesOut() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        assertTrue(p[0].await(Sys.POLLOUT, Duration.ofSeconds(1)));
        long t0 = System.nanoTime();
        assertTrue(!p[1].await(Sys.POLLIN, Duration.ofMillis(50)));
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 40, "await waited its timeout");
        p[0].send(ascii("!"));
        assertTrue(p[1].await(Sys.POLLIN, null), "a null timeout waits until ready");
    }
}
