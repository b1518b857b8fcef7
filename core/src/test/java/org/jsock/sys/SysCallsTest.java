package org.jsock.sys;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;

import static org.jsock.sys.Sys.*;
import static org.jsock.sys.SysFixture.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Sys call on its success path, written as the C in the seeds would be, over IPv4, IPv6,
 * dual-stack, Unix stream and datagram sockets (path and abstract) and socketpair.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(10)
class SysCallsTest {
    private final SysFixture fds = new SysFixture();

    @AfterEach
    void closeAll() {
        fds.close();
    }

    // ---- TCP over IPv4 --------------------------------------------------------------------------

    @Test
    void tcpOverIpv4BindsListensConnectsAndAccepts() throws Exception {
        int l = fds.socket(AF_INET, SOCK_STREAM, 0);
        assertTrue(l >= 0);
        assertEquals(0, setsockopt(l, SOL_SOCKET, SO_REUSEADDR, new int[] {1}, 4));
        sockaddr_in addr = in4("127.0.0.1", 0);
        assertEquals(0, bind(l, addr, addr.sizeof()));

        sockaddr_in bound = new sockaddr_in();
        int[] len = {sockaddr_in.SIZEOF};
        assertEquals(0, getsockname(l, bound, len));
        assertEquals(sockaddr_in.SIZEOF, len[0]);
        assertEquals(AF_INET, bound.sin_family());
        assertEquals("127.0.0.1", inet_ntop(AF_INET, bound.sin_addr()));
        int port = ntohs(bound.sin_port());
        assertTrue(port > 0, "the kernel chose a port");
        assertEquals(0, listen(l, 16));

        int c = fds.socket(AF_INET, SOCK_STREAM, 0);
        assertEquals(0, connect(c, bound, bound.sizeof()));

        sockaddr_in from = new sockaddr_in();
        int[] fromLen = {sockaddr_in.SIZEOF};
        int s = fds.track(accept(l, from, fromLen));
        assertTrue(s >= 0);
        assertEquals(sockaddr_in.SIZEOF, fromLen[0]);
        assertEquals(AF_INET, from.sin_family());
        assertEquals(port(c), ntohs(from.sin_port()), "accept reports the client's port");
        assertEquals("127.0.0.1", inet_ntop(AF_INET, from.sin_addr()));

        sockaddr_in peer = new sockaddr_in();
        int[] peerLen = {sockaddr_in.SIZEOF};
        assertEquals(0, getpeername(c, peer, peerLen));
        assertEquals(port, ntohs(peer.sin_port()));
        assertArrayEquals(bound.bytes(), peer.bytes());
    }

    @Test
    void sendRecvWriteReadSendtoRecvfromCarryBytesBothWays() throws Exception {
        int[] p = fds.tcpPair4();
        int c = p[0], s = p[1];

        assertEquals(5, send(c, ascii("hello"), 5, 0));
        assertEquals("hello", recvExactly(s, 5));

        assertEquals(5, write(s, ascii("world"), 5));
        byte[] buf = new byte[16];
        long n = read(c, buf, buf.length);
        assertEquals("world", ascii(buf, n));

        // A connected stream ignores sendto's (absent) address and recvfrom reports none.
        assertEquals(3, sendto(c, ascii("abc"), 3, 0, null, 0));
        sockaddr_storage src = new sockaddr_storage();
        int[] srcLen = {sockaddr_storage.SIZEOF};
        n = recvfrom(s, buf, buf.length, 0, src, srcLen);
        assertEquals("abc", ascii(buf, n));

        // Native memory goes straight to the kernel.
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = nativeCopy(a, "native");
            assertEquals(6, send(c, out, out.byteSize(), 0));
            MemorySegment in = a.allocate(6);
            assertEquals(6, recv(s, in, 6, MSG_WAITALL));
            assertEquals("native", new String(in.toArray(ValueLayout.JAVA_BYTE)));
        }
    }

    @Test
    void writevGathersAndReadvScatters() throws Exception {
        int[] p = fds.tcpPair4();
        try (Arena a = Arena.ofConfined()) {
            iovec[] out = iovec.array(3);
            String[] parts = {"one,", "two,", "three"};
            for (int i = 0; i < 3; i++) {
                MemorySegment b = nativeCopy(a, parts[i]);
                out[i].iov_base(b);
                out[i].iov_len(b.byteSize());
            }
            assertEquals(13, writev(p[0], out, 3));

            iovec[] in = iovec.array(2);
            MemorySegment first = a.allocate(5), second = a.allocate(8);
            in[0].iov_base(first);
            in[0].iov_len(5);
            in[1].iov_base(second);
            in[1].iov_len(8);
            // Wait until all 13 bytes are queued, so one readv takes them all.
            assertEquals(13, recv(p[1], a.allocate(13), 13, MSG_PEEK | MSG_WAITALL));
            assertEquals(13, readv(p[1], in, 2));
            assertEquals("one,t", new String(first.toArray(ValueLayout.JAVA_BYTE)));
            assertEquals("wo,three", new String(second.toArray(ValueLayout.JAVA_BYTE)));
        }
    }

    @Test
    void sendmsgAndRecvmsgMoveDataThroughIovecs() throws Exception {
        int[] p = fds.tcpPair4();
        try (Arena a = Arena.ofConfined()) {
            iovec[] out = iovec.array(2);
            MemorySegment x = nativeCopy(a, "head:"), y = nativeCopy(a, "body");
            out[0].iov_base(x);
            out[0].iov_len(x.byteSize());
            out[1].iov_base(y);
            out[1].iov_len(y.byteSize());
            msghdr m = new msghdr(a);
            m.msg_iov(out);
            m.msg_iovlen(2);
            assertEquals(9, sendmsg(p[0], m, MSG_NOSIGNAL));

            iovec[] in = iovec.array(1);
            MemorySegment buf = a.allocate(9);
            in[0].iov_base(buf);
            in[0].iov_len(9);
            msghdr r = new msghdr(a);
            r.msg_iov(in);
            r.msg_iovlen(1);
            assertEquals(9, recvmsg(p[1], r, MSG_WAITALL));
            assertEquals("head:body", new String(buf.toArray(ValueLayout.JAVA_BYTE)));
            assertEquals(0, r.msg_flags());
        }
    }

    @Test
    void sendmsgAndRecvmsgCarryADatagramsAddressInMsgName() throws Exception {
        int a = fds.socket(AF_INET6, SOCK_DGRAM, 0);
        int b = fds.socket(AF_INET6, SOCK_DGRAM, 0);
        sockaddr_in6 lo = in6("::1", 0);
        bind(a, lo, lo.sizeof());
        bind(b, lo, lo.sizeof());
        try (Arena ar = Arena.ofConfined()) {
            sockaddr_in6 to = new sockaddr_in6(ar);
            MemorySegment.copy(in6("::1", port(b)).segment(), 0, to.segment(), 0, sockaddr_in6.SIZEOF);
            iovec[] iov = iovec.array(1);
            MemorySegment data = nativeCopy(ar, "datagram");
            iov[0].iov_base(data);
            iov[0].iov_len(data.byteSize());
            msghdr m = new msghdr(ar);
            m.msg_name(to);
            m.msg_namelen(to.sizeof());
            m.msg_iov(iov);
            m.msg_iovlen(1);
            assertEquals(8, sendmsg(a, m, 0));

            sockaddr_in6 from = new sockaddr_in6(ar);
            iovec[] riov = iovec.array(1);
            MemorySegment buf = ar.allocate(4);
            riov[0].iov_base(buf);
            riov[0].iov_len(4);
            msghdr r = new msghdr(ar);
            r.msg_name(from);
            r.msg_namelen(from.sizeof());
            r.msg_iov(riov);
            r.msg_iovlen(1);
            assertEquals(4, recvmsg(b, r, 0), "the datagram is cut to the buffer");
            assertEquals(MSG_TRUNC, r.msg_flags() & MSG_TRUNC, "and recvmsg says so");
            assertEquals("data", new String(buf.toArray(ValueLayout.JAVA_BYTE)));
            assertEquals(sockaddr_in6.SIZEOF, r.msg_namelen());
            assertEquals(port(a), ntohs(from.sin6_port()), "msg_name names the sender");
        }
    }

    @Test
    void dup2MakesAnotherFdForTheSameSocketAndCloseReleasesOne() throws Exception {
        int[] p = fds.pair(SOCK_STREAM);
        int[] spare = fds.pair(SOCK_STREAM);
        // dup2 onto a number we own: spare[0] now names p[0]'s socket (its old socket is closed).
        assertEquals(spare[0], dup2(p[0], spare[0]));
        send(spare[0], ascii("via dup"), 7, 0);
        assertEquals("via dup", recvExactly(p[1], 7));
        assertEquals(0, fds.close(p[0]), "close returns 0");
        send(spare[0], ascii("still"), 5, 0);
        assertEquals("still", recvExactly(p[1], 5), "the socket lives while another fd names it");
    }

    @Test
    void shutdownWriteEndsThePeersStreamWhileTheOtherDirectionStaysOpen() throws Exception {
        int[] p = fds.tcpPair4();
        assertEquals(0, shutdown(p[0], SHUT_WR));
        assertEquals(0, recv(p[1], new byte[4], 4, 0), "recv returns 0 at end of stream");
        assertEquals(5, send(p[1], ascii("still"), 5, 0), "the other direction stays open");
        assertEquals("still", recvExactly(p[0], 5));
        fds.close(p[1]);
        fds.close(p[0]);
    }

    @Test
    void accept4SetsNonblockAndCloexecOnTheNewSocket() throws Exception {
        int l = fds.listen4();
        int c = fds.socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in to = in4("127.0.0.1", port(l));
        connect(c, to, to.sizeof());
        sockaddr_in from = new sockaddr_in();
        int[] len = {sockaddr_in.SIZEOF};
        int s = fds.track(accept4(l, from, len, SOCK_NONBLOCK | SOCK_CLOEXEC));
        assertEquals(port(c), ntohs(from.sin_port()));
        assertEquals(O_NONBLOCK, fcntl(s, F_GETFL) & O_NONBLOCK);
        assertEquals(FD_CLOEXEC, fcntl(s, F_GETFD) & FD_CLOEXEC);

        // Plain accept leaves both off.
        int c2 = fds.socket(AF_INET, SOCK_STREAM, 0);
        connect(c2, to, to.sizeof());
        int s2 = fds.track(accept(l, null, null));
        assertEquals(0, fcntl(s2, F_GETFL) & O_NONBLOCK);
        assertEquals(0, fcntl(s2, F_GETFD) & FD_CLOEXEC);
    }

    @Test
    void fcntlSetsAndClearsNonblockAndCloexec() throws Exception {
        int fd = fds.track(Sys.socket(AF_INET, SOCK_STREAM, 0));
        int fl = fcntl(fd, F_GETFL);
        assertEquals(0, fl & O_NONBLOCK);
        assertEquals(0, fcntl(fd, F_SETFL, fl | O_NONBLOCK));
        assertEquals(O_NONBLOCK, fcntl(fd, F_GETFL) & O_NONBLOCK);
        assertEquals(0, fcntl(fd, F_SETFL, fl & ~O_NONBLOCK));
        assertEquals(0, fcntl(fd, F_GETFL) & O_NONBLOCK);

        assertEquals(0, fcntl(fd, F_GETFD) & FD_CLOEXEC);
        assertEquals(0, fcntl(fd, F_SETFD, FD_CLOEXEC));
        assertEquals(FD_CLOEXEC, fcntl(fd, F_GETFD));
        assertEquals(0, fcntl(fd, F_SETFD, 0));
        assertEquals(0, fcntl(fd, F_GETFD));

        // SOCK_NONBLOCK|SOCK_CLOEXEC at creation set the same flags.
        int nb = fds.track(Sys.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        assertEquals(O_NONBLOCK, fcntl(nb, F_GETFL) & O_NONBLOCK);
        assertEquals(FD_CLOEXEC, fcntl(nb, F_GETFD));
    }

    @Test
    void pollReportsWritableAtOnceAndReadableOnceDataArrives() throws Exception {
        int[] p = fds.tcpPair4();
        pollfd[] pf = pollfd.array(2);
        pf[0].fd(p[1]);
        pf[0].events(POLLIN);
        pf[1].fd(p[0]);
        pf[1].events(POLLOUT);
        assertEquals(1, poll(pf, 2, 1000), "only the writable socket is ready");
        assertEquals(0, pf[0].revents());
        assertEquals(POLLOUT, pf[1].revents() & POLLOUT);

        assertEquals(0, poll(pf, 1, 0), "nothing to read yet: a zero timeout returns 0");

        send(p[0], ascii("x"), 1, 0);
        assertEquals(1, poll(pf, 1, 2000));
        assertEquals(POLLIN, pf[0].revents() & POLLIN);

        // The raw-memory form reads the same structs.
        MemorySegment arr = Arena.ofAuto().allocate(pollfd.SIZEOF, 8);
        pollfd one = pollfd.at(arr);
        one.fd(p[1]);
        one.events(POLLIN);
        assertEquals(1, poll(arr, 1, 1000));
        assertEquals(POLLIN, one.revents() & POLLIN);
    }

    // ---- UDP over IPv4 --------------------------------------------------------------------------

    @Test
    void udpOverIpv4SendtoDeliversAndRecvfromNamesTheSender() throws Exception {
        int a = fds.socket(AF_INET, SOCK_DGRAM, 0);
        int b = fds.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        sockaddr_in any = in4("127.0.0.1", 0);
        bind(a, any, any.sizeof());
        bind(b, any, any.sizeof());
        sockaddr_in toB = in4("127.0.0.1", port(b));

        assertEquals(4, sendto(a, ascii("ping"), 4, 0, toB, toB.sizeof()));
        byte[] buf = new byte[64];
        sockaddr_in from = new sockaddr_in();
        int[] len = {sockaddr_in.SIZEOF};
        long n = recvfrom(b, buf, buf.length, 0, from, len);
        assertEquals("ping", ascii(buf, n));
        assertEquals(sockaddr_in.SIZEOF, len[0]);
        assertEquals(port(a), ntohs(from.sin_port()));
        assertEquals("127.0.0.1", inet_ntop(AF_INET, from.sin_addr()));

        // Reply to whoever sent it, as the UDP ping seed does.
        assertEquals(4, sendto(b, ascii("pong"), 4, 0, from, len[0]));
        n = recvfrom(a, buf, buf.length, 0, null, null);
        assertEquals("pong", ascii(buf, n));

        // A connected datagram socket may use send and recv.
        connect(a, toB, toB.sizeof());
        assertEquals(2, send(a, ascii("hi"), 2, 0));
        assertEquals("hi", ascii(buf, recv(b, buf, buf.length, 0)));
    }

    // ---- IPv6 -----------------------------------------------------------------------------------

    @Test
    void tcpAndUdpWorkOverIpv6Loopback() throws Exception {
        int l = fds.socket(AF_INET6, SOCK_STREAM, 0);
        sockaddr_in6 a = in6("::1", 0);
        bind(l, a, a.sizeof());
        listen(l, 4);
        sockaddr_in6 bound = new sockaddr_in6();
        int[] len = {sockaddr_in6.SIZEOF};
        getsockname(l, bound, len);
        assertEquals(sockaddr_in6.SIZEOF, len[0]);
        assertEquals(AF_INET6, bound.sin6_family());
        assertEquals("::1", inet_ntop(AF_INET6, bound.sin6_addr()));

        int c = fds.socket(AF_INET6, SOCK_STREAM, 0);
        assertEquals(0, connect(c, bound, bound.sizeof()));
        sockaddr_in6 from = new sockaddr_in6();
        int[] fromLen = {sockaddr_in6.SIZEOF};
        int s = fds.track(accept(l, from, fromLen));
        assertEquals(AF_INET6, from.sin6_family());
        assertEquals(port(c), ntohs(from.sin6_port()));
        assertEquals("::1", inet_ntop(AF_INET6, from.sin6_addr()));
        assertEquals(6, send(c, ascii("over v6"), 6, 0));
        assertEquals("over v", recvExactly(s, 6));

        int u1 = fds.socket(AF_INET6, SOCK_DGRAM, 0);
        int u2 = fds.socket(AF_INET6, SOCK_DGRAM, 0);
        bind(u1, a, a.sizeof());
        bind(u2, a, a.sizeof());
        sockaddr_in6 to = in6("::1", port(u2));
        assertEquals(3, sendto(u1, ascii("six"), 3, 0, to, to.sizeof()));
        byte[] buf = new byte[16];
        sockaddr_in6 src = new sockaddr_in6();
        int[] srcLen = {sockaddr_in6.SIZEOF};
        assertEquals("six", ascii(buf, recvfrom(u2, buf, buf.length, 0, src, srcLen)));
        assertEquals(port(u1), ntohs(src.sin6_port()));
    }

    @Test
    void dualStackListenerAcceptsAnIpv4ClientWhenV6onlyIsOff() throws Exception {
        int l = fds.socket(AF_INET6, SOCK_STREAM, 0);
        assertEquals(0, setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, new int[] {0}, 4));
        int[] v = {-1};
        getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, v, new int[] {4});
        assertEquals(0, v[0]);
        sockaddr_in6 any = in6("::", 0);
        bind(l, any, any.sizeof());
        listen(l, 4);

        int c = fds.socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in to = in4("127.0.0.1", port(l));
        assertEquals(0, connect(c, to, to.sizeof()));
        sockaddr_in6 from = new sockaddr_in6();
        int[] len = {sockaddr_in6.SIZEOF};
        int s = fds.track(accept(l, from, len));
        assertEquals(AF_INET6, from.sin6_family(), "a v4 peer of a v6 socket has a v4-mapped address");
        assertEquals("::ffff:127.0.0.1", inet_ntop(AF_INET6, from.sin6_addr()));
        assertEquals(port(c), ntohs(from.sin6_port()));
        send(c, ascii("v4"), 2, 0);
        assertEquals("v4", recvExactly(s, 2));
    }

    @Test
    void dualStackListenerRefusesAnIpv4ClientWhenV6onlyIsOn() throws Exception {
        // The port comes from a dual-stack probe, so no IPv4 socket holds it: a refusal is then ours.
        int probe = fds.socket(AF_INET6, SOCK_STREAM, 0);
        setsockopt(probe, IPPROTO_IPV6, IPV6_V6ONLY, new int[] {0}, 4);
        sockaddr_in6 any0 = in6("::", 0);
        bind(probe, any0, any0.sizeof());
        int port = port(probe);
        fds.close(probe);
        int l = fds.socket(AF_INET6, SOCK_STREAM, 0);
        setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, new int[] {1}, 4);
        sockaddr_in6 any = in6("::", port);
        bind(l, any, any.sizeof());
        listen(l, 4);

        int c = fds.socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in to = in4("127.0.0.1", port(l));
        ErrnoException e = assertThrows(ErrnoException.class, () -> connect(c, to, to.sizeof()));
        assertEquals("ECONNREFUSED", e.error().name());

        // A v6 client still gets in.
        int c6 = fds.socket(AF_INET6, SOCK_STREAM, 0);
        sockaddr_in6 to6 = in6("::1", port(l));
        assertEquals(0, connect(c6, to6, to6.sizeof()));
    }

    // ---- Unix -----------------------------------------------------------------------------------

    @Test
    void unixStreamWorksOverAFilesystemPath() throws Exception {
        Path dir = Files.createTempDirectory("jsock");
        try {
            sockaddr_un a = unixPath(dir.resolve("s.sock").toString());
            int len = unixLen(a, null);
            int l = fds.socket(AF_UNIX, SOCK_STREAM, 0);
            assertEquals(0, bind(l, a, len));
            assertTrue(Files.exists(dir.resolve("s.sock")), "bind made the socket file");
            listen(l, 4);
            int c = fds.socket(AF_UNIX, SOCK_STREAM, 0);
            assertEquals(0, connect(c, a, len));
            int s = fds.track(accept(l, null, null));

            sockaddr_un name = new sockaddr_un();
            int[] nameLen = {sockaddr_un.SIZEOF};
            getsockname(l, name, nameLen);
            assertEquals(len, nameLen[0]);
            assertEquals(a.sun_path(), name.sun_path());
            sockaddr_un peer = new sockaddr_un();
            int[] peerLen = {sockaddr_un.SIZEOF};
            getpeername(c, peer, peerLen);
            assertEquals(a.sun_path(), peer.sun_path());

            send(c, ascii("unix"), 4, 0);
            assertEquals("unix", recvExactly(s, 4));
            send(s, ascii("back"), 4, 0);
            assertEquals("back", recvExactly(c, 4));
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    void unixStreamWorksOverAnAbstractName() throws Exception {
        byte[] name = abstractName();
        sockaddr_un a = unixAbstract(name);
        int len = unixLen(a, name);
        int l = fds.socket(AF_UNIX, SOCK_STREAM, 0);
        assertEquals(0, bind(l, a, len));
        listen(l, 4);
        sockaddr_un bound = new sockaddr_un();
        int[] boundLen = {sockaddr_un.SIZEOF};
        getsockname(l, bound, boundLen);
        assertEquals(len, boundLen[0], "an abstract name is exactly as long as given");
        assertArrayEquals(name, bound.sun_path_bytes(boundLen[0]));

        int c = fds.socket(AF_UNIX, SOCK_STREAM, 0);
        assertEquals(0, connect(c, a, len));
        int s = fds.track(accept(l, null, null));
        send(c, ascii("abstract"), 8, 0);
        assertEquals("abstract", recvExactly(s, 8));
    }

    @Test
    void unixDatagramWorksOverAPathAndAnAbstractName() throws Exception {
        Path dir = Files.createTempDirectory("jsock");
        try {
            sockaddr_un pa = unixPath(dir.resolve("server").toString());
            sockaddr_un pb = unixPath(dir.resolve("client").toString());
            datagramRoundTrip(pa, unixLen(pa, null), pb, unixLen(pb, null));
        } finally {
            deleteTree(dir);
        }
        byte[] na = abstractName(), nb = abstractName();
        datagramRoundTrip(unixAbstract(na), unixLen(unixAbstract(na), na), unixAbstract(nb), unixLen(unixAbstract(nb), nb));
    }

    private void datagramRoundTrip(sockaddr_un server, int serverLen, sockaddr_un client, int clientLen) throws Exception {
        int s = fds.socket(AF_UNIX, SOCK_DGRAM, 0);
        int c = fds.socket(AF_UNIX, SOCK_DGRAM, 0);
        bind(s, server, serverLen);
        bind(c, client, clientLen);
        assertEquals(5, sendto(c, ascii("query"), 5, 0, server, serverLen));
        byte[] buf = new byte[32];
        sockaddr_un from = new sockaddr_un();
        int[] fromLen = {sockaddr_un.SIZEOF};
        assertEquals("query", ascii(buf, recvfrom(s, buf, buf.length, 0, from, fromLen)));
        assertEquals(clientLen, fromLen[0], "recvfrom names the sender");
        assertArrayEquals(client.sun_path_bytes(clientLen), from.sun_path_bytes(fromLen[0]));
        assertEquals(6, sendto(s, ascii("answer"), 6, 0, from, fromLen[0]));
        assertEquals("answer", ascii(buf, recvfrom(c, buf, buf.length, 0, null, null)));
        fds.close(s);
        fds.close(c);
    }

    @Test
    void socketpairConnectsTwoStreamSocketsAndTwoDatagramSockets() throws Exception {
        int[] st = fds.pair(SOCK_STREAM);
        assertNotEquals(st[0], st[1]);
        send(st[0], ascii("left"), 4, 0);
        assertEquals("left", recvExactly(st[1], 4));
        send(st[1], ascii("right"), 5, 0);
        assertEquals("right", recvExactly(st[0], 5));

        int[] dg = fds.pair(SOCK_DGRAM);
        send(dg[0], ascii("d1"), 2, 0);
        send(dg[0], ascii("d22"), 3, 0);
        byte[] buf = new byte[16];
        assertEquals(2, recv(dg[1], buf, buf.length, 0), "datagram boundaries are kept");
        assertEquals(3, recv(dg[1], buf, buf.length, 0));

        int[] type = {0};
        getsockopt(dg[0], SOL_SOCKET, SO_TYPE, type, new int[] {4});
        assertEquals(SOCK_DGRAM, type[0]);
        int[] dom = {0};
        getsockopt(st[0], SOL_SOCKET, SO_DOMAIN, dom, new int[] {4});
        assertEquals(AF_UNIX, dom[0]);
    }

    // ---- options --------------------------------------------------------------------------------

    @Test
    void setsockoptAndGetsockoptRoundTripIntsAndStructs() throws Exception {
        int fd = fds.socket(AF_INET, SOCK_STREAM, 0);
        int[] v = {0};
        int[] len = {4};
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, new int[] {1}, 4);
        getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, v, len);
        assertEquals(1, v[0]);
        assertEquals(4, len[0]);

        linger lg = new linger();
        lg.l_onoff(1);
        lg.l_linger(7);
        setsockopt(fd, SOL_SOCKET, SO_LINGER, lg, lg.sizeof());
        linger back = new linger();
        int[] lgLen = {linger.SIZEOF};
        getsockopt(fd, SOL_SOCKET, SO_LINGER, back, lgLen);
        assertEquals(linger.SIZEOF, lgLen[0]);
        assertEquals(1, back.l_onoff());
        assertEquals(7, back.l_linger());

        timeval tv = new timeval();
        tv.tv_sec(3);
        tv.tv_usec(0);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, tv.sizeof());
        timeval tvBack = new timeval();
        int[] tvLen = {timeval.SIZEOF};
        getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tvBack, tvLen);
        assertEquals(3, tvBack.tv_sec());
        assertEquals(0, tvBack.tv_usec());

        // A heap segment is copied to native memory for the call.
        byte[] one = new byte[4];
        MemorySegment.ofArray(one).set(ValueLayout.JAVA_INT_UNALIGNED, 0, 1);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, MemorySegment.ofArray(one), 4);
        getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, v, len);
        assertEquals(1, v[0]);
    }

    // ---- names and addresses --------------------------------------------------------------------

    @Test
    void getaddrinfoResolvesLocalhostAndFreeaddrinfoReleasesTheList() throws Exception {
        addrinfo hints = new addrinfo();
        hints.ai_family(AF_INET);
        hints.ai_socktype(SOCK_STREAM);
        hints.ai_flags(AI_CANONNAME);
        addrinfo[] res = new addrinfo[1];
        assertEquals(0, getaddrinfo("localhost", "80", hints, res));
        addrinfo r = res[0];
        assertNotNull(r);
        assertEquals(AF_INET, r.ai_family());
        assertEquals(SOCK_STREAM, r.ai_socktype());
        assertEquals(IPPROTO_TCP, r.ai_protocol());
        assertEquals(sockaddr_in.SIZEOF, r.ai_addrlen());
        assertEquals("localhost", r.ai_canonname());
        sockaddr_in sin = (sockaddr_in) r.ai_addr();
        assertEquals(80, ntohs(sin.sin_port()));
        assertEquals("127.0.0.1", inet_ntop(AF_INET, sin.sin_addr()));
        freeaddrinfo(res[0]);
        assertThrows(IllegalStateException.class, r::ai_addr, "a freed list cannot be read");
        freeaddrinfo(res[0]); // twice is harmless here, unlike C
    }

    @Test
    void getaddrinfoParsesNumericHostsAndServicesForEachFamily() throws Exception {
        addrinfo hints = new addrinfo();
        hints.ai_family(AF_INET6);
        hints.ai_socktype(SOCK_DGRAM);
        hints.ai_flags(AI_NUMERICHOST | AI_NUMERICSERV);
        addrinfo[] res = new addrinfo[1];
        getaddrinfo("::1", "8080", hints, res);
        try {
            sockaddr_in6 a = (sockaddr_in6) res[0].ai_addr();
            assertEquals(AF_INET6, res[0].ai_family());
            assertEquals(IPPROTO_UDP, res[0].ai_protocol());
            assertEquals(8080, ntohs(a.sin6_port()));
            assertEquals("::1", inet_ntop(AF_INET6, a.sin6_addr()));
            assertNull(res[0].ai_next());
        } finally {
            freeaddrinfo(res[0]);
        }

        // AI_PASSIVE with no host: the wildcard address to bind a server to.
        addrinfo passive = new addrinfo();
        passive.ai_family(AF_INET);
        passive.ai_socktype(SOCK_STREAM);
        passive.ai_flags(AI_PASSIVE);
        getaddrinfo(null, "7878", passive, res);
        try {
            sockaddr_in a = (sockaddr_in) res[0].ai_addr();
            assertEquals(INADDR_ANY, ntohl(a.sin_addr().s_addr()));
            assertEquals(7878, ntohs(a.sin_port()));
        } finally {
            freeaddrinfo(res[0]);
        }
    }

    @Test
    void getnameinfoGivesHostAndServiceText() throws Exception {
        sockaddr_in a = in4("127.0.0.1", 80);
        StringBuilder host = new StringBuilder(), serv = new StringBuilder();
        assertEquals(0, getnameinfo(a, a.sizeof(), host, NI_MAXHOST, serv, NI_MAXSERV, NI_NUMERICHOST | NI_NUMERICSERV));
        assertEquals("127.0.0.1", host.toString());
        assertEquals("80", serv.toString());

        // Names come from /etc/hosts and /etc/services: no packet leaves the machine.
        assertEquals(0, getnameinfo(a, a.sizeof(), host, NI_MAXHOST, serv, NI_MAXSERV, 0));
        assertEquals("localhost", host.toString());
        assertEquals("http", serv.toString());

        sockaddr_in6 b = in6("::1", 8080);
        assertEquals(0, getnameinfo(b, b.sizeof(), host, NI_MAXHOST, null, 0, NI_NUMERICHOST));
        assertEquals("::1", host.toString());
    }

    @Test
    void gaiStrerrorAndStrerrorGiveLibcsText() {
        assertEquals("Name or service not known", gai_strerror(EAI_NONAME));
        assertEquals("Servname not supported for ai_socktype", gai_strerror(EAI_SERVICE));
        assertEquals("Connection refused", strerror(ECONNREFUSED));
        assertEquals("Resource temporarily unavailable", strerror(EAGAIN));
        assertEquals("Address already in use", strerror(EADDRINUSE));
    }

    @Test
    void inetPtonAndInetNtopConvertBothFamilies() throws Exception {
        in_addr ia = new in_addr();
        assertEquals(1, inet_pton(AF_INET, "192.0.2.1", ia));
        assertEquals("c0000201", HexFormat.of().formatHex(ia.bytes()), "network byte order in memory");
        assertEquals(0xc0000201, ntohl(ia.s_addr()));
        assertEquals("192.0.2.1", inet_ntop(AF_INET, ia));

        in6_addr i6 = new in6_addr();
        assertEquals(1, inet_pton(AF_INET6, "2001:db8::1", i6));
        assertEquals("20010db8000000000000000000000001", HexFormat.of().formatHex(i6.s6_addr()));
        assertEquals("2001:db8::1", inet_ntop(AF_INET6, i6));
        assertEquals(1, inet_pton(AF_INET6, "::ffff:127.0.0.1", i6));
        assertEquals("::ffff:127.0.0.1", inet_ntop(AF_INET6, i6));
        assertEquals(1, inet_pton(AF_INET6, "2001:DB8:0:0:0:0:0:1", i6));
        assertEquals("2001:db8::1", inet_ntop(AF_INET6, i6), "inet_ntop writes the canonical form");
    }

    @Test
    void byteOrderHelpersPutTheMostSignificantByteFirst() {
        MemorySegment m = Arena.ofAuto().allocate(8, 8);
        m.set(ValueLayout.JAVA_SHORT, 0, htons(0x1F90)); // 8080
        assertEquals(0x1F, m.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals((byte) 0x90, m.get(ValueLayout.JAVA_BYTE, 1));
        m.set(ValueLayout.JAVA_INT, 4, htonl(0x7f000001));
        assertEquals(0x7f, m.get(ValueLayout.JAVA_BYTE, 4));
        assertEquals(0x01, m.get(ValueLayout.JAVA_BYTE, 7));
        assertEquals(8080, ntohs(htons(8080)));
        assertEquals(65535, ntohs(htons(65535)), "ntohs is unsigned");
        assertEquals(0xdeadbeef, ntohl(htonl(0xdeadbeef)));
        assertEquals(INADDR_LOOPBACK, ntohl(htonl(INADDR_LOOPBACK)));
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
