package org.jsock.sys;

import org.jsock.net.DatagramBatch;
import org.jsock.net.Family;
import org.jsock.net.MsgFlags;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static org.jsock.sys.Sys.*;

/**
 * Run by {@link MmsgTraceMatchesStraceTest} in a JVM of its own, under strace and with
 * {@code -Djsock.trace=true}: sendmmsg, recvmmsg, sendmsg and recvmsg in the shapes strace decodes
 * differently (addresses or none, IPv4 and IPv6, data past 32 bytes, more than 32 messages, a
 * truncated datagram, EAGAIN, EBADF, a timeout, no messages), through Sys and through Socket.
 */
public final class MmsgTraceProgram {
    private MmsgTraceProgram() {}

    private static final Arena ARENA = Arena.ofAuto();

    public static void main(String[] args) throws Exception {
        int a = udp(AF_INET, "127.0.0.1");
        int b = udp(AF_INET, "127.0.0.1");
        sockaddr_in toB = sockaddr_in.at(ARENA.allocate(sockaddr_in.SIZEOF, 8));
        int[] len = {sockaddr_in.SIZEOF};
        getsockname(b, toB, len);

        // Three datagrams, each addressed; text, binary with escapes, and more than strace shows.
        mmsghdr[] out = messages(3, 64);
        fill(out[0], "hello".getBytes(StandardCharsets.US_ASCII));
        fill(out[1], new byte[] {0, 1, 2, 'a', '7', '\n', '"', (byte) 0xff});
        fill(out[2], "0123456789abcdefghijklmnopqrstuvwxyz-past-the-limit".getBytes(StandardCharsets.US_ASCII));
        for (mmsghdr m : out) {
            m.msg_hdr().msg_name(toB);
            m.msg_hdr().msg_namelen(sockaddr_in.SIZEOF);
        }
        sendmmsg(a, out, 3, 0);
        mmsghdr[] in = withNames(messages(4, 64));
        recvmmsg(b, in, 4, MSG_WAITFORONE, null);
        recvmmsg(b, withNames(in), 4, MSG_DONTWAIT, null);

        // A timeout: on entry, and the time left after.
        sendmmsg(a, out, 1, 0);
        timespec ts = new timespec(ARENA);
        ts.tv_sec(5);
        recvmmsg(b, withNames(in), 2, MSG_WAITFORONE, ts);

        // Truncated: msg_flags=MSG_TRUNC, data cut at the buffer.
        sendmmsg(a, new mmsghdr[] {out[2]}, 1, 0);
        mmsghdr[] small = withNames(messages(1, 10));
        recvmmsg(b, small, 1, 0, null);

        // More than 32 messages: strace prints 32 and "...".
        mmsghdr[] many = messages(40, 8);
        for (int i = 0; i < many.length; i++) {
            fill(many[i], ("m" + i).getBytes(StandardCharsets.US_ASCII));
            many[i].msg_hdr().msg_name(toB);
            many[i].msg_hdr().msg_namelen(sockaddr_in.SIZEOF);
        }
        sendmmsg(a, many, 40, 0);
        mmsghdr[] manyIn = withNames(messages(40, 8));
        recvmmsg(b, manyIn, 40, MSG_DONTWAIT, null);

        // No messages, and failures.
        sendmmsg(a, out, 0, 0);
        recvmmsg(b, in, 0, 0, null);
        try {
            sendmmsg(-1, out, 1, 0);
        } catch (ErrnoException expected) {
            // traced as -1 EBADF
        }
        try {
            recvmmsg(-1, in, 1, 0, null);
        } catch (ErrnoException expected) {
            // traced as -1 EBADF
        }

        // IPv6, connected: no msg_name on either side.
        int c = udp(AF_INET6, "::1");
        int d = udp(AF_INET6, "::1");
        sockaddr_in6 toD = sockaddr_in6.at(ARENA.allocate(sockaddr_in6.SIZEOF, 8));
        int[] len6 = {sockaddr_in6.SIZEOF};
        getsockname(d, toD, len6);
        connect(c, toD, len6[0]);
        mmsghdr[] six = messages(2, 16);
        fill(six[0], "six".getBytes(StandardCharsets.US_ASCII));
        fill(six[1], new byte[0]);
        sendmmsg(c, six, 2, MSG_DONTWAIT);
        recvmmsg(d, messages(2, 16), 2, 0, null);

        // sendmsg and recvmsg share the msghdr rendering: the name length before => after.
        msghdr one = out[0].msg_hdr();
        sendmsg(a, one, 0);
        msghdr r = withNames(messages(1, 64))[0].msg_hdr();
        recvmsg(b, r, 0);
        recvmsg(b, r, MSG_DONTWAIT);

        // The typed API: a batch out of an unconnected IPv6 socket, echoed back to each sender.
        try (Socket s = Socket.udp(Family.INET6); Socket t = Socket.udp(Family.INET6)) {
            s.bind(SockAddr.Inet6.loopback(0));
            t.bind(SockAddr.Inet6.loopback(0));
            DatagramBatch batch = new DatagramBatch(4, 32);
            for (int i = 0; i < 2; i++) {
                batch.put(i, ("batch " + i).getBytes(StandardCharsets.US_ASCII), 0, 7);
                batch.setAddress(i, t.localAddress());
            }
            s.sendBatch(batch, 0, 2);
            DatagramBatch got = new DatagramBatch(4, 32);
            int n = t.recvBatch(got);
            t.sendBatch(got, 0, n);
            s.recvBatch(got, MsgFlags.DONTWAIT);
        }

        for (int fd : new int[] {a, b, c, d}) Sys.close(fd);
    }

    private static int udp(int family, String ip) throws ErrnoException {
        int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (family == AF_INET) {
            sockaddr_in lo = new sockaddr_in(ARENA);
            lo.sin_family(AF_INET);
            inet_pton(AF_INET, ip, lo.sin_addr());
            bind(fd, lo, lo.sizeof());
        } else {
            sockaddr_in6 lo = new sockaddr_in6(ARENA);
            lo.sin6_family(AF_INET6);
            inet_pton(AF_INET6, ip, lo.sin6_addr());
            bind(fd, lo, lo.sizeof());
        }
        return fd;
    }

    private static mmsghdr[] messages(int n, int room) {
        mmsghdr[] m = mmsghdr.array(ARENA, n);
        iovec[] iov = iovec.array(n);
        for (int i = 0; i < n; i++) {
            iov[i].iov_base(ARENA.allocate(room));
            iov[i].iov_len(room);
            m[i].msg_hdr().msg_iov(new iovec[] {iov[i]});
            m[i].msg_hdr().msg_iovlen(1);
        }
        return m;
    }

    /** Room for a sender's address in each message, as a receive wants it; iov_len back to full. */
    private static mmsghdr[] withNames(mmsghdr[] m) {
        for (mmsghdr x : m) {
            x.msg_hdr().msg_name(new sockaddr_storage(ARENA));
            x.msg_hdr().msg_namelen(sockaddr_storage.SIZEOF);
        }
        return m;
    }

    private static void fill(mmsghdr m, byte[] data) {
        iovec v = iovec.at(m.msg_hdr().msg_iov().reinterpret(iovec.SIZEOF));
        MemorySegment.copy(data, 0, v.iov_base().reinterpret(Math.max(1, data.length)), ValueLayout.JAVA_BYTE, 0, data.length);
        v.iov_len(data.length);
    }
}
