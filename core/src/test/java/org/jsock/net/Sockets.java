package org.jsock.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sockets a net-level test opens, closed when it ends (close is idempotent, so a test may close
 * any of them itself), and the fixtures the tests share: connected pairs on each family, temporary
 * directories for Unix paths, unique abstract names.
 */
final class Sockets implements AutoCloseable {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final List<Socket> open = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    synchronized Socket add(Socket s) {
        open.add(s);
        return s;
    }

    Socket listen(SockAddr where) throws IOException {
        return add(Socket.listenOn(where, 16));
    }

    Socket connect(SockAddr to) throws IOException {
        return add(Socket.connectTo(to));
    }

    Socket accept(Socket listener) throws IOException {
        return add(listener.accept());
    }

    /** {client, server}: a connected stream pair on the loopback address of {@code family}. */
    Socket[] tcpPair(Family family) throws IOException {
        SockAddr any = family == Family.INET ? SockAddr.Inet4.loopback(0) : SockAddr.Inet6.loopback(0);
        try (Socket l = Socket.listenOn(any, 4)) {
            Socket c = connect(l.localAddress());
            Socket s = accept(l);
            return new Socket[] {c, s};
        }
    }

    Socket[] pair(SockType type) throws IOException {
        Socket[] p = Socket.pair(type);
        add(p[0]);
        add(p[1]);
        return p;
    }

    /** A bound datagram socket on the loopback address of {@code family}. */
    Socket udp(Family family) throws IOException {
        Socket s = add(Socket.udp(family));
        s.bind(family == Family.INET ? SockAddr.Inet4.loopback(0) : SockAddr.Inet6.loopback(0));
        return s;
    }

    /** A path in a fresh temporary directory, removed when the test ends. */
    Path tempPath(String name) throws IOException {
        Path d = Files.createTempDirectory("jsock");
        synchronized (this) {
            dirs.add(d);
        }
        return d.resolve(name);
    }

    static SockAddr.Unix abstractName() {
        return SockAddr.Unix.abstractName("jsock-net-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet());
    }

    @Override
    public synchronized void close() throws IOException {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        open.clear();
        for (Path d : dirs) {
            try (var s = Files.walk(d)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        dirs.clear();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String ascii(byte[] b, int n) {
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    /** Receives exactly {@code n} bytes as text. */
    static String recvText(Socket s, int n) throws IOException {
        byte[] b = new byte[n];
        int got = s.recvFully(b, 0, n);
        if (got != n) throw new AssertionError("stream ended after " + got + " of " + n + " bytes");
        return ascii(b, n);
    }
}
