package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.jsock.sys.Sys.*;

/**
 * The fds a sys-level test opens, closed when it ends, and the small helpers C tests write again and
 * again (an address, a bound port, a connected pair). A test that closes an fd itself does so through
 * {@link #close(int)}, so the cleanup never closes a number the JVM has since reused.
 */
final class SysFixture implements AutoCloseable {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final List<Integer> open = new ArrayList<>();

    int track(int fd) {
        open.add(fd);
        return fd;
    }

    int socket(int domain, int type, int protocol) throws ErrnoException {
        return track(Sys.socket(domain, type | SOCK_CLOEXEC, protocol));
    }

    /** Closes a tracked fd now; returns close's result. */
    int close(int fd) throws ErrnoException {
        open.remove(Integer.valueOf(fd));
        return Sys.close(fd);
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                Sys.close(open.get(i));
            } catch (ErrnoException ignored) {
                // already gone: the test's own business
            }
        }
        open.clear();
    }

    // ---- addresses ------------------------------------------------------------------------------

    static sockaddr_in in4(String ip, int port) throws ErrnoException {
        sockaddr_in a = new sockaddr_in();
        a.sin_family(AF_INET);
        a.sin_port(htons(port));
        if (inet_pton(AF_INET, ip, a.sin_addr()) != 1) throw new IllegalArgumentException(ip);
        return a;
    }

    static sockaddr_in6 in6(String ip, int port) throws ErrnoException {
        sockaddr_in6 a = new sockaddr_in6();
        a.sin6_family(AF_INET6);
        a.sin6_port(htons(port));
        if (inet_pton(AF_INET6, ip, a.sin6_addr()) != 1) throw new IllegalArgumentException(ip);
        return a;
    }

    static sockaddr_un unixPath(String path) {
        sockaddr_un a = new sockaddr_un();
        a.sun_family(AF_UNIX);
        a.sun_path(path);
        return a;
    }

    /** A fresh abstract name (leading NUL), unique in this JVM. */
    static byte[] abstractName() {
        return ("\0jsock-test-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
    }

    static sockaddr_un unixAbstract(byte[] name) {
        sockaddr_un a = new sockaddr_un();
        a.sun_family(AF_UNIX);
        a.sun_path(name);
        return a;
    }

    /** {@code offsetof(sun_path) + strlen + 1} for a path, {@code offsetof + len} for an abstract name. */
    static int unixLen(sockaddr_un a, byte[] abstractName) {
        return abstractName != null ? sockaddr_un.SUN_PATH_OFFSET + abstractName.length
                : sockaddr_un.SUN_PATH_OFFSET + a.sun_path().getBytes(StandardCharsets.UTF_8).length + 1;
    }

    /** The port an inet socket is bound to, from getsockname. */
    static int port(int fd) throws ErrnoException {
        sockaddr_storage ss = new sockaddr_storage();
        int[] len = {sockaddr_storage.SIZEOF};
        getsockname(fd, ss, len);
        return ntohs(ss.segment().get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2));
    }

    // ---- connections ----------------------------------------------------------------------------

    /** A listening TCP socket on 127.0.0.1, port chosen by the kernel. */
    int listen4() throws ErrnoException {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, new int[] {1}, 4);
        sockaddr_in a = in4("127.0.0.1", 0);
        bind(fd, a, a.sizeof());
        listen(fd, 16);
        return fd;
    }

    /** {client, server}: a connected TCP pair over 127.0.0.1. */
    int[] tcpPair4() throws ErrnoException {
        int l = listen4();
        int c = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in to = in4("127.0.0.1", port(l));
        connect(c, to, to.sizeof());
        int s = track(accept(l, null, null));
        close(l);
        return new int[] {c, s};
    }

    /** {a, b} from socketpair(AF_UNIX, type). */
    int[] pair(int type) throws ErrnoException {
        int[] sv = new int[2];
        socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv);
        track(sv[0]);
        track(sv[1]);
        return sv;
    }

    // ---- data -----------------------------------------------------------------------------------

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String ascii(byte[] b, long n) {
        return new String(b, 0, (int) n, StandardCharsets.US_ASCII);
    }

    static MemorySegment nativeCopy(Arena arena, String s) {
        byte[] b = ascii(s);
        MemorySegment m = arena.allocate(Math.max(1, b.length));
        MemorySegment.copy(b, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        return m.asSlice(0, b.length);
    }

    /** Reads exactly {@code n} bytes, looping as the seed's read_data does. */
    static String recvExactly(int fd, int n) throws ErrnoException {
        byte[] all = new byte[n];
        int got = 0;
        while (got < n) {
            byte[] b = new byte[n - got];
            long r = recv(fd, b, b.length, 0);
            if (r <= 0) throw new AssertionError("stream ended after " + got + " of " + n + " bytes");
            System.arraycopy(b, 0, all, got, (int) r);
            got += (int) r;
        }
        return ascii(all, n);
    }
}
