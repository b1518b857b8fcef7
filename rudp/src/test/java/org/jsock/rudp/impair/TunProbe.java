package org.jsock.rudp.impair;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A TCP end that {@link TunLinkTest} runs inside a namespace (with {@code ip netns exec}), so the
 * kernel's TCP crosses the link. It prints one line per event for the test to read:
 * <ul>
 *   <li>{@code serve PORT}: prints {@code listening}, then accepts connections (10 s at most for
 *       each) and reads each to the end; empty ones are only handshakes, and at the first with data
 *       it prints {@code received <bytes> <sha-256>} and exits.
 *   <li>{@code send HOST PORT BYTES SEED CONNECT_TIMEOUT_MS}: first warms the JVM's connect path
 *       up on loopback (class loading would otherwise count), then connects and closes three times
 *       and prints {@code connected <the fastest connect, in nanoseconds>}, or {@code timeout} if a
 *       connect times out. Then sends BYTES seeded random bytes on a fourth connection,
 *       half-closes, waits for the server to close, and prints {@code sent <bytes> <sha-256>}.
 * </ul>
 */
public final class TunProbe {
    private TunProbe() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        switch (args[0]) {
            case "serve" -> serve(Integer.parseInt(args[1]), out);
            case "send" -> send(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]),
                    Integer.parseInt(args[5]), out);
            default -> throw new IllegalArgumentException("serve or send, not " + args[0]);
        }
    }

    private static void serve(int port, PrintStream out) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("0.0.0.0", port));
            server.setSoTimeout(10_000);
            out.println("listening");
            out.flush();
            for (int i = 0; i < 10; i++) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(10_000);
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    long total = 0;
                    byte[] buf = new byte[65536];
                    InputStream in = s.getInputStream();
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                        total += n;
                    }
                    if (total > 0) {
                        out.println("received " + total + " " + HexFormat.of().formatHex(sha.digest()));
                        return;
                    }
                }
            }
        }
    }

    private static void send(String host, int port, int bytes, long seed, int connectTimeoutMillis, PrintStream out) throws Exception {
        try (Socket warm = new Socket()) {
            warm.connect(new InetSocketAddress("127.0.0.1", 1), 1000);
        } catch (IOException refused) {
            // expected: nothing listens there; the classes a connect needs are loaded now
        }
        long fastest = Long.MAX_VALUE;
        InetSocketAddress server = new InetSocketAddress(host, port);
        for (int i = 0; i < 3; i++) {
            try (Socket s = new Socket()) {
                long t0 = System.nanoTime();
                s.connect(server, connectTimeoutMillis);
                fastest = Math.min(fastest, System.nanoTime() - t0);
            } catch (SocketTimeoutException e) {
                out.println("timeout");
                return;
            }
        }
        out.println("connected " + fastest);
        out.flush();
        try (Socket s = new Socket()) {
            s.connect(server, connectTimeoutMillis);
            s.setSoTimeout(10_000);
            byte[] data = new byte[bytes];
            new SplittableRandom(seed).nextBytes(data);
            OutputStream o = s.getOutputStream();
            o.write(data);
            o.flush();
            s.shutdownOutput();
            // The server closes once it has read everything: then all of it has crossed the link.
            s.getInputStream().read();
            out.println("sent " + bytes + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        }
    }
}
