package org.jsock.net;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.jsock.net.Sockets.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each typed option set and read back on a real socket, and the raw int and byte forms. */
@ExtendWith(FdLeakCheck.class)
@Timeout(10)
class SockOptTest {
    private final Sockets sockets = new Sockets();

    @AfterEach
    void closeAll() throws Exception {
        sockets.close();
    }

    private static <T> void roundTrip(Socket s, SockOpt<T> opt, T value) throws Exception {
        s.set(opt, value);
        assertEquals(value, s.get(opt), opt + " reads back what was set");
    }

    @Test
    void booleanSocketOptionsRoundTrip() throws Exception {
        Socket s = sockets.add(Socket.tcp(Family.INET));
        for (SockOpt<Boolean> o : java.util.List.of(SockOpt.SO_REUSEADDR, SockOpt.SO_REUSEPORT, SockOpt.SO_KEEPALIVE, SockOpt.TCP_NODELAY, SockOpt.TCP_CORK)) {
            assertFalse(s.get(o), o + " starts off");
            roundTrip(s, o, true);
            roundTrip(s, o, false);
        }
        Socket u = sockets.add(Socket.udp(Family.INET));
        roundTrip(u, SockOpt.SO_BROADCAST, true);
        roundTrip(u, SockOpt.SO_BROADCAST, false);
    }

    @Test
    void soLingerRoundTripsOnAndOff() throws Exception {
        Socket s = sockets.add(Socket.tcp(Family.INET));
        assertEquals(Linger.OFF, s.get(SockOpt.SO_LINGER));
        roundTrip(s, SockOpt.SO_LINGER, Linger.seconds(5));
        roundTrip(s, SockOpt.SO_LINGER, Linger.reset());
        s.set(SockOpt.SO_LINGER, Linger.OFF);
        assertFalse(s.get(SockOpt.SO_LINGER).on());
        assertThrows(IllegalArgumentException.class, () -> Linger.seconds(-1));
    }

    @Test
    void bufferSizesReadBackDoubledAsTheKernelKeepsThem() throws Exception {
        Socket s = sockets.add(Socket.tcp(Family.INET));
        s.set(SockOpt.SO_RCVBUF, 65536);
        assertEquals(131072, s.get(SockOpt.SO_RCVBUF), "Linux doubles SO_RCVBUF for its bookkeeping");
        s.set(SockOpt.SO_SNDBUF, 32768);
        assertEquals(65536, s.get(SockOpt.SO_SNDBUF));
    }

    @Test
    void timeoutsRoundTripAndABlockingRecvTimesOut() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        Socket s = p[1];
        assertEquals(Duration.ZERO, s.get(SockOpt.SO_RCVTIMEO), "no timeout by default");
        s.set(SockOpt.SO_SNDTIMEO, Duration.ofSeconds(3));
        assertEquals(Duration.ofSeconds(3), s.get(SockOpt.SO_SNDTIMEO));
        s.set(SockOpt.SO_RCVTIMEO, Duration.ofMillis(200));
        Duration back = s.get(SockOpt.SO_RCVTIMEO);
        // The kernel keeps jiffies: allow its rounding up.
        assertTrue(!back.minusMillis(200).isNegative() && back.minusMillis(215).isNegative(), "SO_RCVTIMEO read back " + back);

        long t0 = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> s.recv(new byte[8]));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 150 && ms < 2000, "recv gave up after " + ms + " ms");
        assertTrue(e.getMessage().contains("recv"), e.getMessage());

        // The socket is still usable after a timeout.
        p[0].send(ascii("late"));
        assertEquals("late", Sockets.recvText(s, 4));
        assertThrows(IllegalArgumentException.class, () -> s.set(SockOpt.SO_RCVTIMEO, Duration.ofSeconds(-1)));
    }

    @Test
    void aBlockingAcceptTimesOutWithSoRcvtimeo() throws Exception {
        Socket l = sockets.listen(SockAddr.Inet4.loopback(0));
        l.set(SockOpt.SO_RCVTIMEO, Duration.ofMillis(100));
        assertThrows(SocketTimeoutException.class, l::accept);
    }

    @Test
    void soErrorAndSoTypeAreReadOnly() throws Exception {
        Socket s = sockets.add(Socket.tcp(Family.INET));
        assertEquals(0, s.get(SockOpt.SO_ERROR));
        assertEquals(SockType.STREAM, s.get(SockOpt.SO_TYPE));
        assertEquals(SockType.DGRAM, sockets.add(Socket.udp(Family.INET6)).get(SockOpt.SO_TYPE));
        assertThrows(UnsupportedOperationException.class, () -> s.set(SockOpt.SO_ERROR, 1));
        assertThrows(UnsupportedOperationException.class, () -> s.set(SockOpt.SO_TYPE, SockType.DGRAM));
        assertThrows(UnsupportedOperationException.class, () -> s.set(SockOpt.TCP_INFO, null));
        assertTrue(SockOpt.SO_ERROR.readOnly());
        assertFalse(SockOpt.SO_KEEPALIVE.readOnly());
    }

    @Test
    void tcpKeepaliveTuningRoundTrips() throws Exception {
        Socket s = sockets.add(Socket.tcp(Family.INET));
        roundTrip(s, SockOpt.TCP_KEEPIDLE, 30);
        roundTrip(s, SockOpt.TCP_KEEPINTVL, 5);
        roundTrip(s, SockOpt.TCP_KEEPCNT, 4);
        roundTrip(s, SockOpt.TCP_USER_TIMEOUT, Duration.ofSeconds(10));
        roundTrip(s, SockOpt.TCP_USER_TIMEOUT, Duration.ZERO);
        roundTrip(s, SockOpt.TCP_NOTSENT_LOWAT, 16384);
        var e = assertThrows(ErrnoException.class, () -> s.set(SockOpt.TCP_KEEPIDLE, 0));
        assertEquals("EINVAL", e.error().name(), "the kernel refuses a zero keepalive idle time");
    }

    @Test
    void tcpFastopenSetsTheQueueLengthOnAListener() throws Exception {
        Socket l = sockets.add(Socket.tcp(Family.INET));
        l.bind(SockAddr.Inet4.loopback(0));
        roundTrip(l, SockOpt.TCP_FASTOPEN, 5);
        l.listen(8);
        assertEquals(5, l.get(SockOpt.TCP_FASTOPEN));
    }

    @Test
    void tcpInfoReportsAnEstablishedConnectionAndCountsAckedBytes() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        TcpInfo before = p[0].get(SockOpt.TCP_INFO);
        assertEquals(TcpState.ESTABLISHED, before.state());
        assertTrue(before.length() >= 104, "the kernel filled at least the classic fields, got " + before.length());
        assertTrue(before.sndMss() > 0);
        assertTrue(before.rto().toMillis() > 0);

        byte[] data = new byte[100_000];
        p[0].sendAll(data, 0, data.length);
        Sockets.recvText(p[1], data.length);
        long deadline = System.nanoTime() + 2_000_000_000L;
        TcpInfo after;
        do {
            after = p[0].get(SockOpt.TCP_INFO);
        } while (after.bytesAcked() < before.bytesAcked() + data.length && System.nanoTime() < deadline && sleep(5));
        assertTrue(after.bytesAcked() >= before.bytesAcked() + data.length,
                "bytes_acked grew from " + before.bytesAcked() + " to " + after.bytesAcked());
        assertTrue(p[1].get(SockOpt.TCP_INFO).bytesReceived() >= data.length);
        assertTrue(after.toString().contains("ESTABLISHED"), after.toString());

        Socket l = sockets.listen(SockAddr.Inet4.loopback(0));
        assertEquals(TcpState.LISTEN, l.get(SockOpt.TCP_INFO).state());
    }

    private static boolean sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
        return true;
    }

    @Test
    void ipOptionsRoundTrip() throws Exception {
        Socket s6 = sockets.add(Socket.tcp(Family.INET6));
        roundTrip(s6, SockOpt.IPV6_V6ONLY, true);
        roundTrip(s6, SockOpt.IPV6_V6ONLY, false);
        Socket s = sockets.add(Socket.udp(Family.INET));
        roundTrip(s, SockOpt.IP_TTL, 42);
        roundTrip(s, SockOpt.IP_TOS, 0x10);
    }

    @Test
    void rawIntAndByteOptionsReachAnyOption() throws Exception {
        Socket s = sockets.add(Socket.tcp(Family.INET));
        s.setIntOption(Sys.SOL_SOCKET, Sys.SO_KEEPALIVE, 1);
        assertEquals(1, s.getIntOption(Sys.SOL_SOCKET, Sys.SO_KEEPALIVE));
        assertTrue(s.get(SockOpt.SO_KEEPALIVE), "typed and raw forms see the same option");
        assertEquals(Sys.SOCK_STREAM, s.getIntOption(Sys.SOL_SOCKET, Sys.SO_TYPE));
        assertEquals(Sys.AF_INET, s.getIntOption(Sys.SOL_SOCKET, Sys.SO_DOMAIN));

        // TCP_CONGESTION is a string option: set "reno" (always built in) as bytes, read it back.
        s.setOption(Sys.IPPROTO_TCP, Sys.TCP_CONGESTION, "reno".getBytes(StandardCharsets.US_ASCII));
        byte[] name = new byte[16];
        int n = s.getOption(Sys.IPPROTO_TCP, Sys.TCP_CONGESTION, name);
        assertEquals("reno", new String(name, 0, n, StandardCharsets.US_ASCII).replace("\0", ""));

        // A struct as raw bytes: linger {1, 9}.
        ByteBuffer lg = ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder()).putInt(1).putInt(9);
        s.setOption(Sys.SOL_SOCKET, Sys.SO_LINGER, lg.array());
        assertEquals(Linger.seconds(9), s.get(SockOpt.SO_LINGER));

        var e = assertThrows(ErrnoException.class, () -> s.getIntOption(Sys.SOL_SOCKET, 12345));
        assertEquals("ENOPROTOOPT", e.error().name());
        assertEquals("getsockopt", e.call());
    }

    @Test
    void optionsKnowTheirCNames() {
        assertEquals("SO_REUSEADDR", SockOpt.SO_REUSEADDR.name());
        assertEquals(Sys.SOL_SOCKET, SockOpt.SO_REUSEADDR.level());
        assertEquals(Sys.SO_REUSEADDR, SockOpt.SO_REUSEADDR.optname());
        assertEquals(Sys.IPPROTO_TCP, SockOpt.TCP_INFO.level());
        assertEquals("TCP_NODELAY", SockOpt.TCP_NODELAY.toString());
    }
}
