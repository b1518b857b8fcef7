package org.jsock.net;

import org.jsock.sys.ErrnoException;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;

import static org.jsock.net.Sockets.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The net layer's failures: ErrnoException with the errno's name, the call, and perror's wording; the
 * status codes (WOULD_BLOCK, EOF) where C's result is not a failure; and no fd left behind when a
 * helper such as listenOn or connectTo fails half way.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(10)
class SocketErrorsTest {
    private final Sockets sockets = new Sockets();

    @AfterEach
    void closeAll() throws Exception {
        sockets.close();
    }

    private static ErrnoException fails(String errno, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(errno, e.error().name(), e.getMessage());
        return e;
    }

    /** A port on 127.0.0.1 that is held by a bound, non-listening socket: connecting is refused. */
    private int refusingPort() throws Exception {
        Socket hold = sockets.add(Socket.tcp(Family.INET));
        hold.bind(SockAddr.Inet4.loopback(0));
        return ((SockAddr.Inet4) hold.localAddress()).port();
    }

    @Test
    void listeningOnAPortInUseFailsWithEaddrinuseAndLeavesNoFd() throws Exception {
        Socket l = sockets.add(Socket.tcp(Family.INET));
        l.bind(SockAddr.Inet4.loopback(0));
        l.listen(1);
        SockAddr taken = l.localAddress();
        ErrnoException e = fails("EADDRINUSE", () -> Socket.listenOn(taken, 1));
        assertEquals("bind", e.call());
        assertEquals("bind: Address already in use", e.getMessage());
        Socket other = sockets.add(Socket.tcp(Family.INET));
        fails("EADDRINUSE", () -> other.bind(taken));
    }

    @Test
    void connectingToAClosedPortFailsWithEconnrefused() throws Exception {
        SockAddr to = SockAddr.Inet4.loopback(refusingPort());
        ErrnoException e = fails("ECONNREFUSED", () -> Socket.connectTo(to));
        assertEquals("connect: Connection refused", e.getMessage());
        assertEquals("connect", e.call());
        assertEquals(org.jsock.sys.Sys.ECONNREFUSED, e.errno());

        Socket s = sockets.add(Socket.tcp(Family.INET));
        fails("ECONNREFUSED", () -> s.connect(to, Duration.ofSeconds(2)));
    }

    @Test
    void aNonblockingConnectReportsRefusalThroughFinishConnect() throws Exception {
        SockAddr to = SockAddr.Inet4.loopback(refusingPort());
        Socket s = sockets.add(Socket.tcp(Family.INET));
        s.configureBlocking(false);
        boolean connected;
        try {
            connected = s.connect(to);
        } catch (ErrnoException immediate) {
            assertEquals("ECONNREFUSED", immediate.error().name(), "loopback may refuse at once");
            return;
        }
        assertTrue(!connected, "a refused connect cannot have completed");
        assertTrue(s.await(org.jsock.sys.Sys.POLLOUT, Duration.ofSeconds(2)));
        ErrnoException e = fails("ECONNREFUSED", s::finishConnect);
        assertEquals("connect: Connection refused", e.getMessage());
        assertEquals(0, s.get(SockOpt.SO_ERROR), "finishConnect consumed the pending error");
    }

    @Test
    void anUnconnectedTcpSocketFailsWithEnotconn() throws Exception {
        Socket s = sockets.add(Socket.tcp(Family.INET));
        fails("ENOTCONN", () -> s.recv(new byte[4]));
        ErrnoException e = fails("ENOTCONN", s::peerAddress);
        assertEquals("getpeername", e.call());
        fails("ENOTCONN", () -> s.shutdown(Shutdown.BOTH));
        fails("EPIPE", () -> s.send(ascii("x")));
    }

    @Test
    void connectingTwiceFailsWithEisconn() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        fails("EISCONN", () -> p[0].connect(p[0].peerAddress()));
    }

    @Test
    void listenAndAcceptInTheWrongStateFailWithEinval() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        fails("EINVAL", () -> p[0].listen(1));
        Socket bound = sockets.add(Socket.tcp(Family.INET));
        bound.bind(SockAddr.Inet4.loopback(0));
        ErrnoException e = fails("EINVAL", bound::accept);
        assertTrue(e.call().startsWith("accept"), e.call());
        Socket udp = sockets.add(Socket.udp(Family.INET));
        fails("EOPNOTSUPP", () -> udp.listen(1));
    }

    @Test
    void dontwaitOnAnEmptySocketReturnsWouldBlock() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        assertEquals(Socket.WOULD_BLOCK, p[1].recv(new byte[8], 0, 8, MsgFlags.DONTWAIT));
        assertEquals(Socket.WOULD_BLOCK, p[1].recv(ByteBuffer.allocate(8), MsgFlags.DONTWAIT));
        assertTrue(p[1].isBlocking(), "DONTWAIT is for one call only");

        // Fill the send buffer: a DONTWAIT send then returns WOULD_BLOCK rather than blocking.
        byte[] chunk = new byte[64 * 1024];
        long sent = 0;
        int n;
        while ((n = p[0].send(chunk, 0, chunk.length, MsgFlags.DONTWAIT)) != Socket.WOULD_BLOCK) {
            sent += n;
            assertTrue(sent < 512L * 1024 * 1024, "the send buffer never filled");
        }
        p[0].configureBlocking(false);
        assertEquals(Socket.WOULD_BLOCK, p[0].send(chunk), "a non-blocking socket says the same");
        assertEquals(0, p[0].channel().write(ByteBuffer.wrap(chunk)), "the channel view writes 0 bytes");

        Socket u = sockets.udp(Family.INET);
        u.configureBlocking(false);
        assertNull(u.recvFrom(ByteBuffer.allocate(8)), "no datagram: null sender");
    }

    @Test
    void sendingAfterThePeerClosedFailsWithEpipeOrEconnreset() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        p[1].close();
        ErrnoException e = null;
        for (int i = 0; i < 100 && e == null; i++) {
            try {
                p[0].send(new byte[1024]); // jsock adds MSG_NOSIGNAL: an error, never SIGPIPE
                Thread.sleep(10);
            } catch (ErrnoException x) {
                e = x;
            }
        }
        assertTrue(e != null, "send kept succeeding after the peer closed");
        assertTrue(Set.of("EPIPE", "ECONNRESET").contains(e.error().name()), e.getMessage());
        assertTrue(Set.of("send: Broken pipe", "send: Connection reset by peer").contains(e.getMessage()), e.getMessage());
    }

    @Test
    void recvAfterThePeerResetsTheConnectionFailsWithEconnreset() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        p[1].set(SockOpt.SO_LINGER, Linger.reset());
        p[1].close();
        ErrnoException e = fails("ECONNRESET", () -> p[0].recv(new byte[8]));
        assertEquals("recv: Connection reset by peer", e.getMessage());
    }

    @Test
    void aDatagramLargerThanTheBufferIsTruncatedNotAnError() throws Exception {
        Socket a = sockets.udp(Family.INET), b = sockets.udp(Family.INET);
        a.sendTo(ByteBuffer.wrap(ascii("0123456789")), b.localAddress());
        ByteBuffer small = ByteBuffer.allocate(4);
        assertEquals(a.localAddress(), b.recvFrom(small));
        assertEquals("0123", new String(small.array()));

        // MSG_TRUNC asks for the datagram's real length, as C's recv returns it; the buffer takes what fits.
        a.sendTo(ByteBuffer.wrap(ascii("0123456789")), b.localAddress());
        ByteBuffer four = ByteBuffer.allocate(4);
        assertEquals(10, b.recv(four, MsgFlags.of(org.jsock.sys.Sys.MSG_TRUNC)));
        assertEquals(4, four.position(), "the position moves by the bytes stored, not the datagram's length");
        a.sendTo(ByteBuffer.wrap(ascii("abcdef")), b.localAddress());
        byte[] arr = new byte[3];
        assertEquals(6, b.recv(arr, 0, 3, MsgFlags.of(org.jsock.sys.Sys.MSG_TRUNC)));
        assertEquals("abc", ascii(arr, 3));
    }
}
