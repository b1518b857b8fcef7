package org.jsock.sys;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.jsock.sys.Sys.*;
import static org.jsock.sys.SysFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the calls mean, beyond succeeding: half-close, peeking, waiting for all, SO_ERROR, SCM_RIGHTS. */
@ExtendWith(FdLeakCheck.class)
@Timeout(10)
class SysSemanticsTest {
    private final SysFixture fds = new SysFixture();

    @AfterEach
    void closeAll() {
        fds.close();
    }

    @Test
    void afterThePeerShutsDownWritingRecvReturnsZeroWhileWeCanStillSend() throws Exception {
        int[] p = fds.tcpPair4();
        int client = p[0], server = p[1];
        send(client, ascii("request"), 7, 0);
        shutdown(client, SHUT_WR);

        assertEquals("request", recvExactly(server, 7));
        assertEquals(0, recv(server, new byte[16], 16, 0), "end of stream after the peer's SHUT_WR");
        assertEquals(0, recv(server, new byte[16], 16, 0), "and it stays at the end");

        assertEquals(8, send(server, ascii("response"), 8, 0), "our direction is still open");
        assertEquals("response", recvExactly(client, 8), "and the half-closed peer still receives");
    }

    @Test
    void msgPeekLeavesTheDataInPlace() throws Exception {
        int[] p = fds.tcpPair4();
        send(p[0], ascii("peekaboo"), 8, 0);
        byte[] b = new byte[4];
        assertEquals(4, recv(p[1], b, 4, MSG_PEEK | MSG_WAITALL));
        assertEquals("peek", ascii(b, 4));
        assertEquals(4, recv(p[1], b, 4, MSG_PEEK));
        assertEquals("peek", ascii(b, 4), "peeking twice sees the same bytes");
        assertEquals("peekaboo", recvExactly(p[1], 8), "a real recv then takes them all");
    }

    @Test
    void msgWaitallFillsTheBufferWhenTheSenderWritesInPieces() throws Exception {
        int[] p = fds.tcpPair4();
        setsockopt(p[0], IPPROTO_TCP, TCP_NODELAY, new int[] {1}, 4);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<?> writer = ex.submit(() -> {
                for (String piece : new String[] {"ab", "cd", "ef", "gh"}) {
                    send(p[0], ascii(piece), 2, 0);
                    Thread.sleep(20);
                }
                return null;
            });
            byte[] b = new byte[8];
            long n = recv(p[1], b, 8, MSG_WAITALL);
            assertEquals(8, n, "MSG_WAITALL returned early");
            assertEquals("abcdefgh", ascii(b, 8));
            writer.get(5, TimeUnit.SECONDS);
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void withoutWaitallAStreamRecvMayReturnLessThanAsked() throws Exception {
        int[] p = fds.tcpPair4();
        send(p[0], ascii("abc"), 3, 0);
        byte[] b = new byte[100];
        long n = recv(p[1], b, 100, 0);
        assertTrue(n >= 1 && n <= 3, "a stream hands out what it has, got " + n);
        // The seed's read_data loop picks up the rest.
        String rest = n < 3 ? recvExactly(p[1], (int) (3 - n)) : "";
        assertEquals("abc", ascii(b, n) + rest);
    }

    @Test
    void soErrorReportsEconnrefusedAfterAFailedNonblockingConnect() throws Exception {
        int hold = fds.socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a = in4("127.0.0.1", 0);
        bind(hold, a, a.sizeof());
        sockaddr_in to = in4("127.0.0.1", port(hold));

        int c = fds.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int r;
        try {
            r = connect(c, to, to.sizeof());
        } catch (ErrnoException immediate) {
            // Loopback may refuse before connect returns; that is the same answer, given sooner.
            assertEquals(ECONNREFUSED, immediate.errno());
            return;
        }
        assertEquals(-1, r);
        assertEquals(EINPROGRESS, Sys.errno(), "a non-blocking connect is in progress, not failed");
        pollfd[] pf = pollfd.array(1);
        pf[0].fd(c);
        pf[0].events(POLLOUT);
        assertEquals(1, poll(pf, 1, 2000));
        int[] err = {-1};
        int[] len = {4};
        getsockopt(c, SOL_SOCKET, SO_ERROR, err, len);
        assertEquals(ECONNREFUSED, err[0], "SO_ERROR holds the connect's failure");
        getsockopt(c, SOL_SOCKET, SO_ERROR, err, len);
        assertEquals(0, err[0], "reading SO_ERROR clears it");
    }

    @Test
    void soErrorIsZeroAfterASuccessfulNonblockingConnect() throws Exception {
        int l = fds.listen4();
        sockaddr_in to = in4("127.0.0.1", port(l));
        int c = fds.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int r = connect(c, to, to.sizeof());
        if (r < 0) {
            assertEquals(EINPROGRESS, Sys.errno());
            pollfd[] pf = pollfd.array(1);
            pf[0].fd(c);
            pf[0].events(POLLOUT);
            assertEquals(1, poll(pf, 1, 2000));
        }
        int[] err = {-1};
        getsockopt(c, SOL_SOCKET, SO_ERROR, err, new int[] {4});
        assertEquals(0, err[0]);
        int s = fds.track(accept(l, null, null));
        assertEquals(2, send(c, ascii("ok"), 2, 0));
        assertEquals("ok", recvExactly(s, 2));
    }

    @Test
    void scmRightsPassesAWorkingFdOverAUnixSocket() throws Exception {
        int[] carrier = fds.pair(SOCK_STREAM);
        int[] passed = fds.pair(SOCK_STREAM); // passed[0] travels; passed[1] stays here to talk to it
        try (Arena a = Arena.ofConfined()) {
            // Sender: one data byte and one SCM_RIGHTS message carrying passed[0].
            MemorySegment data = nativeCopy(a, "F");
            iovec[] iov = iovec.array(1);
            iov[0].iov_base(data);
            iov[0].iov_len(1);
            MemorySegment control = a.allocate(CMSG_SPACE(4), 8);
            msghdr out = new msghdr(a);
            out.msg_iov(iov);
            out.msg_iovlen(1);
            out.msg_control(control);
            out.msg_controllen(control.byteSize());
            cmsghdr c = CMSG_FIRSTHDR(out);
            assertNotNull(c);
            c.cmsg_len(CMSG_LEN(4));
            c.cmsg_level(SOL_SOCKET);
            c.cmsg_type(SCM_RIGHTS);
            CMSG_DATA(c).set(ValueLayout.JAVA_INT, 0, passed[0]);
            assertEquals(1, sendmsg(carrier[0], out, 0));

            // Receiver.
            MemorySegment in = a.allocate(1);
            iovec[] riov = iovec.array(1);
            riov[0].iov_base(in);
            riov[0].iov_len(1);
            MemorySegment rcontrol = a.allocate(CMSG_SPACE(4), 8);
            msghdr rm = new msghdr(a);
            rm.msg_iov(riov);
            rm.msg_iovlen(1);
            rm.msg_control(rcontrol);
            rm.msg_controllen(rcontrol.byteSize());
            assertEquals(1, recvmsg(carrier[1], rm, MSG_CMSG_CLOEXEC));
            assertEquals('F', in.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, rm.msg_flags() & MSG_CTRUNC, "the control buffer was big enough");
            cmsghdr rc = CMSG_FIRSTHDR(rm);
            assertNotNull(rc, "a control message arrived");
            assertEquals(SOL_SOCKET, rc.cmsg_level());
            assertEquals(SCM_RIGHTS, rc.cmsg_type());
            assertEquals(CMSG_LEN(4), rc.cmsg_len());
            assertEquals(4, CMSG_DATA(rc).byteSize());
            int received = fds.track(CMSG_DATA(rc).get(ValueLayout.JAVA_INT, 0));
            assertNull(CMSG_NXTHDR(rm, rc), "only one control message");
            assertNotEquals(passed[0], received, "the receiver gets a new fd number for the same socket");
            assertEquals(FD_CLOEXEC, fcntl(received, F_GETFD) & FD_CLOEXEC, "MSG_CMSG_CLOEXEC applied");

            // The received fd is the same socket: close our copy, and it still talks to passed[1].
            fds.close(passed[0]);
            assertEquals(5, send(received, ascii("hello"), 5, 0));
            assertEquals("hello", recvExactly(passed[1], 5));
            send(passed[1], ascii("back"), 4, 0);
            assertEquals("back", recvExactly(received, 4));
        }
    }

    @Test
    void scmRightsCarriesSeveralFdsAndCmsgNxthdrWalksSeveralMessages() throws Exception {
        int[] carrier = fds.pair(SOCK_DGRAM);
        int[] x = fds.pair(SOCK_DGRAM);
        int[] y = fds.pair(SOCK_DGRAM);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = nativeCopy(a, "2");
            iovec[] iov = iovec.array(1);
            iov[0].iov_base(data);
            iov[0].iov_len(1);
            // Two control messages, one fd each, walked with CMSG_NXTHDR as C builds them.
            MemorySegment control = a.allocate(2 * CMSG_SPACE(4), 8);
            msghdr out = new msghdr(a);
            out.msg_iov(iov);
            out.msg_iovlen(1);
            out.msg_control(control);
            out.msg_controllen(control.byteSize());
            cmsghdr c1 = CMSG_FIRSTHDR(out);
            c1.cmsg_len(CMSG_LEN(4));
            c1.cmsg_level(SOL_SOCKET);
            c1.cmsg_type(SCM_RIGHTS);
            CMSG_DATA(c1).set(ValueLayout.JAVA_INT, 0, x[0]);
            cmsghdr c2 = CMSG_NXTHDR(out, c1);
            assertNotNull(c2, "room for a second message");
            c2.cmsg_len(CMSG_LEN(4));
            c2.cmsg_level(SOL_SOCKET);
            c2.cmsg_type(SCM_RIGHTS);
            CMSG_DATA(c2).set(ValueLayout.JAVA_INT, 0, y[0]);
            assertEquals(1, sendmsg(carrier[0], out, 0));

            MemorySegment in = a.allocate(1);
            iovec[] riov = iovec.array(1);
            riov[0].iov_base(in);
            riov[0].iov_len(1);
            MemorySegment rcontrol = a.allocate(CMSG_SPACE(8), 8);
            msghdr rm = new msghdr(a);
            rm.msg_iov(riov);
            rm.msg_iovlen(1);
            rm.msg_control(rcontrol);
            rm.msg_controllen(rcontrol.byteSize());
            assertEquals(1, recvmsg(carrier[1], rm, MSG_CMSG_CLOEXEC));
            int total = 0;
            int[] got = new int[2];
            for (cmsghdr c = CMSG_FIRSTHDR(rm); c != null; c = CMSG_NXTHDR(rm, c)) {
                assertEquals(SCM_RIGHTS, c.cmsg_type());
                MemorySegment d = CMSG_DATA(c);
                for (long off = 0; off + 4 <= d.byteSize(); off += 4) got[total++] = fds.track(d.get(ValueLayout.JAVA_INT, off));
            }
            assertEquals(2, total, "both fds arrived (the kernel may merge them into one message)");
            send(got[0], ascii("to-x"), 4, 0);
            send(got[1], ascii("to-y"), 4, 0);
            byte[] b = new byte[8];
            assertEquals("to-x", ascii(b, recv(x[1], b, 8, 0)));
            assertEquals("to-y", ascii(b, recv(y[1], b, 8, 0)));
        }
    }
}
