package org.jsock.cli;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The jsock command as a user meets it, each run in a child JVM: exit status (0 success, 1 network
 * error, 2 usage error) with one-line messages and no stack traces; resolve; listen and connect
 * talking to each other over TCP, UDP, IPv6 and Unix sockets, half-close, -k, -m, --exec; and the
 * classic services of {@code jsock serve}.
 */
@Timeout(60)
class CliBehaviourTest {
    private static final long START_MS = 15_000; // a child JVM's start, with room for a loaded machine
    private static final long IO_MS = 10_000;
    private static final long EXIT_S = 15;

    // ---- exit status and messages ----------------------------------------------------------------

    @Test
    void connectToClosedPortIsRefused() throws Exception {
        int port = ChildProcess.freePort();
        try (JsockProcess p = JsockProcess.start("connect", "127.0.0.1", Integer.toString(port))) {
            p.input(new byte[0]);
            assertEquals(1, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: connect 127.0.0.1:" + port + ": Connection refused (ECONNREFUSED)\n", p.stderr());
            assertEquals("", p.stdout());
        }
    }

    @Test
    void connectToClosedIpv6PortIsRefused() throws Exception {
        int port = ChildProcess.freePort("::1", false);
        try (JsockProcess p = JsockProcess.start("connect", "-6", "::1", Integer.toString(port))) {
            p.input(new byte[0]);
            assertEquals(1, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: connect [::1]:" + port + ": Connection refused (ECONNREFUSED)\n", p.stderr());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"70000", "65536", "abc", "8o", "123456"})
    void badPortIsAUsageError(String port) throws Exception {
        for (String cmd : List.of("connect", "listen")) {
            try (JsockProcess p = JsockProcess.start(cmd, "127.0.0.1", port)) {
                p.input(new byte[0]);
                assertEquals(2, p.waitFor(EXIT_S), cmd + ": " + p.stderr());
                assertEquals("jsock: bad port '" + port + "': expected a number from 0 to 65535\n", p.stderr(), cmd);
            }
        }
    }

    /** A malformed host is refused before any socket call: with --trace, nothing but the message. */
    @ParameterizedTest
    @ValueSource(strings = {"bad host!", "a..b", "::zz", "1:2:3", "a-label-that-is-much-longer-than-sixty-three-characters-is-not-allowed.example"})
    void malformedHostIsAUsageErrorWithoutSyscalls(String host) throws Exception {
        try (JsockProcess p = JsockProcess.start("--trace", "connect", host, "80")) {
            p.input(new byte[0]);
            assertEquals(2, p.waitFor(EXIT_S), p.stderr());
            assertOneLine(p.stderr());
            assertTrue(p.stderr().startsWith("jsock: bad "), p.stderr());
            assertTrue(p.stderr().contains(host), p.stderr());
        }
    }

    /**
     * Only where the test JVM resolves from /etc/hosts alone (scripts/test-jvm/bin/java, inherited
     * by the jsock children): elsewhere the lookup would become a DNS query off this machine.
     */
    @Test
    void unknownHostIsEaiNoname() throws Exception {
        assumeTrue("isolated".equals(System.getProperty("jsock.test.dns")), "no DNS isolation: would query DNS");
        try (JsockProcess p = JsockProcess.start("connect", "no-such-host.invalid", "80")) {
            p.input(new byte[0]);
            assertEquals(1, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: connect no-such-host.invalid: Name or service not known (EAI_NONAME)\n", p.stderr());
        }
        try (JsockProcess p = JsockProcess.start("resolve", "no-such-host.invalid")) {
            assertEquals(1, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: resolve no-such-host.invalid: Name or service not known (EAI_NONAME)\n", p.stderr());
            assertEquals("", p.stdout());
        }
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        try (JsockProcess p = JsockProcess.start("connect", "--bogus")) {
            assertEquals(2, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: Unknown option: '--bogus'", p.stderr().lines().findFirst().orElse(""));
            assertNoStackTrace(p.stderr());
        }
        try (JsockProcess p = JsockProcess.start("connect", "127.0.0.1")) {
            assertEquals(2, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: connect needs HOST and PORT (or --unix PATH)\n", p.stderr());
        }
        try (JsockProcess p = JsockProcess.start("listen", "-m", "0", "-k", "127.0.0.1", "0")) {
            assertEquals(2, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: -m must be at least 1, got 0\n", p.stderr());
        }
        try (JsockProcess p = JsockProcess.start("serve", "nope", "-p", "7")) {
            assertEquals(2, p.waitFor(EXIT_S), p.stderr());
            assertTrue(p.stderr().startsWith("jsock: "), p.stderr());
            assertNoStackTrace(p.stderr());
        }
    }

    @Test
    void topLevelHelpExitsZero() throws Exception {
        try (JsockProcess p = JsockProcess.start("--help")) {
            assertEquals(0, p.waitFor(EXIT_S), p.stderr());
            assertTrue(p.stdout().startsWith("Usage: jsock"), p.stdout());
            assertTrue(p.stdout().contains("Exit status: 0 success, 1 network error, 2 usage error."), p.stdout());
        }
    }

    /** Every command takes --help (and `jsock help CMD` works too). */
    @ParameterizedTest
    @ValueSource(strings = {"connect", "listen", "serve", "resolve"})
    void subcommandHelpExitsZero(String cmd) throws Exception {
        String usage;
        try (JsockProcess p = JsockProcess.start(cmd, "--help")) {
            assertEquals(0, p.waitFor(EXIT_S), p.stderr());
            usage = p.stdout();
            assertTrue(usage.startsWith("Usage: jsock " + cmd), usage);
            assertEquals("", p.stderr());
        }
        try (JsockProcess p = JsockProcess.start("help", cmd)) {
            assertEquals(0, p.waitFor(EXIT_S), p.stderr());
            assertEquals(usage, p.stdout());
        }
    }

    @Test
    void listenOnPortInUseIsEaddrinuse() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            try (JsockProcess p = JsockProcess.start("listen", "127.0.0.1", Integer.toString(port))) {
                p.input(new byte[0]);
                assertEquals(1, p.waitFor(EXIT_S), p.stderr());
                assertEquals("jsock: listen 127.0.0.1:" + port + ": Address already in use (EADDRINUSE)\n", p.stderr());
            }
            try (JsockProcess p = JsockProcess.start("serve", "echo", "--host", "127.0.0.1", "-p", Integer.toString(port))) {
                assertEquals(1, p.waitFor(EXIT_S), p.stderr());
                assertEquals("jsock: serve echo on 127.0.0.1:" + port + ": Address already in use (EADDRINUSE)\n", p.stderr());
            }
        }
    }

    /** A datagram to a closed port comes back as ICMP port unreachable: recv reports ECONNREFUSED. */
    @Test
    void udpToClosedPortIsRefused() throws Exception {
        int port = ChildProcess.freePort("127.0.0.1", true);
        try (JsockProcess p = JsockProcess.start("connect", "-u", "-w", "1", "127.0.0.1", Integer.toString(port))) {
            p.input("anyone there?\n");
            assertEquals(1, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: recv 127.0.0.1:" + port + ": Connection refused (ECONNREFUSED)\n", p.stderr());
        }
    }

    // Regression (fixed): stopping a jsock listen that waits for its first client (SIGTERM, as kill or Ctrl-C)
    // prints a spurious error: `jsock -v listen -u 127.0.0.1 PORT`, then kill -TERM, prints
    // "jsock: recv: socket closed" every time; `jsock -v listen 127.0.0.1 PORT` prints
    // "jsock: accept: socket closed" in some runs (a race with the JVM's halt). The shutdown hook
    // closes the socket and the blocked call's SocketClosedException is reported as an error.
    // Expected: nothing beyond the "listening" line, as nc, `jsock listen -k` and `jsock serve`.
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "udp"})
    void stoppingAWaitingListenerIsQuiet(String transport) throws Exception {
        int port = ChildProcess.freePort("127.0.0.1", transport.equals("udp"));
        List<String> args = transport.equals("udp") ? List.of("-v", "listen", "-u", "127.0.0.1", "" + port)
                : List.of("-v", "listen", "127.0.0.1", "" + port);
        try (ChildProcess p = ChildProcess.jsock(args.toArray(String[]::new))) {
            p.awaitStderr("listening on", START_MS);
            Thread.sleep(500); // past the shutdown hook's registration, into accept/recv
            p.signal("TERM");
            assertEquals(128 + 15, p.waitFor(EXIT_S), p.describe());
            assertEquals(1, p.stderr().lines().count(), p.stderr());
        }
    }

    /** A reset (the server closes with SO_LINGER 0) is a network error: status 1, one line. */
    @Test
    void connectionResetIsANetworkError() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            server.setSoTimeout((int) START_MS);
            int port = server.getLocalPort();
            try (ChildProcess c = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                try (Socket peer = server.accept()) {
                    peer.setSoLinger(true, 0);
                }
                assertEquals(1, c.waitFor(EXIT_S), c.describe());
                assertEquals("jsock: recv 127.0.0.1:" + port + ": Connection reset by peer (ECONNRESET)\n", c.stderr());
            }
        }
    }

    // ---- resolve ---------------------------------------------------------------------------------

    @Test
    void resolveLocalhostPrintsLikeResolveC() throws Exception {
        try (JsockProcess p = JsockProcess.start("resolve", "localhost")) {
            assertEquals(0, p.waitFor(EXIT_S), p.stderr());
            String out = p.stdout();
            assertTrue(out.lines().anyMatch(" IPv4: 127.0.0.1"::equals), out);
            assertTrue(out.lines().allMatch(l -> l.matches(" IPv[46]: [0-9a-f.:]+")), out);
            assertEquals("", p.stderr());
        }
        try (JsockProcess p = JsockProcess.start("resolve", "-4", "127.0.0.1")) {
            assertEquals(0, p.waitFor(EXIT_S), p.stderr());
            assertEquals(" IPv4: 127.0.0.1\n", p.stdout());
        }
        try (JsockProcess p = JsockProcess.start("resolve", "::1")) {
            assertEquals(0, p.waitFor(EXIT_S), p.stderr());
            assertEquals(" IPv6: ::1\n", p.stdout());
        }
    }

    @Test
    void reverseResolveLoopback() throws Exception {
        try (JsockProcess p = JsockProcess.start("resolve", "-r", "127.0.0.1")) {
            assertEquals(0, p.waitFor(EXIT_S), p.stderr());
            assertEquals("localhost\n", p.stdout());
        }
        try (JsockProcess p = JsockProcess.start("resolve", "-r", "not-an-address")) {
            assertEquals(2, p.waitFor(EXIT_S), p.stderr());
            assertOneLine(p.stderr());
            assertTrue(p.stderr().startsWith("jsock: -r needs an IP address"), p.stderr());
        }
    }

    // ---- listen and connect ----------------------------------------------------------------------

    @Test
    void tcpRoundTripBothWays() throws Exception {
        int port = ChildProcess.freePort();
        roundTrip(List.of("listen", "127.0.0.1", "" + port), List.of("connect", "127.0.0.1", "" + port),
                "listening on 127.0.0.1:" + port);
    }

    @Test
    void ipv6RoundTrip() throws Exception {
        int port = ChildProcess.freePort("::1", false);
        roundTrip(List.of("listen", "-6", "::1", "" + port), List.of("connect", "-6", "::1", "" + port),
                "listening on [::1]:" + port);
    }

    /** With no HOST, listen binds [::] dual-stack: an IPv4 client reaches it too. */
    @Test
    void listenWithoutHostTakesIpv4Clients() throws Exception {
        int port = ChildProcess.freePort("::", false);
        roundTrip(List.of("listen", "" + port), List.of("connect", "-4", "127.0.0.1", "" + port),
                "listening on [::]:" + port);
    }

    @Test
    void unixPathRoundTrip(@TempDir Path dir) throws Exception {
        String path = dir.resolve("jsock.sock").toString();
        roundTrip(List.of("listen", "--unix", path), List.of("connect", "--unix", path), "listening on unix:" + path);
    }

    // Regression (fixed): `jsock listen --unix PATH` leaves PATH behind when it ends, and then refuses to start
    // again on it: the second run exits 1 with "jsock: listen unix:PATH: Address already in use
    // (EADDRINUSE)". nc -lU removes a stale PATH before bind(); servers commonly unlink on exit.
    // Expected: the same command works twice in a row.
    @Test
    void unixPathListenTwiceInARow(@TempDir Path dir) throws Exception {
        String path = dir.resolve("again.sock").toString();
        for (int run = 0; run < 2; run++) {
            try (ChildProcess s = ChildProcess.jsock("-v", "listen", "--unix", path)) {
                s.awaitStderr("listening on unix:" + path, START_MS);
                try (ChildProcess c = ChildProcess.jsock("connect", "--unix", path)) {
                    c.input("run " + run + "\n");
                    assertEquals(0, c.waitFor(EXIT_S), c.describe());
                }
                assertEquals(0, s.waitFor(EXIT_S), "run " + run + s.describe());
                assertEquals("run " + run + "\n", s.stdout());
            }
        }
    }

    @Test
    void unixAbstractRoundTrip() throws Exception {
        String name = "@jsock-test-" + UUID.randomUUID();
        roundTrip(List.of("listen", "--unix", name), List.of("connect", "--unix", name), "listening on unix:" + name);
    }

    /**
     * jsock listen and jsock connect exchange data both ways, binary-safe, with both stdins still
     * open; then the client's stdin ends: it half-closes, the server sees EOF and ends, and so does
     * the client, both with status 0.
     */
    private static void roundTrip(List<String> listen, List<String> connect, String ready) throws Exception {
        byte[] up = withAllBytes("from the client\n");
        byte[] down = withAllBytes("from the server\n");
        List<String> server = new java.util.ArrayList<>(List.of("-v"));
        server.addAll(listen);
        try (ChildProcess s = ChildProcess.jsock(server.toArray(String[]::new))) {
            s.awaitStderr(ready, START_MS);
            try (ChildProcess c = ChildProcess.jsock(connect.toArray(String[]::new))) {
                c.send(up);
                s.awaitStdout(up, START_MS);
                s.send(down);
                c.awaitStdout(down, IO_MS);
                c.closeInput();
                assertEquals(0, s.waitFor(EXIT_S), s.describe());
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertArrayEquals(up, s.stdoutBytes(), "client to server");
                assertArrayEquals(down, c.stdoutBytes(), "server to client");
                assertEquals("", c.stderr());
                assertTrue(s.stderr().contains("jsock: connection from "), s.stderr());
                assertNoStackTrace(s.stderr());
            }
        }
    }

    /**
     * Half-close, deterministic part: the client's stdin ends at once (shutdown(SHUT_WR)); the server
     * only answers after it has seen EOF; the client keeps reading, prints the answer, exits 0.
     */
    @Test
    void connectKeepsReadingAfterHalfClose() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "127.0.0.1", "" + port,
                "--exec", "cat; sleep 0.3; echo after-eof")) {
            s.awaitStderr("listening on", START_MS);
            try (ChildProcess c = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                c.input("request\n");
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals("request\nafter-eof\n", c.stdout());
                assertEquals(0, s.waitFor(EXIT_S), s.describe());
            }
        }
    }

    /** The same against a plain server in the test: it sees the client's EOF first, then replies. */
    @Test
    void connectShutsDownWriteAndPrintsTheLateReply() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            server.setSoTimeout((int) START_MS);
            try (ChildProcess c = ChildProcess.jsock("connect", "127.0.0.1", "" + server.getLocalPort())) {
                c.input("question\n");
                try (Socket peer = server.accept()) {
                    peer.setSoTimeout((int) IO_MS);
                    byte[] got = peer.getInputStream().readAllBytes(); // until the client's FIN
                    assertEquals("question\n", new String(got, StandardCharsets.UTF_8));
                    Thread.sleep(200);
                    assertTrue(c.isAlive(), "jsock connect quit after its half-close" + c.describe());
                    peer.getOutputStream().write("answer\n".getBytes(StandardCharsets.UTF_8));
                }
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals("answer\n", c.stdout());
                assertEquals("", c.stderr());
            }
        }
    }

    // Regression (fixed): jsock listen drops a reply already waiting on its stdin when the client's request and
    // its half-close (FIN) are there before jsock gets to run, as with `nc -N`:
    //   printf 'reply\n' | jsock listen 127.0.0.1 PORT        and        printf 'request\n' | nc -N 127.0.0.1 PORT
    // The server prints "request" and both exit 0, but the client gets no "reply" in about half the
    // runs. Relay.stream closes the socket as soon as recv() sees EOF, before its stdin->socket
    // thread has sent (that send then fails on the closed socket, silently). nc -l and ncat -l
    // deliver the reply every time (PeersTest checks them the same way). The test freezes the
    // server (SIGSTOP) while the client connects, sends and half-closes, so the request and the FIN
    // are both queued when it resumes; several rounds make the race show.
    @Test
    void listenStillSendsItsReplyAfterTheClientHalfCloses() throws Exception {
        for (int round = 0; round < 6; round++) {
            int port = ChildProcess.freePort();
            try (ChildProcess s = ChildProcess.jsock("listen", "127.0.0.1", "" + port)) {
                s.input("reply\n");
                ChildProcess.awaitTcpListening(port, START_MS);
                Thread.sleep(100);
                String got;
                try (Socket c = new Socket()) {
                    s.signal("STOP");
                    try {
                        c.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), (int) IO_MS);
                        c.setSoTimeout((int) IO_MS);
                        c.getOutputStream().write("request\n".getBytes(StandardCharsets.UTF_8));
                        c.shutdownOutput();
                    } finally {
                        s.signal("CONT");
                    }
                    got = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                }
                assertEquals(0, s.waitFor(EXIT_S), s.describe());
                assertEquals("request\n", s.stdout());
                assertEquals("reply\n", got, "round " + round + ": the server's reply was lost");
            }
        }
    }

    /** The friendly order of events: the reply is sent before the client's EOF arrives. */
    @Test
    void listenRepliesAndEndsWhenTheClientHalfCloses() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "127.0.0.1", "" + port)) {
            s.awaitStderr("listening on", START_MS);
            try (ChildProcess c = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                c.send("request\n");
                s.awaitStdout("request\n", START_MS);
                s.input("reply\n"); // reply, and the server's own EOF: shutdown(SHUT_WR)
                c.awaitStdout("reply\n", IO_MS);
                // (jsock connect now ends at the server's EOF although its stdin is open; nc and ncat
                // would keep sending until stdin ends: see connectKeepsSendingAfterTheServerHalfCloses)
                c.closeInput();
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals(0, s.waitFor(EXIT_S), s.describe());
                assertEquals("reply\n", c.stdout());
                assertEquals("request\n", s.stdout());
            }
        }
    }

    // Regression (fixed): jsock connect stops sending, and exits 0, as soon as the server half-closes its side:
    //   ncat -l --recv-only 127.0.0.1 PORT > out        (ncat calls shutdown(SHUT_WR) right after accept)
    //   jsock connect 127.0.0.1 PORT < 64MiB.bin        exits 0; out holds 64 KiB to a few MiB
    // Expected: every byte of stdin is sent (as `nc -N 127.0.0.1 PORT < 64MiB.bin` does), then
    // shutdown(SHUT_WR), exit 0. Relay.stream returns when recv() sees EOF and closes the socket
    // under its stdin->socket thread, whose SocketClosedException is swallowed: silent data loss.
    // Interactively the same: against `echo reply | nc -N -l 127.0.0.1 PORT`, jsock connect exits
    // the moment the reply and FIN arrive, while nc and ncat clients keep sending until stdin ends.
    @Test
    void connectKeepsSendingAfterTheServerHalfCloses(@TempDir Path dir) throws Exception {
        int size = 16 << 20;
        Path data = dir.resolve("data.bin");
        byte[] bytes = new byte[size];
        new java.util.Random(42).nextBytes(bytes);
        java.nio.file.Files.write(data, bytes);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            server.setSoTimeout((int) START_MS);
            try (ChildProcess c = ChildProcess.jsock(ProcessBuilder.Redirect.from(data.toFile()), ProcessBuilder.Redirect.PIPE,
                    "connect", "127.0.0.1", "" + server.getLocalPort());
                 Socket peer = server.accept()) {
                peer.shutdownOutput(); // "I have nothing to say", as ncat --recv-only
                peer.setSoTimeout((int) IO_MS);
                byte[] got = peer.getInputStream().readAllBytes();
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals(size, got.length, "bytes the server received");
                assertArrayEquals(bytes, got);
            }
        }
    }

    @Test
    void udpBothWays() throws Exception {
        int port = ChildProcess.freePort("127.0.0.1", true);
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "-u", "127.0.0.1", "" + port)) {
            s.awaitStderr("listening on 127.0.0.1:" + port + " (udp)", START_MS);
            try (ChildProcess c = ChildProcess.jsock("connect", "-u", "-w", "1", "127.0.0.1", "" + port)) {
                c.send("ping\n");
                s.awaitStdout("ping\n", START_MS);
                s.send("pong\n");
                c.awaitStdout("pong\n", IO_MS);
                c.send("ping again\n");
                s.awaitStdout("ping\nping again\n", IO_MS);
                c.closeInput();
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals("pong\n", c.stdout());
                assertEquals("ping\nping again\n", s.stdout());
                assertTrue(s.stderr().contains("jsock: datagram from 127.0.0.1:"), s.stderr());
                assertTrue(s.isAlive(), "UDP has no end of stream: listen -u keeps going" + s.describe());
            }
        }
    }

    @Test
    void ipv6UdpBothWays() throws Exception {
        int port = ChildProcess.freePort("::1", true);
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "-u", "-6", "::1", "" + port)) {
            s.awaitStderr("listening on [::1]:" + port + " (udp)", START_MS);
            try (ChildProcess c = ChildProcess.jsock("connect", "-u", "-6", "-w", "1", "::1", "" + port)) {
                c.send("ping6\n");
                s.awaitStdout("ping6\n", START_MS);
                s.send("pong6\n");
                c.awaitStdout("pong6\n", IO_MS);
                c.closeInput();
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals("pong6\n", c.stdout());
            }
        }
    }

    /** -k: two clients connected at the same time; both are heard, and stdin goes to both. */
    @Test
    void listenKeepServesTwoClientsAtOnce() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "-k", "127.0.0.1", "" + port)) {
            s.awaitStderr("listening on", START_MS);
            try (ChildProcess a = ChildProcess.jsock("connect", "127.0.0.1", "" + port);
                 ChildProcess b = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                a.send("from a\n");
                b.send("from b\n");
                s.awaitStdout("from a\nfrom b\n", START_MS);
                assertEquals(2, count(s.stderr(), "jsock: connection from "), s.stderr());
                String out = s.stdout();
                assertTrue(out.contains("from a\n") && out.contains("from b\n"), out);
                s.send("to everyone\n");
                a.awaitStdout("to everyone\n", IO_MS);
                b.awaitStdout("to everyone\n", IO_MS);
                a.closeInput();
                b.closeInput();
                assertEquals(0, a.waitFor(EXIT_S), a.describe());
                assertEquals(0, b.waitFor(EXIT_S), b.describe());
                assertEquals("to everyone\n", a.stdout());
                assertEquals("to everyone\n", b.stdout());
            }
            assertTrue(s.isAlive(), "-k keeps listening after its clients leave" + s.describe());
            // and a third client is still welcome
            try (ChildProcess c = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                c.input("third\n");
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                s.awaitStdout("from a\nfrom b\nthird\n", IO_MS);
            }
        }
    }

    /** -m 1: while one client is connected, the next is accepted and closed at once. */
    @Test
    void maxConnRefusesTheSecondClient() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "-k", "-m", "1", "127.0.0.1", "" + port)) {
            s.awaitStderr("listening on", START_MS);
            try (ChildProcess first = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                first.send("first\n");
                s.awaitStdout("first\n", START_MS);
                try (ChildProcess second = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                    // stdin stays open: it only ends because the server closed it
                    second.waitFor(EXIT_S);
                    assertEquals("", second.stdout());
                    s.awaitStderr("refused: 1 clients already connected (-m)", IO_MS);
                }
                assertTrue(first.isAlive(), "the first client must not be disturbed" + first.describe());
                first.send("still here\n");
                s.awaitStdout("first\nstill here\n", IO_MS);
                first.closeInput();
                assertEquals(0, first.waitFor(EXIT_S), first.describe());
            }
            // the slot is free again once the server has seen the first client leave
            Thread.sleep(500);
            try (ChildProcess third = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                third.input("third\n");
                assertEquals(0, third.waitFor(EXIT_S), third.describe());
                s.awaitStdout("first\nstill here\nthird\n", IO_MS);
            }
        }
    }

    @Test
    void execRunsACommandPerClient() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "127.0.0.1", "" + port, "--exec", "tr a-z A-Z")) {
            s.awaitStderr("listening on", START_MS);
            try (ChildProcess c = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                c.input("hello, exec\nsecond line\n");
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals("HELLO, EXEC\nSECOND LINE\n", c.stdout());
            }
            assertEquals(0, s.waitFor(EXIT_S), s.describe());
            assertEquals("", s.stdout(), "with --exec the client's data goes to the command, not stdout");
        }
    }

    /** -k --exec: a command per client, both alive at once (tr per line: a pipe would buffer it). */
    @Test
    void execWithKeepServesClientsAtOnce() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "-k", "127.0.0.1", "" + port,
                "--exec", "while read -r l; do echo \"$l\" | tr a-z A-Z; done")) {
            s.awaitStderr("listening on", START_MS);
            try (ChildProcess a = ChildProcess.jsock("connect", "127.0.0.1", "" + port);
                 ChildProcess b = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                a.send("one\n");
                b.send("two\n");
                a.awaitStdout("ONE\n", START_MS);
                b.awaitStdout("TWO\n", START_MS);
                a.closeInput();
                b.closeInput();
                assertEquals(0, a.waitFor(EXIT_S), a.describe());
                assertEquals(0, b.waitFor(EXIT_S), b.describe());
                assertEquals("ONE\n", a.stdout());
                assertEquals("TWO\n", b.stdout());
            }
            assertTrue(s.isAlive(), s.describe());
        }
    }

    // ---- serve -----------------------------------------------------------------------------------

    /** Without --host, serve binds [::] dual-stack: IPv4 and IPv6 clients both reach it. */
    @Test
    void serveEcho() throws Exception {
        int port = ChildProcess.freePort("::", false);
        try (ChildProcess s = ChildProcess.jsock("serve", "echo", "--port", "" + port)) {
            s.awaitStderr("jsock: serving echo on [::]:" + port, START_MS);
            byte[] data = withAllBytes("echo me\n");
            try (ChildProcess c = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                c.input(data);
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertArrayEquals(data, c.stdoutBytes());
            }
            try (ChildProcess c = ChildProcess.jsock("connect", "-6", "::1", "" + port)) {
                c.input("again, over IPv6\n");
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals("again, over IPv6\n", c.stdout());
            }
            assertTrue(s.isAlive(), s.describe());
        }
    }

    @Test
    void serveEchoUdp() throws Exception {
        int port = ChildProcess.freePort("127.0.0.1", true);
        try (ChildProcess s = ChildProcess.jsock("serve", "echo", "-u", "--host", "127.0.0.1", "-p", "" + port)) {
            s.awaitStderr("jsock: serving echo/udp on 127.0.0.1:" + port, START_MS);
            try (ChildProcess c = ChildProcess.jsock("connect", "-u", "-w", "1", "127.0.0.1", "" + port)) {
                c.send("datagram one\n");
                c.awaitStdout("datagram one\n", START_MS);
                c.input("datagram two\n");
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals("datagram one\ndatagram two\n", c.stdout());
            }
        }
    }

    @Test
    void serveDiscard() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess s = serve("discard", port)) {
            try (ChildProcess c = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                c.input(new byte[200_000]);
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals("", c.stdout());
                assertEquals("", c.stderr());
            }
            assertTrue(s.isAlive(), s.describe());
        }
    }

    @Test
    void serveHello() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess s = serve("hello", port)) {
            for (int i = 0; i < 2; i++) {
                try (ChildProcess c = ChildProcess.jsock("connect", "127.0.0.1", "" + port)) {
                    // stdin stays open: the server's close alone ends the client
                    assertEquals(0, c.waitFor(EXIT_S), c.describe());
                    assertEquals("Hello from server!\n", c.stdout());
                }
            }
        }
    }

    /** RFC 864: lines of 72 printable characters and CRLF, each starting one character further on. */
    @Test
    void serveChargen() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess s = serve("chargen", port);
             Socket c = new Socket()) {
            c.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), (int) IO_MS);
            c.setSoTimeout((int) IO_MS);
            int lines = 3 * 95 + 7; // enough to wrap around the 95 printable characters several times
            byte[] got = readN(c.getInputStream(), lines * 74);
            byte[] prev = null;
            for (int l = 0; l < lines; l++) {
                byte[] line = java.util.Arrays.copyOfRange(got, l * 74, l * 74 + 74);
                String shown = new String(line, StandardCharsets.US_ASCII);
                assertEquals('\r', line[72], "line " + l + ": " + shown);
                assertEquals('\n', line[73], "line " + l + ": " + shown);
                for (int i = 0; i < 72; i++) {
                    assertTrue(line[i] >= 0x20 && line[i] <= 0x7e, "line " + l + " col " + i + ": " + shown);
                    if (i > 0) assertEquals(next(line[i - 1]), line[i], "line " + l + " col " + i + ": " + shown);
                }
                if (prev != null) assertEquals(next(prev[0]), line[0], "line " + l + " does not shift by one: " + shown);
                prev = line;
            }
            c.close();
            // the service outlives its client
            try (Socket again = new Socket()) {
                again.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), (int) IO_MS);
                again.setSoTimeout((int) IO_MS);
                assertEquals(74, readN(again.getInputStream(), 74).length);
            }
            assertTrue(s.isAlive(), s.describe());
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static ChildProcess serve(String service, int port) throws Exception {
        ChildProcess s = ChildProcess.jsock("serve", service, "--host", "127.0.0.1", "--port", "" + port);
        try {
            s.awaitStderr("jsock: serving " + service + " on 127.0.0.1:" + port, START_MS);
        } catch (AssertionError e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The next printable ASCII character, wrapping from '~' to ' '. */
    private static byte next(byte b) {
        return (byte) (b == 0x7e ? 0x20 : b + 1);
    }

    private static byte[] readN(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertEquals(n, b.length, "stream ended early");
        return b;
    }

    /** {@code text} then every byte value 0-255: shows the relay is binary-safe. */
    static byte[] withAllBytes(String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[t.length + 256];
        System.arraycopy(t, 0, b, 0, t.length);
        for (int i = 0; i < 256; i++) b[t.length + i] = (byte) i;
        return b;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    private static void assertOneLine(String stderr) {
        assertTrue(stderr.endsWith("\n") && stderr.indexOf('\n') == stderr.length() - 1,
                "expected exactly one line on stderr, got: " + stderr);
        assertNoStackTrace(stderr);
    }

    private static void assertNoStackTrace(String stderr) {
        assertFalse(stderr.contains("\tat ") || stderr.contains("Exception"), "stack trace on stderr: " + stderr);
    }
}
