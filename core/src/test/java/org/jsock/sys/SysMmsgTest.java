package org.jsock.sys;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.jsock.sys.Sys.*;
import static org.jsock.sys.SysFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sendmmsg and recvmmsg as C uses them: several datagrams per call, each with its own address and
 * msg_len, MSG_WAITFORONE, the timeout, EAGAIN as a result and other errors as exceptions.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(10)
class SysMmsgTest {
    private final SysFixture fds = new SysFixture();
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void closeAll() {
        fds.close();
        arena.close();
    }

    /** {@code n} messages, each with one iovec over its own native buffer of {@code room} bytes. */
    private mmsghdr[] messages(int n, int room) {
        mmsghdr[] m = mmsghdr.array(arena, n);
        iovec[] iov = iovec.array(n);
        for (int i = 0; i < n; i++) {
            iov[i].iov_base(arena.allocate(room));
            iov[i].iov_len(room);
            m[i].msg_hdr().msg_iov(new iovec[] {iov[i]});
            m[i].msg_hdr().msg_iovlen(1);
        }
        return m;
    }

    private static iovec iov(mmsghdr m) {
        return iovec.at(m.msg_hdr().msg_iov().reinterpret(iovec.SIZEOF));
    }

    private static void put(mmsghdr m, String text) {
        iovec v = iov(m);
        byte[] b = ascii(text);
        MemorySegment.copy(b, 0, v.iov_base().reinterpret(b.length), ValueLayout.JAVA_BYTE, 0, b.length);
        v.iov_len(b.length);
    }

    private static String text(mmsghdr m) {
        return ascii(iov(m).iov_base().reinterpret(m.msg_len()).toArray(ValueLayout.JAVA_BYTE), m.msg_len());
    }

    @Test
    void sendmmsgSendsEachMessageToItsOwnAddressAndRecvmmsgReportsEachSender() throws Exception {
        int a = fds.socket(AF_INET, SOCK_DGRAM, 0);
        int b = fds.socket(AF_INET, SOCK_DGRAM, 0);
        int c = fds.socket(AF_INET, SOCK_DGRAM, 0);
        for (int fd : new int[] {a, b, c}) {
            sockaddr_in lo = in4("127.0.0.1", 0);
            bind(fd, lo, lo.sizeof());
        }
        sockaddr_in toB = new sockaddr_in(arena), toC = new sockaddr_in(arena);
        MemorySegment.copy(in4("127.0.0.1", port(b)).segment(), 0, toB.segment(), 0, sockaddr_in.SIZEOF);
        MemorySegment.copy(in4("127.0.0.1", port(c)).segment(), 0, toC.segment(), 0, sockaddr_in.SIZEOF);

        mmsghdr[] out = messages(3, 16);
        String[] words = {"one", "two!", "three"};
        sockaddr_in[] dest = {toB, toC, toB};
        for (int i = 0; i < 3; i++) {
            put(out[i], words[i]);
            out[i].msg_hdr().msg_name(dest[i]);
            out[i].msg_hdr().msg_namelen(sockaddr_in.SIZEOF);
        }
        assertEquals(3, sendmmsg(a, out, 3, 0));
        for (int i = 0; i < 3; i++) assertEquals(words[i].length(), out[i].msg_len(), "msg_len of message " + i);

        mmsghdr[] in = messages(4, 64);
        sockaddr_storage[] from = new sockaddr_storage[4];
        for (int i = 0; i < 4; i++) {
            from[i] = new sockaddr_storage(arena);
            in[i].msg_hdr().msg_name(from[i]);
            in[i].msg_hdr().msg_namelen(sockaddr_storage.SIZEOF);
        }
        // MSG_WAITFORONE: two are queued for b, so the call returns 2 of the 4 it may take.
        assertEquals(2, recvmmsg(b, in, 4, MSG_WAITFORONE, null));
        assertEquals("one", text(in[0]));
        assertEquals("three", text(in[1]));
        for (int i = 0; i < 2; i++) {
            assertEquals(sockaddr_in.SIZEOF, in[i].msg_hdr().msg_namelen(), "recvmmsg sets each msg_namelen");
            assertEquals(port(a), ntohs(sockaddr_in.at(from[i].segment()).sin_port()), "msg_name names the sender");
        }
        assertEquals(1, recvmmsg(c, in, 1, 0, null));
        assertEquals("two!", text(in[0]));
    }

    @Test
    void connectedSocketsSendWithoutAddressesOverIpv6() throws Exception {
        int a = fds.socket(AF_INET6, SOCK_DGRAM, 0);
        int b = fds.socket(AF_INET6, SOCK_DGRAM, 0);
        sockaddr_in6 lo = in6("::1", 0);
        bind(a, lo, lo.sizeof());
        bind(b, lo, lo.sizeof());
        sockaddr_in6 toB = in6("::1", port(b));
        connect(a, toB, toB.sizeof());

        mmsghdr[] out = messages(2, 16);
        put(out[0], "first");
        put(out[1], "");
        assertEquals(2, sendmmsg(a, out, 2, 0), "an empty datagram is a datagram");

        mmsghdr[] in = messages(2, 16);
        assertEquals(2, recvmmsg(b, in, 2, 0, null));
        assertEquals("first", text(in[0]));
        assertEquals(0, in[1].msg_len());
        assertEquals(0, in[0].msg_hdr().msg_namelen(), "no msg_name asked for, none given");
    }

    @Test
    void recvmmsgOnAnEmptyNonBlockingSocketReturnsMinusOneWithEagain() throws Exception {
        int b = fds.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        sockaddr_in lo = in4("127.0.0.1", 0);
        bind(b, lo, lo.sizeof());
        mmsghdr[] in = messages(2, 16);
        assertEquals(-1, recvmmsg(b, in, 2, 0, null), "EAGAIN is a result, not an exception");
        assertEquals(EAGAIN, Sys.errno());

        int blocking = fds.socket(AF_INET, SOCK_DGRAM, 0);
        bind(blocking, in4("127.0.0.1", 0), sockaddr_in.SIZEOF);
        assertEquals(-1, recvmmsg(blocking, in, 2, MSG_DONTWAIT, null));
        assertEquals(EAGAIN, Sys.errno());
    }

    @Test
    void recvmmsgWritesTheTimeLeftIntoTheTimeout() throws Exception {
        int a = fds.socket(AF_INET, SOCK_DGRAM, 0);
        int b = fds.socket(AF_INET, SOCK_DGRAM, 0);
        bind(b, in4("127.0.0.1", 0), sockaddr_in.SIZEOF);
        sockaddr_in toB = in4("127.0.0.1", port(b));
        assertEquals(1, sendto(a, ascii("x"), 1, 0, toB, toB.sizeof()));

        timespec ts = new timespec(arena);
        ts.tv_sec(5);
        mmsghdr[] in = messages(2, 16);
        assertEquals(1, recvmmsg(b, in, 2, MSG_WAITFORONE, ts));
        long left = ts.tv_sec() * 1_000_000_000L + ts.tv_nsec();
        assertTrue(left > 0 && left < 5_000_000_000L, "the kernel counted down from 5 s: " + ts.tv_sec() + " s " + ts.tv_nsec() + " ns");
    }

    @Test
    void aDatagramLongerThanItsBufferIsCutAndFlaggedMsgTrunc() throws Exception {
        int[] p = fds.pair(SOCK_DGRAM);
        mmsghdr[] out = messages(1, 32);
        put(out[0], "0123456789");
        assertEquals(1, sendmmsg(p[0], out, 1, 0));
        mmsghdr[] in = messages(1, 4);
        assertEquals(1, recvmmsg(p[1], in, 1, 0, null));
        assertEquals(4, in[0].msg_len());
        assertEquals("0123", text(in[0]));
        assertEquals(MSG_TRUNC, in[0].msg_hdr().msg_flags() & MSG_TRUNC);
    }

    @Test
    void aBatchLargerThanTheSocketBufferIsSentInPart() throws Exception {
        int[] p = fds.pair(SOCK_DGRAM | SOCK_NONBLOCK);
        // A Unix datagram socket queues a bounded number of messages; 500 of 1 KiB do not all fit.
        int n = 500;
        mmsghdr[] out = messages(n, 1024);
        int sent = sendmmsg(p[0], out, n, 0);
        assertTrue(sent > 0 && sent < n, "sendmmsg returns the part it sent: " + sent + " of " + n);
        assertEquals(-1, sendmmsg(p[0], out, n, 0), "and, with no room left at all, EAGAIN");
        assertEquals(EAGAIN, Sys.errno());
    }

    @Test
    void errorsThrowWithTheCallsNameAndErrno() throws Exception {
        mmsghdr[] m = messages(1, 8);
        ErrnoException e = assertThrows(ErrnoException.class, () -> sendmmsg(-1, m, 1, 0));
        assertEquals(EBADF, e.errno());
        assertTrue(e.getMessage().startsWith("sendmmsg"), e.getMessage());
        e = assertThrows(ErrnoException.class, () -> recvmmsg(-1, m, 1, 0, null));
        assertEquals(EBADF, e.errno());
        assertTrue(e.getMessage().startsWith("recvmmsg"), e.getMessage());

        int fd = fds.socket(AF_INET, SOCK_DGRAM, 0);
        fds.close(fd);
        assertEquals(EBADF, assertThrows(ErrnoException.class, () -> recvmmsg(fd, m, 1, MSG_DONTWAIT, null)).errno(),
                "a closed fd is EBADF");
        int unconnected = fds.socket(AF_INET, SOCK_DGRAM, 0);
        assertEquals(EDESTADDRREQ, assertThrows(ErrnoException.class, () -> sendmmsg(unconnected, m, 1, 0)).errno(),
                "no address and no peer");
    }

    @Test
    void javaSideMisuseIsRefusedBeforeTheKernelSeesIt() {
        mmsghdr[] m = messages(2, 8);
        assertThrows(IndexOutOfBoundsException.class, () -> sendmmsg(0, m, 3, 0), "vlen beyond the array");
        assertThrows(IndexOutOfBoundsException.class, () -> recvmmsg(0, m[0].segment(), 2, 0, MemorySegment.NULL),
                "vlen beyond the segment: the kernel would write past it");
        assertThrows(IllegalArgumentException.class, () -> sendmmsg(0, m[0].segment(), -1, 0));
        mmsghdr[] scattered = {new mmsghdr(), new mmsghdr()};
        assertThrows(IllegalArgumentException.class, () -> recvmmsg(0, scattered, 2, 0, null), "not contiguous");
        assertThrows(IndexOutOfBoundsException.class, () -> recvmmsg(0, m[0].segment(), 1, 0, arena.allocate(8)), "a short timespec");
    }
}
