package org.jsock.cli;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code jsock impair} as a user meets it: the help, one-line usage errors with exit status 2, and
 * real runs in a child JVM relaying to a UDP echo server in this JVM, stopped by SIGTERM or by
 * --duration, with the counts it prints.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(60)
class ImpairCliTest {
    private static final long START_MS = 15_000; // a child JVM's start, with room for a loaded machine
    private static final long EXIT_S = 15;
    private static final Pattern RELAYING = Pattern.compile("jsock: relaying UDP 127\\.0\\.0\\.1:(\\d+) -> ");

    /**
     * java.net's datagram sockets keep one socket open for the life of the JVM once they are first
     * used (the "pre-close" fd of its NIO layer); made here, it is not counted as a leak of a test.
     */
    @BeforeAll
    static void warmUpJavaNet() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, () -> receive(s));
        }
    }

    // ---- help ------------------------------------------------------------------------------------

    @Test
    void helpTeachesEveryOptionAndExitsZero() throws Exception {
        try (JsockProcess p = JsockProcess.start("impair", "--help")) {
            assertEquals(0, p.waitFor(EXIT_S), p.stderr());
            String help = p.stdout();
            assertTrue(help.startsWith("Usage: jsock impair"), help);
            for (String option : List.of("--listen", "--to", "--loss", "--burst", "--delay", "--jitter", "--reorder", "--duplicate",
                    "--corrupt", "--rate", "--queue", "--blackout", "--seed", "--duration", "-v")) {
                assertTrue(help.contains(option), option + " missing from\n" + help);
            }
            assertTrue(help.contains("Gilbert-Elliott"), help);
            assertTrue(help.contains("Examples:\n  jsock impair --listen 9000 --to 127.0.0.1:7000 --loss 2%"), help);
            assertEquals("", p.stderr());
        }
    }

    // ---- usage errors ----------------------------------------------------------------------------

    static Stream<Arguments> badInput() {
        String[] base = {"impair", "--listen", "0", "--to", "127.0.0.1:7"};
        return Stream.of(
                Arguments.of(List.of("impair", "--listen", "9000"), "impair needs --listen [HOST:]PORT and --to HOST:PORT"),
                Arguments.of(with(base, "--loss", "1.5"), "bad --loss '1.5': a probability is at most 1 (100%); for 1.5 percent write 1.5%"),
                Arguments.of(with(base, "--loss", "150%"), "bad --loss '150%': a probability is at most 1 (100%)"),
                Arguments.of(with(base, "--corrupt", "lots"), "bad --corrupt 'lots': expected a probability such as 0.02 or 2%"),
                Arguments.of(with(base, "--reorder", "NaN"), "bad --reorder 'NaN': expected a probability such as 0.02 or 2%"),
                Arguments.of(List.of("impair", "--listen", "70000", "--to", "127.0.0.1:7"), "bad port '70000': expected a number from 0 to 65535"),
                Arguments.of(List.of("impair", "--listen", "0", "--to", "127.0.0.1:65536"), "bad port '65536': expected a number from 0 to 65535"),
                Arguments.of(List.of("impair", "--listen", "0", "--to", "127.0.0.1"), "bad --to '127.0.0.1': expected HOST:PORT, such as 127.0.0.1:7000"),
                Arguments.of(List.of("impair", "--listen", "0", "--to", "127.0.0.1:0"), "bad --to '127.0.0.1:0': port 0 is not a destination"),
                Arguments.of(List.of("impair", "--listen", "0", "--to", "::1:7"), "bad --to '::1:7': IPv6 addresses need brackets, as in [::1]:9000"),
                Arguments.of(List.of("impair", "--listen", "bad host!:9000", "--to", "127.0.0.1:7"), "bad host name 'bad host!': character ' '"),
                Arguments.of(with(base, "--delay=-5"), "bad --delay '-5': expected a number such as 15 or 0.5"),
                Arguments.of(with(base, "--queue", "25"), "--queue needs --rate: without a bottleneck nothing waits in the queue"),
                Arguments.of(with(base, "--rate", "0", "--queue", "25"), "--queue needs --rate: without a bottleneck nothing waits in the queue"),
                Arguments.of(with(base, "--rate", "fast"), "bad --rate 'fast': expected Mbit/s such as 10 or 0.5"),
                Arguments.of(with(base, "--burst", "4"), "--burst needs --loss: it shapes how the losses come"),
                Arguments.of(with(base, "--blackout", "5000"), "bad --blackout '5000': expected ON,OFF in milliseconds, such as 5000,2000"),
                Arguments.of(with(base, "--blackout", "5000,0"), "bad --blackout '0': must be more than 0"),
                Arguments.of(with(base, "--seed", "x"), "bad --seed 'x': expected an integer"),
                Arguments.of(with(base, "--duration", "0"), "bad --duration '0': must be more than 0"),
                Arguments.of(with(base, "--loss", "90%", "--burst", "4"),
                        "loss 90% in bursts of 4 is impossible: with bursts of 4 the loss rate can be at most 80% (or 100%)"));
    }

    private static List<String> with(String[] base, String... more) {
        List<String> all = new java.util.ArrayList<>(Arrays.asList(base));
        all.addAll(Arrays.asList(more));
        return all;
    }

    /** In this JVM (Main.run): each is refused while the options are read, before any socket exists. */
    @ParameterizedTest
    @MethodSource("badInput")
    void badInputIsOneLineAndExitTwo(List<String> args, String message) {
        Run r = inProcess(args);
        assertEquals(2, r.exit, r.err);
        assertEquals("jsock: " + message + "\n", r.err);
        assertEquals("", r.out);
    }

    @Test
    void aUsageErrorEndsTheProcessWithTwo() throws Exception {
        try (JsockProcess p = JsockProcess.start("impair", "--listen", "0", "--to", "127.0.0.1:7", "--loss", "2")) {
            assertEquals(2, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: bad --loss '2': a probability is at most 1 (100%); for 2 percent write 2%\n", p.stderr());
        }
    }

    /** An unknown host is bad input too. Only where names come from /etc/hosts alone (see CliBehaviourTest). */
    @Test
    void anUnknownHostIsAUsageError() {
        assumeTrue("isolated".equals(System.getProperty("jsock.test.dns")), "no DNS isolation: would query DNS");
        Run r = inProcess(List.of("impair", "--listen", "0", "--to", "no-such-host.invalid:7"));
        assertEquals(2, r.exit, r.err);
        assertEquals("jsock: --to no-such-host.invalid: Name or service not known (EAI_NONAME)\n", r.err);
    }

    @Test
    void aListenPortInUseIsANetworkError() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            int port = taken.getLocalPort();
            Run r = inProcess(List.of("impair", "--listen", Integer.toString(port), "--to", "127.0.0.1:7"));
            assertEquals(1, r.exit, r.err);
            assertEquals("jsock: impair: listen 127.0.0.1:" + port + ": Address already in use (EADDRINUSE)\n", r.err);
        }
    }

    private record Run(int exit, String out, String err) {}

    private static synchronized Run inProcess(List<String> args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.run(args.toArray(String[]::new));
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    // ---- real runs -------------------------------------------------------------------------------

    /** A UDP echo server on 127.0.0.1 in this JVM. */
    private static final class Echo implements AutoCloseable {
        final DatagramSocket socket;
        final Thread thread;

        Echo() throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            thread = Thread.ofPlatform().daemon(true).name("udp echo").start(() -> {
                byte[] buf = new byte[65536];
                try {
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        socket.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
        }

        int port() { return socket.getLocalPort(); }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(2000);
        }
    }

    /** Waits for the start line and returns the port the relay listens on. */
    private static int relayPort(ChildProcess p) throws InterruptedException {
        p.awaitStderr("jsock: relaying UDP", START_MS);
        Matcher m = RELAYING.matcher(p.stderr());
        assertTrue(m.find(), p.describe());
        return Integer.parseInt(m.group(1));
    }

    private static DatagramSocket client(int relayPort, int timeoutMs) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), relayPort));
        s.setSoTimeout(timeoutMs);
        return s;
    }

    private static byte[] receive(DatagramSocket s) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        s.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    @Test
    void relaysToAnEchoServerAndReportsEachDirectionWhenStopped() throws Exception {
        try (Echo echo = new Echo();
             ChildProcess relay = ChildProcess.jsock("-v", "impair", "--listen", "0", "--to", "127.0.0.1:" + echo.port(),
                     "--delay", "5", "--seed", "7")) {
            int port = relayPort(relay);
            assertTrue(relay.stderr().contains(" -> 127.0.0.1:" + echo.port() + ", each way: delay 5 ms; seed 7\n"), relay.describe());
            long bytes = 0;
            try (DatagramSocket c = client(port, 5000)) {
                for (int i = 0; i < 50; i++) {
                    byte[] out = ("datagram " + i + " " + "x".repeat(i * 20)).getBytes(StandardCharsets.UTF_8);
                    c.send(new DatagramPacket(out, out.length));
                    assertArrayEquals(out, receive(c), "datagram " + i);
                    bytes += out.length;
                }
            }
            // -v: the counts every second
            relay.awaitStderr("after 1 s, client -> target: offered", 5000);
            relay.signal("TERM");
            assertEquals(128 + 15, relay.waitFor(EXIT_S), relay.describe());
            String err = relay.stderr();
            String counts = "offered 50 (" + bytes + " B), delivered 50 (" + bytes + " B), lost 0, queue drops 0, blackout drops 0, "
                    + "duplicated 0, corrupted 0, reordered 0";
            assertTrue(err.contains("\njsock: client -> target: " + counts + "\n"), err);
            assertTrue(err.contains("\njsock: target -> client: " + counts + "\n"), err);
            assertTrue(err.lines().allMatch(l -> l.startsWith("jsock: ")), err);
        }
    }

    @Test
    void durationEndsARunWithExitZeroAndLossOfAllLetsNothingThrough() throws Exception {
        try (Echo echo = new Echo();
             ChildProcess relay = ChildProcess.jsock("impair", "--listen", "0", "--to", "127.0.0.1:" + echo.port(),
                     "--loss", "100%", "--duration", "3")) {
            int port = relayPort(relay);
            try (DatagramSocket c = client(port, 300)) {
                for (int i = 0; i < 10; i++) c.send(new DatagramPacket(new byte[100], 100));
                assertThrows(SocketTimeoutException.class, () -> receive(c));
            }
            assertEquals(0, relay.waitFor(EXIT_S), relay.describe());
            String err = relay.stderr();
            assertTrue(err.contains("each way: loss 100%; seed 1\n"), err);
            assertTrue(err.contains("\njsock: client -> target: offered 10 (1000 B), delivered 0 (0 B), lost 10, "), err);
            assertTrue(err.contains("\njsock: target -> client: offered 0 (0 B), delivered 0 (0 B), lost 0, "), err);
            assertEquals(3, err.lines().count(), err);
        }
    }
}
