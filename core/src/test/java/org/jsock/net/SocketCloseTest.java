package org.jsock.net;

import org.jsock.sys.Sys;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.jsock.net.Sockets.ascii;
import static org.jsock.net.Sockets.recvText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A closed socket never reaches the kernel again, and a thread blocked in a socket that another
 * thread closes wakes at once with SocketClosedException.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(20)
class SocketCloseTest {
    private final Sockets sockets = new Sockets();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() throws Exception {
        sockets.close();
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS), "a test thread is still stuck");
    }

    @Test
    void closeIsIdempotent() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        int fd = p[0].fd();
        assertTrue(fd >= 0);
        assertFalse(p[0].isClosed());
        p[0].close();
        p[0].close();
        p[0].inputStream().close();
        p[0].channel().close();
        assertTrue(p[0].isClosed());
        assertEquals(-1, p[0].fd(), "a closed socket has no fd to hand out");
        assertTrue(p[0].toString().contains("closed"), p[0].toString());
        assertEquals(Socket.EOF, p[1].recv(new byte[1]), "the peer saw one orderly close");
    }

    /**
     * Opens sockets until one gets fd number {@code n} (the kernel hands out the lowest free number,
     * so that is usually the first); the others are closed again.
     */
    private Socket reuse(int n, Callable<Socket> open) throws Exception {
        List<Socket> extra = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                Socket s = open.call();
                if (s.fd() == n) return sockets.add(s);
                extra.add(s);
            }
            throw new AssertionError("fd " + n + " was not handed out again");
        } finally {
            for (Socket s : extra) s.close();
        }
    }

    @Test
    void aClosedSocketNeverTouchesTheSocketThatReusedItsFdNumber() throws Exception {
        Socket l = sockets.listen(SockAddr.Inet4.loopback(0));
        Socket a = Socket.tcp(Family.INET);
        int n = a.fd();
        a.close();
        // b now owns fd n, connected to a peer we can watch.
        Socket b = reuse(n, () -> Socket.tcp(Family.INET));
        b.connect(l.localAddress());
        Socket peer = sockets.accept(l);

        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("send", () -> a.send(ascii("stray")));
        calls.put("send(ByteBuffer)", () -> a.send(ByteBuffer.wrap(ascii("stray"))));
        calls.put("sendAll", () -> a.sendAll(ascii("stray"), 0, 5));
        calls.put("sendTo", () -> a.sendTo(ByteBuffer.wrap(ascii("stray")), peer.localAddress()));
        calls.put("recv", () -> a.recv(new byte[4]));
        calls.put("recv(DONTWAIT)", () -> a.recv(new byte[4], 0, 4, MsgFlags.DONTWAIT));
        calls.put("recvFully", () -> a.recvFully(new byte[4], 0, 4));
        calls.put("recvFrom", () -> a.recvFrom(ByteBuffer.allocate(4)));
        calls.put("bind", () -> a.bind(SockAddr.Inet4.loopback(0)));
        calls.put("listen", () -> a.listen(1));
        calls.put("accept", a::accept);
        calls.put("connect", () -> a.connect(l.localAddress()));
        calls.put("connect(timeout)", () -> a.connect(l.localAddress(), Duration.ofSeconds(1)));
        calls.put("finishConnect", a::finishConnect);
        calls.put("shutdown", () -> a.shutdown(Shutdown.BOTH));
        calls.put("localAddress", a::localAddress);
        calls.put("peerAddress", a::peerAddress);
        calls.put("configureBlocking", () -> a.configureBlocking(false));
        calls.put("await", () -> a.await(Sys.POLLOUT, Duration.ofMillis(10)));
        calls.put("set", () -> a.set(SockOpt.SO_KEEPALIVE, true));
        calls.put("set(linger)", () -> a.set(SockOpt.SO_LINGER, Linger.reset()));
        calls.put("get", () -> a.get(SockOpt.SO_KEEPALIVE));
        calls.put("setIntOption", () -> a.setIntOption(Sys.SOL_SOCKET, Sys.SO_KEEPALIVE, 1));
        calls.put("getIntOption", () -> a.getIntOption(Sys.SOL_SOCKET, Sys.SO_KEEPALIVE));
        calls.put("getOption", () -> a.getOption(Sys.SOL_SOCKET, Sys.SO_KEEPALIVE, new byte[4]));
        calls.put("setOption", () -> a.setOption(Sys.SOL_SOCKET, Sys.SO_KEEPALIVE, new byte[] {1, 0, 0, 0}));
        calls.put("channel.write", () -> a.channel().write(ByteBuffer.wrap(ascii("stray"))));
        calls.put("channel.read", () -> a.channel().read(ByteBuffer.allocate(4)));
        calls.put("outputStream.write", () -> a.outputStream().write(ascii("stray")));
        calls.put("inputStream.read", () -> a.inputStream().read());
        List<String> wrong = new ArrayList<>();
        for (var c : calls.entrySet()) {
            try {
                c.getValue().execute();
                wrong.add(c.getKey() + " returned normally");
            } catch (SocketClosedException expected) {
                // the only acceptable outcome
            } catch (Throwable t) {
                wrong.add(c.getKey() + " threw " + t);
            }
        }
        assertTrue(wrong.isEmpty(), "calls on a closed socket: " + wrong);
        a.close();

        // b, which owns the number now, was not touched by any of it.
        assertFalse(b.isClosed());
        assertEquals(n, b.fd());
        assertTrue(b.isBlocking());
        assertEquals(0, Sys.fcntl(n, Sys.F_GETFL) & Sys.O_NONBLOCK, "configureBlocking(false) on a did not reach fd " + n);
        assertFalse(b.get(SockOpt.SO_KEEPALIVE), "options set on a did not reach b");
        assertEquals(Linger.OFF, b.get(SockOpt.SO_LINGER));
        assertEquals(Socket.WOULD_BLOCK, peer.recv(new byte[16], 0, 16, MsgFlags.DONTWAIT), "nothing a sent reached b's peer");
        b.send(ascii("mine"));
        assertEquals("mine", recvText(peer, 4), "b still works");
        peer.send(ascii("yours"));
        assertEquals("yours", recvText(b, 5), "and no read on a stole b's data");
    }

    // ---- blocked threads ------------------------------------------------------------------------

    /**
     * Starts {@code blocked} on another thread, makes sure it is still blocked after a while, closes
     * {@code s} here, and checks the blocked call ends with SocketClosedException within 2 seconds.
     */
    private void assertWakesOnClose(Socket s, Callable<?> blocked) throws Exception {
        Future<?> f = pool.submit(blocked);
        Thread.sleep(200);
        assertFalse(f.isDone(), "the call did not block: " + (f.isDone() ? outcome(f) : ""));
        long t0 = System.nanoTime();
        s.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(2, TimeUnit.SECONDS),
                "the blocked call did not end within 2 s of close");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertInstanceOf(SocketClosedException.class, e.getCause(), "woke with " + e.getCause());
        assertTrue(ms < 2000, "woke after " + ms + " ms");
    }

    private static String outcome(Future<?> f) {
        try {
            return "returned " + f.get();
        } catch (Exception e) {
            return "threw " + e.getCause();
        }
    }

    @Test
    void acceptWakesWhenSocketClosedByAnotherThread() throws Exception {
        Socket l = sockets.listen(SockAddr.Inet4.loopback(0));
        assertWakesOnClose(l, l::accept);
        Socket u = sockets.listen(Sockets.abstractName());
        assertWakesOnClose(u, u::accept);
    }

    @Test
    void recvWakesWhenSocketClosedByAnotherThread() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        assertWakesOnClose(p[1], () -> p[1].recv(new byte[16]));
        assertEquals(Socket.EOF, p[0].recv(new byte[1]), "the peer sees the connection end");
        Socket[] u = sockets.pair(SockType.STREAM);
        assertWakesOnClose(u[0], () -> u[0].recvFully(new byte[16], 0, 16));
        Socket[] ip6 = sockets.tcpPair(Family.INET6);
        assertWakesOnClose(ip6[0], () -> ip6[0].inputStream().read());
    }

    @Test
    void recvFromWakesWhenADatagramSocketIsClosedByAnotherThread() throws Exception {
        Socket u = sockets.udp(Family.INET);
        assertWakesOnClose(u, () -> u.recvFrom(ByteBuffer.allocate(64)));
        Socket[] d = sockets.pair(SockType.DGRAM);
        assertWakesOnClose(d[0], () -> d[0].recv(new byte[8]));
    }

    @Test
    void sendWakesWhenSocketClosedByAnotherThread() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        p[0].set(SockOpt.SO_SNDBUF, 4096);
        p[1].set(SockOpt.SO_RCVBUF, 4096);
        byte[] big = new byte[8 << 20]; // far more than the buffers hold, and the peer never reads
        assertWakesOnClose(p[0], () -> {
            p[0].sendAll(big, 0, big.length);
            return null;
        });
        Socket[] u = sockets.pair(SockType.STREAM);
        assertWakesOnClose(u[0], () -> {
            u[0].outputStream().write(big);
            return null;
        });
    }

    @Test
    void awaitWakesWhenSocketClosedByAnotherThread() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        assertWakesOnClose(p[1], () -> p[1].await(Sys.POLLIN, null));
    }

    @Test
    void connectWakesWhenSocketClosedByAnotherThread() throws Exception {
        // A listener whose accept queue is full drops new SYNs, so a connect to it blocks (the
        // client retransmits its SYN after 1 s, 3 s, ...). Loopback has no unreachable address.
        Socket l = sockets.add(Socket.tcp(Family.INET));
        l.bind(SockAddr.Inet4.loopback(0));
        l.listen(0);
        SockAddr to = l.localAddress();
        Socket blocked = null;
        for (int i = 0; i < 8 && blocked == null; i++) {
            Socket c = sockets.add(Socket.tcp(Family.INET));
            c.configureBlocking(false);
            if (!c.connect(to) && !c.await(Sys.POLLOUT, Duration.ofMillis(300))) {
                blocked = c; // this one's SYN was dropped: the queue is full
            } else {
                c.finishConnect(); // accepted into the queue; it stays there, filling it
            }
        }
        if (blocked == null) fail("the accept queue never filled");
        blocked.close();
        Socket c = sockets.add(Socket.tcp(Family.INET));
        assertWakesOnClose(c, () -> c.connect(to));
    }

    @Test
    void aSocketClosedDuringAcceptDoesNotLeakTheAcceptedConnection() throws Exception {
        // Repeat close-versus-accept races where a connection is pending: whichever wins, no fd is
        // left open (FdLeakCheck) and accept either returns a socket or throws SocketClosedException.
        for (int i = 0; i < 50; i++) {
            Socket l = Socket.listenOn(SockAddr.Inet4.loopback(0), 4);
            Socket c = Socket.connectTo(l.localAddress());
            Future<Socket> f = pool.submit(l::accept);
            if (i % 2 == 0) Thread.onSpinWait();
            l.close();
            try {
                Socket s = f.get(2, TimeUnit.SECONDS);
                s.close();
            } catch (ExecutionException e) {
                assertInstanceOf(SocketClosedException.class, e.getCause());
            } finally {
                c.close();
            }
        }
    }

    @Test
    void closingFromManyThreadsAtOnceClosesOnce() throws Exception {
        for (int i = 0; i < 100; i++) {
            Socket[] p = Socket.pair(SockType.STREAM);
            Future<?> r = pool.submit(() -> p[0].recv(new byte[1]));
            List<Future<?>> closers = new ArrayList<>();
            for (int k = 0; k < 4; k++) closers.add(pool.submit(() -> p[0].close()));
            for (Future<?> c : closers) c.get(2, TimeUnit.SECONDS);
            try {
                r.get(2, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertInstanceOf(SocketClosedException.class, e.getCause());
            }
            assertTrue(p[0].isClosed());
            assertEquals(Socket.EOF, p[1].recv(new byte[1]));
            p[1].close();
        }
    }
}
