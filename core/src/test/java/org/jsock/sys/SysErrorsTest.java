package org.jsock.sys;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.jsock.sys.Sys.*;
import static org.jsock.sys.SysFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each failure a socket program meets, with the errno it must carry: the name, the call, and a message
 * that reads as perror prints it. Where Linux's own selftests (socket.c, bind_wildcard.c,
 * reuseaddr_conflict.c) pin a result, the same cases are checked here.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(10)
class SysErrorsTest {
    private final SysFixture fds = new SysFixture();

    @AfterEach
    void closeAll() {
        fds.close();
    }

    private static ErrnoException fails(String errno, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(errno, e.error().name(), "errno of " + e.getMessage());
        assertEquals(errno, Errno.of(Sys.errno()).name(), "Sys.errno() holds the same value, as C's errno would");
        return e;
    }

    // ---- addresses in use -----------------------------------------------------------------------

    @Test
    void bindingAPortInUseFailsWithEaddrinuse() throws Exception {
        int a = fds.socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr = in4("127.0.0.1", 0);
        bind(a, addr, addr.sizeof());
        listen(a, 1);
        int b = fds.socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in same = in4("127.0.0.1", port(a));
        ErrnoException e = fails("EADDRINUSE", () -> bind(b, same, same.sizeof()));
        assertEquals("bind", e.call());
        assertEquals("bind: Address already in use", e.getMessage());
    }

    /** Binds a fresh TCP socket; returns 0 or the errno name. */
    private String tryBind(int family, String ip, int port, boolean reuse, Boolean v6only, boolean listen) throws Exception {
        int fd = fds.socket(family, SOCK_STREAM, 0);
        if (reuse) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, new int[] {1}, 4);
        if (v6only != null) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, new int[] {v6only ? 1 : 0}, 4);
        sockaddr a = family == AF_INET ? in4(ip, port) : in6(ip, port);
        try {
            bind(fd, a, a.sizeof());
            if (listen) listen(fd, 1);
            lastBound = fd;
            return "0";
        } catch (ErrnoException e) {
            fds.close(fd);
            return e.error().name();
        }
    }

    private int lastBound;

    @Test
    void soReuseaddrLetsTwoSocketsShareAPortOnlyWhenBothSetItAndNeitherListens() throws Exception {
        // Both with SO_REUSEADDR, neither listening: allowed.
        assertEquals("0", tryBind(AF_INET, "127.0.0.1", 0, true, null, false));
        int port = port(lastBound);
        assertEquals("0", tryBind(AF_INET, "127.0.0.1", port, true, null, false));

        // Once one of them listens, a third cannot join even with SO_REUSEADDR.
        listen(lastBound, 1);
        assertEquals("EADDRINUSE", tryBind(AF_INET, "127.0.0.1", port, true, null, false));

        // Only the first set it: the second conflicts.
        assertEquals("0", tryBind(AF_INET, "127.0.0.1", 0, true, null, false));
        int p2 = port(lastBound);
        assertEquals("EADDRINUSE", tryBind(AF_INET, "127.0.0.1", p2, false, null, false));

        // Only the second sets it: still a conflict, SO_REUSEADDR must be on both.
        assertEquals("0", tryBind(AF_INET, "127.0.0.1", 0, false, null, false));
        int p3 = port(lastBound);
        assertEquals("EADDRINUSE", tryBind(AF_INET, "127.0.0.1", p3, true, null, false));
    }

    @Test
    void reuseaddrConflictMatchesTheKernelSelftest() throws Exception {
        // tools/testing/selftests/net/reuseaddr_conflict.c, with a kernel-chosen port.
        int port = freePort();
        assertEquals("0", tryBind(AF_INET, "127.0.0.1", port, true, null, true));
        assertEquals("EADDRINUSE", tryBind(AF_INET, "0.0.0.0", port, true, null, false),
                "INADDR_ANY may not share with a listening 127.0.0.1 socket");
        assertEquals("0", tryBind(AF_INET6, "::", port, true, true, false), "a v6-only [::] does not conflict");
        int v6 = lastBound;
        assertEquals("EADDRINUSE", tryBind(AF_INET, "0.0.0.0", port, true, null, false));
        fds.close(v6);
        assertEquals("EADDRINUSE", tryBind(AF_INET, "0.0.0.0", port, true, null, false),
                "closing the v6 socket does not make room: the listener still holds the port");
    }

    /**
     * A port no socket on any address holds, TIME_WAIT included: a dual-stack [::] bind to port 0
     * conflicts with every address family, so the kernel picks one that is free everywhere. (A port
     * the kernel picked for ::1 alone may still be in TIME_WAIT on 127.0.0.1 from an earlier test.)
     */
    private int freePort() throws Exception {
        int fd = fds.socket(AF_INET6, SOCK_STREAM, 0);
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, new int[] {0}, 4);
        sockaddr_in6 any = in6("::", 0);
        bind(fd, any, any.sizeof());
        int p = port(fd);
        fds.close(fd);
        return p;
    }

    /** One row of bind_wildcard.c: binding a then b (and b then a) on one port gives {@code expected}. */
    private void wildcardPair(int famA, String a, Boolean v6onlyA, int famB, String b, Boolean v6onlyB, String expected) throws Exception {
        for (int order = 0; order < 2; order++) {
            int f1 = order == 0 ? famA : famB, f2 = order == 0 ? famB : famA;
            String a1 = order == 0 ? a : b, a2 = order == 0 ? b : a;
            Boolean o1 = order == 0 ? v6onlyA : v6onlyB, o2 = order == 0 ? v6onlyB : v6onlyA;
            int port = freePort();
            assertEquals("0", tryBind(f1, a1, port, false, o1, false));
            int first = lastBound;
            String got = tryBind(f2, a2, port, false, o2, false);
            assertEquals(expected, got, "bind " + a1 + " then " + a2 + " on one port");
            if (got.equals("0")) fds.close(lastBound);
            fds.close(first);
        }
    }

    @Test
    void wildcardAndSpecificBindsConflictAsTheKernelSelftestExpects() throws Exception {
        // tools/testing/selftests/net/bind_wildcard.c: no SO_REUSEADDR anywhere.
        wildcardPair(AF_INET, "0.0.0.0", null, AF_INET6, "::", false, "EADDRINUSE");
        wildcardPair(AF_INET, "0.0.0.0", null, AF_INET6, "::", true, "0");
        wildcardPair(AF_INET, "0.0.0.0", null, AF_INET6, "::1", false, "0");
        wildcardPair(AF_INET, "0.0.0.0", null, AF_INET6, "::ffff:127.0.0.1", false, "EADDRINUSE");
        wildcardPair(AF_INET, "127.0.0.1", null, AF_INET6, "::", false, "EADDRINUSE");
        wildcardPair(AF_INET, "127.0.0.1", null, AF_INET6, "::", true, "0");
        wildcardPair(AF_INET, "127.0.0.1", null, AF_INET6, "::1", false, "0");
        wildcardPair(AF_INET, "127.0.0.1", null, AF_INET6, "::ffff:127.0.0.1", false, "EADDRINUSE");
        wildcardPair(AF_INET, "0.0.0.0", null, AF_INET, "127.0.0.1", null, "EADDRINUSE");
        // Two different specific addresses share a port freely.
        wildcardPair(AF_INET, "127.0.0.1", null, AF_INET, "127.0.0.2", null, "0");
        wildcardPair(AF_INET6, "::", true, AF_INET6, "::1", true, "EADDRINUSE");
    }

    // ---- connecting -----------------------------------------------------------------------------

    @Test
    void connectingToAClosedPortFailsWithEconnrefused() throws Exception {
        // A bound but not listening socket holds the port, so nothing else can be listening there.
        int hold = fds.socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a = in4("127.0.0.1", 0);
        bind(hold, a, a.sizeof());
        int c = fds.socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in to = in4("127.0.0.1", port(hold));
        ErrnoException e = fails("ECONNREFUSED", () -> connect(c, to, to.sizeof()));
        assertEquals("connect", e.call());
        assertEquals(ECONNREFUSED, e.errno());
        assertTrue(e.is("ECONNREFUSED"));
        assertEquals("connect: Connection refused", e.getMessage(), "reads as perror(\"connect\") prints");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            perror("connect");
        } finally {
            System.setErr(saved);
        }
        assertEquals("connect: Connection refused", err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void connectingTwiceFailsWithEisconn() throws Exception {
        int l = fds.listen4();
        int c = fds.socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in to = in4("127.0.0.1", port(l));
        connect(c, to, to.sizeof());
        fails("EISCONN", () -> connect(c, to, to.sizeof()));
    }

    // ---- socket(): the kernel selftest socket.c --------------------------------------------------

    @Test
    void socketWithAnUnknownFamilyFailsWithEafnosupport() {
        ErrnoException e = fails("EAFNOSUPPORT", () -> fds.socket(9999, SOCK_STREAM, 0));
        assertEquals("socket: Address family not supported by protocol", e.getMessage());
    }

    @Test
    void socketWithAProtocolTheTypeDoesNotCarryFailsWithEprotonosupport() throws Exception {
        fails("EPROTONOSUPPORT", () -> fds.socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
        fails("EPROTONOSUPPORT", () -> fds.socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
        fails("EPROTONOSUPPORT", () -> fds.socket(AF_INET6, SOCK_STREAM, IPPROTO_UDP));
        fails("EPROTONOSUPPORT", () -> fds.socket(AF_INET6, SOCK_DGRAM, IPPROTO_TCP));
        // and the matching pairs succeed
        fds.close(fds.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
        fds.close(fds.socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP));
    }

    // ---- state errors ---------------------------------------------------------------------------

    @Test
    void recvAndGetpeernameOnAnUnconnectedTcpSocketFailWithEnotconn() throws Exception {
        int fd = fds.socket(AF_INET, SOCK_STREAM, 0);
        fails("ENOTCONN", () -> recv(fd, new byte[4], 4, 0));
        ErrnoException e = fails("ENOTCONN", () -> getpeername(fd, new sockaddr_in(), new int[] {sockaddr_in.SIZEOF}));
        assertEquals("getpeername: Transport endpoint is not connected", e.getMessage());
        fails("ENOTCONN", () -> shutdown(fd, SHUT_RDWR));
    }

    @Test
    void listenAcceptAndShutdownRejectBadStateWithEinval() throws Exception {
        int[] p = fds.tcpPair4();
        fails("EINVAL", () -> listen(p[0], 1)); // listen on a connected socket
        fails("EINVAL", () -> shutdown(p[0], 99)); // bad how

        int notListening = fds.socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a = in4("127.0.0.1", 0);
        bind(notListening, a, a.sizeof());
        ErrnoException e = fails("EINVAL", () -> accept(notListening, null, null));
        assertEquals("accept", e.call());
        fails("EINVAL", () -> accept4(notListening, null, null, SOCK_CLOEXEC));

        int udp = fds.socket(AF_INET, SOCK_DGRAM, 0);
        fails("EOPNOTSUPP", () -> listen(udp, 1)); // datagram sockets do not listen
    }

    @Test
    void callsOnABogusFdFailWithEbadfAndUnknownOptionsWithEnoprotoopt() throws Exception {
        fails("EBADF", () -> Sys.close(-1));
        fails("EBADF", () -> send(-1, new byte[1], 1, 0));
        fails("EBADF", () -> fcntl(-1, F_GETFL));
        int fd = fds.socket(AF_INET, SOCK_STREAM, 0);
        fails("ENOPROTOOPT", () -> getsockopt(fd, SOL_SOCKET, 12345, new int[1], new int[] {4}));
    }

    // ---- would block ----------------------------------------------------------------------------

    @Test
    void dontwaitOnAnEmptySocketReturnsMinusOneWithEagain() throws Exception {
        int[] p = fds.tcpPair4();
        assertEquals(-1, recv(p[1], new byte[8], 8, MSG_DONTWAIT), "EAGAIN is a result, not an exception");
        assertEquals(EAGAIN, Sys.errno());
        assertEquals(-1, recvfrom(p[1], new byte[8], 8, MSG_DONTWAIT, null, null));
        assertEquals(EAGAIN, Sys.errno());

        int l = fds.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        sockaddr_in a = in4("127.0.0.1", 0);
        bind(l, a, a.sizeof());
        listen(l, 1);
        assertEquals(-1, accept(l, null, null), "no pending connection on a non-blocking listener");
        assertEquals(EAGAIN, Sys.errno());

        fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK);
        assertEquals(-1, read(p[1], new byte[8], 8));
        assertEquals(EAGAIN, Sys.errno());

        // Fill the send buffer: a non-blocking send then reports EAGAIN too.
        byte[] chunk = new byte[64 * 1024];
        long sent = 0;
        while (true) {
            long n = send(p[0], chunk, chunk.length, MSG_DONTWAIT);
            if (n < 0) break;
            sent += n;
            assertTrue(sent < 512L * 1024 * 1024, "the send buffer never filled");
        }
        assertEquals(EAGAIN, Sys.errno());
        fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
        assertEquals(-1, write(p[0], chunk, chunk.length), "write on a full non-blocking socket");
        assertEquals(EAGAIN, Sys.errno());
    }

    // ---- the peer went away ---------------------------------------------------------------------

    @Test
    void sendingAfterThePeerClosedFailsWithEpipeOrEconnreset() throws Exception {
        int[] p = fds.tcpPair4();
        fds.close(p[1]);
        byte[] b = new byte[1024];
        ErrnoException e = null;
        // The first send may succeed (the data meets the closed socket, which answers with RST).
        for (int i = 0; i < 100 && e == null; i++) {
            try {
                send(p[0], b, b.length, MSG_NOSIGNAL);
                Thread.sleep(10);
            } catch (ErrnoException x) {
                e = x;
            }
        }
        assertTrue(e != null, "send kept succeeding after the peer closed");
        assertTrue(Set.of("EPIPE", "ECONNRESET").contains(e.error().name()), "got " + e.error());
        assertEquals("send", e.call());
    }

    @Test
    void recvAfterThePeerResetsWithLingerZeroFailsWithEconnreset() throws Exception {
        int[] p = fds.tcpPair4();
        linger lg = new linger();
        lg.l_onoff(1);
        lg.l_linger(0);
        setsockopt(p[1], SOL_SOCKET, SO_LINGER, lg, lg.sizeof());
        fds.close(p[1]); // sends RST, not FIN
        ErrnoException e = fails("ECONNRESET", () -> recv(p[0], new byte[8], 8, 0));
        assertEquals("recv: Connection reset by peer", e.getMessage());
    }

    // ---- names ----------------------------------------------------------------------------------

    @Test
    void getaddrinfoOfAnUnknownHostFailsWithEaiNonameAndGaiStrerrorsText() {
        // AI_NUMERICHOST: the name is refused without a DNS query, so no packet leaves loopback. A
        // real lookup only where the test JVM resolves from /etc/hosts alone (scripts/test-jvm).
        List<Integer> flags = new ArrayList<>(List.of(AI_NUMERICHOST));
        if ("isolated".equals(System.getProperty("jsock.test.dns"))) flags.add(0);
        for (int f : flags) {
            addrinfo hints = new addrinfo();
            hints.ai_flags(f);
            GaiException e = assertThrows(GaiException.class, () -> getaddrinfo("no-such-host.invalid", "80", hints, new addrinfo[1]));
            assertEquals(EAI_NONAME, e.code());
            assertEquals("EAI_NONAME", e.codeName());
            assertEquals(gai_strerror(EAI_NONAME), e.text());
            assertEquals("Name or service not known", e.text());
            assertEquals("getaddrinfo: Name or service not known", e.getMessage());
            assertEquals("getaddrinfo", e.call());
        }

        addrinfo stream = new addrinfo();
        stream.ai_socktype(SOCK_STREAM);
        GaiException svc = assertThrows(GaiException.class, () -> getaddrinfo("127.0.0.1", "no-such-service", stream, new addrinfo[1]));
        assertEquals("EAI_SERVICE", svc.codeName());
    }

    @Test
    void inetPtonReturnsZeroForTextThatIsNotAnAddress() throws Exception {
        in_addr a = new in_addr();
        List<String> accepted = new ArrayList<>();
        for (String bad : new String[] {"256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.-4", "01.2.3.4x", "", "localhost", "::1"}) {
            if (inet_pton(AF_INET, bad, a) != 0) accepted.add(bad);
        }
        in6_addr b = new in6_addr();
        for (String bad : new String[] {"::g", "1:2:3:4:5:6:7:8:9", "1::2::3", "", "127.0.0.1", "12345::"}) {
            if (inet_pton(AF_INET6, bad, b) != 0) accepted.add(bad);
        }
        assertTrue(accepted.isEmpty(), "inet_pton accepted " + accepted);
        fails("EAFNOSUPPORT", () -> inet_pton(12345, "1.2.3.4", a));
    }
}
