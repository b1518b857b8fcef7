package org.jsock.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jsock connect --rudp} and {@code jsock listen --rudp}: the netcat pair over jsock's reliable UDP transport. */
@Timeout(90)
class RudpCliTest {
    private static final long START_MS = 15_000;
    private static final long IO_MS = 10_000;
    private static final long EXIT_S = 20;

    @Test
    void roundTripBothWaysThenHalfClose() throws Exception {
        int port = ChildProcess.freePort("127.0.0.1", true);
        byte[] up = new byte[256 * 3];
        byte[] down = new byte[256 * 2];
        for (int i = 0; i < up.length; i++) up[i] = (byte) i;
        for (int i = 0; i < down.length; i++) down[i] = (byte) (255 - i);
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "--rudp", "127.0.0.1", "" + port)) {
            s.awaitStderr("listening on 127.0.0.1:" + port + " (rudp)", START_MS);
            try (ChildProcess c = ChildProcess.jsock("connect", "--rudp", "127.0.0.1", "" + port)) {
                c.send(up);
                s.awaitStdout(up, START_MS);
                s.send(down);
                c.awaitStdout(down, IO_MS);
                c.closeInput();   // the client half-closes: the server reads EOF and ends, then so does the client
                assertEquals(0, s.waitFor(EXIT_S), s.describe());
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertArrayEquals(up, s.stdoutBytes());
                assertArrayEquals(down, c.stdoutBytes());
                assertTrue(s.stderr().contains("jsock: rudp connection from 127.0.0.1:"), s.stderr());
                assertEquals("", c.stderr());
            }
        }
    }

    @Test
    void fourMegabyteFileArrivesWhole(@TempDir Path dir) throws Exception {
        byte[] data = new byte[4 << 20];
        new SplittableRandom(7).nextBytes(data);
        Path file = dir.resolve("in.bin");
        Files.write(file, data);
        int port = ChildProcess.freePort("127.0.0.1", true);
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "--rudp", "127.0.0.1", "" + port)) {
            s.awaitStderr("(rudp)", START_MS);
            try (ChildProcess c = ChildProcess.jsock(ProcessBuilder.Redirect.from(file.toFile()), ProcessBuilder.Redirect.PIPE,
                    "-v", "connect", "--rudp", "127.0.0.1", "" + port)) {
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals(0, s.waitFor(EXIT_S), s.describe());
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                assertArrayEquals(sha.digest(data), MessageDigest.getInstance("SHA-256").digest(s.stdoutBytes()));
                assertTrue(c.stderr().contains("jsock: rudp: rtt "), "-v prints the connection's statistics: " + c.stderr());
            }
        }
    }

    @Test
    void tlsOverRudp() throws Exception {
        int port = ChildProcess.freePort("127.0.0.1", true);
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "--rudp", "--tls", "127.0.0.1", "" + port)) {
            s.awaitStderr("(rudp)", START_MS);
            try (ChildProcess c = ChildProcess.jsock("-v", "connect", "--rudp", "--tls", "--insecure", "127.0.0.1", "" + port)) {
                c.send("secret over udp\n".getBytes());
                s.awaitStdout("secret over udp\n", START_MS);
                c.closeInput();
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals(0, s.waitFor(EXIT_S), s.describe());
                assertTrue(c.stderr().contains("jsock: tls: TLSv1.3"), c.stderr());
            }
        }
    }

    @Test
    void execServesEachClient() throws Exception {
        int port = ChildProcess.freePort("127.0.0.1", true);
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "--rudp", "-k", "127.0.0.1", "" + port, "--exec", "tr a-z A-Z")) {
            s.awaitStderr("(rudp)", START_MS);
            for (int i = 0; i < 2; i++) {
                try (ChildProcess c = ChildProcess.jsock("connect", "--rudp", "127.0.0.1", "" + port)) {
                    c.input("shout " + i + "\n");
                    assertEquals(0, c.waitFor(EXIT_S), c.describe());
                    assertEquals("SHOUT " + i + "\n", c.stdout());
                }
            }
        }
    }

    @Test
    void keepListeningSendsStdinToEveryClient() throws Exception {
        int port = ChildProcess.freePort("127.0.0.1", true);
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "--rudp", "-k", "127.0.0.1", "" + port);
             ChildProcess a = waitReady(s, port);
             ChildProcess b = ChildProcess.jsock("connect", "--rudp", "127.0.0.1", "" + port)) {
            long deadline = System.nanoTime() + START_MS * 1_000_000;
            while (s.stderr().split("rudp connection from", -1).length < 3 && System.nanoTime() < deadline) Thread.sleep(20);
            s.send("to every client\n");
            a.awaitStdout("to every client\n", IO_MS);
            b.awaitStdout("to every client\n", IO_MS);
            assertEquals("to every client\n", a.stdout());
            assertEquals("to every client\n", b.stdout());
        }
    }

    private static ChildProcess waitReady(ChildProcess server, int port) throws Exception {
        server.awaitStderr("(rudp)", START_MS);
        return ChildProcess.jsock("connect", "--rudp", "127.0.0.1", "" + port);
    }

    @Test
    void closedPortIsRefusedAtOnce() throws Exception {
        int port = ChildProcess.freePort("127.0.0.1", true);
        try (JsockProcess p = JsockProcess.start("connect", "--rudp", "127.0.0.1", "" + port)) {
            p.input(new byte[0]);
            assertEquals(1, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: connect 127.0.0.1:" + port + " (rudp): Connection refused: nothing listens on UDP 127.0.0.1:" + port + "\n",
                    p.stderr());
        }
    }

    @Test
    void congestionControlIsChosenByName() throws Exception {
        int port = ChildProcess.freePort("127.0.0.1", true);
        try (ChildProcess s = ChildProcess.jsock("-v", "listen", "--rudp", "--rudp-cc", "cubic", "127.0.0.1", "" + port)) {
            s.awaitStderr("(rudp)", START_MS);
            try (ChildProcess c = ChildProcess.jsock("-v", "connect", "--rudp", "--rudp-cc", "bbr", "127.0.0.1", "" + port)) {
                c.input("paced by bbr\n");
                assertEquals(0, c.waitFor(EXIT_S), c.describe());
                assertEquals(0, s.waitFor(EXIT_S), s.describe());
                assertEquals("paced by bbr\n", s.stdout());
                assertTrue(c.stderr().contains(", bbr\n"), c.stderr());
                assertTrue(s.stderr().contains(", cubic\n"), s.stderr());
            }
        }
        for (String[] args : new String[][] {{"connect", "--rudp", "--rudp-cc", "vegas", "127.0.0.1", "9"},
                {"connect", "--rudp-cc", "bbr", "127.0.0.1", "9"}}) {
            try (JsockProcess p = JsockProcess.start(args)) {
                p.input(new byte[0]);
                assertEquals(2, p.waitFor(EXIT_S), p.stderr());
                assertTrue(p.stderr().startsWith("jsock: unknown congestion control 'vegas': expected one of newreno, cubic, bbr")
                        || p.stderr().equals("jsock: --rudp-cc needs --rudp\n"), p.stderr());
            }
        }
    }

    @Test
    void rudpWithUdpOrUnixIsAUsageError() throws Exception {
        for (String[] args : new String[][] {{"connect", "--rudp", "-u", "127.0.0.1", "9"}, {"listen", "--rudp", "--unix", "/tmp/x.sock"}}) {
            try (JsockProcess p = JsockProcess.start(args)) {
                p.input(new byte[0]);
                assertEquals(2, p.waitFor(EXIT_S), p.stderr());
                assertEquals("jsock: --rudp runs over UDP/IP: it takes neither -u nor --unix\n", p.stderr());
            }
        }
    }
}
