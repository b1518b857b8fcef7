package org.jsock.cli;

import static org.jsock.cli.BenchProcs.*;

import org.jsock.cli.bench.BenchServer;
import org.jsock.cli.bench.Json;
import org.jsock.net.SockAddr;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code jsock bench} against stock iperf3 (the Debian package) on 127.0.0.1, both ways: an iperf3
 * client measuring against {@code jsock bench -s}, and {@code jsock bench -c} measuring against
 * {@code iperf3 -s}; TCP and UDP, parallel, reverse and bidirectional streams, rates and lengths;
 * the busy server's ACCESS_DENIED; and a server run in-process that must leave no socket open.
 * Each test runs for a second or two.
 */
@Timeout(60)
class BenchTest {
    private static final long EXIT_S = 30;
    /** A sane loopback rate: far above what any working TCP path does less than, far below any bug's. */
    private static final double MIN_TCP_BPS = 1e7;
    private static final double MAX_BPS = 1e12;

    @BeforeAll
    static void iperf3IsInstalled() {
        assumeTrue(ChildProcess.onPath("iperf3"), "iperf3 is not installed");
    }

    // ---- a stock iperf3 client against jsock bench -s ----------------------------------------------

    @Test
    void iperf3ClientMeasuresTcpAgainstJsockServer() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port, "-J");
             ChildProcess client = iperf3("-c", "127.0.0.1", "-p", port, "-t", "1", "-P", "2", "-J")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout()), s = Json.parseObject(server.stdout());
            long sent = bytes(c, "end", "sum_sent"), received = bytes(c, "end", "sum_received");
            assertTrue(received > 0 && received <= sent && received > 0.9 * sent, "sent " + sent + ", received " + received);
            assertSaneRate(num(c, "end", "sum_received", "bits_per_second"), MIN_TCP_BPS);
            // What iperf3 reports as received is what jsock counted, byte for byte, stream by stream.
            assertEquals(received, bytes(s, "end", "sum_received"));
            List<Object> cs = list(c, "end", "streams"), ss = list(s, "end", "streams");
            assertEquals(2, cs.size());
            for (int i = 0; i < 2; i++) {
                assertEquals(bytes(obj(cs.get(i)), "receiver"), bytes(obj(ss.get(i)), "receiver"), "stream " + i);
                assertEquals(bytes(obj(cs.get(i)), "sender"), bytes(obj(ss.get(i)), "sender"), "stream " + i);
            }
            assertTrue(list(c, "intervals").size() >= 1, "no intervals");
        }
    }

    /** -R with -l and -b: jsock sends, in 64 KiB writes, holding each stream to 200 Mbit/s. */
    @Test
    void iperf3ClientReverseTcpAgainstJsockServerKeepsTheRate() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port, "-J");
             ChildProcess client = iperf3("-c", "127.0.0.1", "-p", port, "-t", "1", "-R", "-l", "64K", "-b", "200M", "-J")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout()), s = Json.parseObject(server.stdout());
            assertEquals(1.0, num(c, "start", "test_start", "reverse"));
            assertEquals(bytes(s, "end", "sum_sent"), bytes(c, "end", "sum_sent"), "iperf3 shows jsock's sent bytes");
            double bps = num(c, "end", "sum_received", "bits_per_second");
            assertTrue(bps > 150e6 && bps < 250e6, "200 Mbit/s asked, " + bps + " received");
            assertEquals(0, bytes(c, "end", "sum_sent") % (64 * 1024), "jsock writes whole 64 KiB blocks");
        }
    }

    @Test
    void iperf3ClientBidirAgainstJsockServer() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port, "-J");
             ChildProcess client = iperf3("-c", "127.0.0.1", "-p", port, "-t", "1", "--bidir", "-J")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout()), s = Json.parseObject(server.stdout());
            assertSaneRate(num(c, "end", "sum_received", "bits_per_second"), MIN_TCP_BPS);
            assertSaneRate(num(c, "end", "sum_received_bidir_reverse", "bits_per_second"), MIN_TCP_BPS);
            assertEquals(bytes(s, "end", "sum_received"), bytes(c, "end", "sum_received"), "client to server");
            assertEquals(bytes(s, "end", "sum_sent_bidir_reverse"), bytes(c, "end", "sum_sent_bidir_reverse"), "server to client");
        }
    }

    /** UDP, two streams at 20 Mbit/s each in 1200-byte datagrams: jsock counts every one, and the jitter. */
    @Test
    void iperf3ClientUdpAgainstJsockServerCountsLossAndJitter() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port, "-J");
             ChildProcess client = iperf3("-c", "127.0.0.1", "-p", port, "-u", "-t", "1", "-P", "2", "-b", "20M", "-l", "1200", "-J")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout()), s = Json.parseObject(server.stdout());
            long packets = (long) num(c, "end", "sum_received", "packets");
            // 2 x 20 Mbit/s / (1200 x 8 bits) is about 4170 a second.
            assertTrue(packets > 3300 && packets < 5000, packets + " packets");
            assertTrue(num(c, "end", "sum_received", "lost_percent") < 5, client.stdout());
            double jitter = num(c, "end", "sum_received", "jitter_ms");
            assertTrue(jitter >= 0 && jitter < 50, "jitter " + jitter + " ms");
            assertEquals(bytes(s, "end", "sum_received"), bytes(c, "end", "sum_received"));
            assertEquals(packets, (long) num(s, "end", "sum_received", "packets"));
        }
    }

    /** UDP the other way: jsock paces its datagrams to 10 Mbit/s and iperf3 finds none lost. */
    @Test
    void iperf3ClientUdpReverseAgainstJsockServer() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port, "-J");
             ChildProcess client = iperf3("-c", "127.0.0.1", "-p", port, "-u", "-R", "-t", "1", "-b", "10M", "-l", "1000", "-J")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout());
            double bps = num(c, "end", "sum_received", "bits_per_second");
            assertTrue(bps > 8e6 && bps < 12e6, "10 Mbit/s asked, " + bps + " received");
            assertTrue(num(c, "end", "sum_received", "lost_percent") < 5, client.stdout());
            assertTrue(num(c, "end", "sum_received", "packets") > 1000, client.stdout());
        }
    }

    /** A second client while a test runs is told ACCESS_DENIED; the running test is unharmed. */
    @Test
    void secondIperf3ClientIsToldTheServerIsBusy() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port, "-d");
             ChildProcess first = iperf3("-c", "127.0.0.1", "-p", port, "-t", "2", "-b", "10M")) {
            server.awaitStderr("TEST_RUNNING", START_MS);
            try (ChildProcess second = iperf3("-c", "127.0.0.1", "-p", port, "-t", "1")) {
                assertEquals(1, second.waitFor(EXIT_S), second.describe());
                assertTrue(second.stderr().contains("the server is busy running a test"), second.describe());
            }
            assertEquals(0, first.waitFor(EXIT_S), first.describe() + server.describe());
            assertTrue(first.stdout().contains("receiver"), first.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
        }
    }

    // ---- jsock bench -c against a stock iperf3 -s --------------------------------------------------


    @Test
    void jsockClientPrintsIntervalsAndSummaryAgainstIperf3Server() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = iperf3Server(port);
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "-t", "2")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            String out = client.stdout();
            List<String[]> rows = rows(out);
            assertTrue(rows.stream().anyMatch(r -> r[1].equals("0.00") && r[2].equals("1.00")), out);
            assertTrue(rows.stream().anyMatch(r -> r[1].equals("1.00") && r[2].equals("2.00")), out);
            String[] sender = rows.stream().filter(r -> r[6].endsWith("sender")).findFirst().orElseThrow(() -> new AssertionError(out));
            String[] receiver = rows.stream().filter(r -> r[6].endsWith("receiver")).findFirst().orElseThrow(() -> new AssertionError(out));
            assertSaneRate(rate(sender), MIN_TCP_BPS);
            assertSaneRate(rate(receiver), MIN_TCP_BPS);
            // The receiver line is iperf3's own count: the same transfer as the server prints.
            String[] theirs = rows(server.stdout()).stream().filter(r -> r[6].endsWith("receiver")).findFirst()
                    .orElseThrow(() -> new AssertionError(server.describe()));
            assertEquals(theirs[3], receiver[3], out + server.stdout());
            assertTrue(out.trim().endsWith("iperf Done."), out);
        }
    }

    @Test
    void jsockClientJsonHasIperf3ShapeAgainstIperf3Server() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = iperf3Server(port, "-J");
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "-t", "1", "-P", "2", "-R", "--json")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout()), s = Json.parseObject(server.stdout());
            assertEquals(2, list(c, "start", "connected").size());
            assertEquals("TCP", obj(c, "start", "test_start").get("protocol"));
            assertEquals(1.0, num(c, "start", "test_start", "reverse"));
            assertTrue(list(c, "intervals").size() >= 1, client.stdout());
            assertEquals(2, list(obj(list(c, "intervals").getFirst()), "streams").size());
            List<Object> streams = list(c, "end", "streams");
            assertEquals(2, streams.size());
            for (Object st : streams) {
                assertTrue(bytes(obj(st), "sender") > 0 && bytes(obj(st), "receiver") > 0, client.stdout());
            }
            assertSaneRate(num(c, "end", "sum_received", "bits_per_second"), MIN_TCP_BPS);
            // The sent figures are iperf3's own, carried over in the results exchange.
            assertEquals(bytes(s, "end", "sum_sent"), bytes(c, "end", "sum_sent"));
            assertTrue(num(c, "end", "cpu_utilization_percent", "remote_total") > 0, client.stdout());
        }
    }

    @Test
    void jsockClientUdpStatesLossAndJitterAgainstIperf3Server() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = iperf3Server(port);
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "-u", "-t", "1", "-b", "20M", "-l", "1200")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            String out = client.stdout();
            assertTrue(out.contains("Total Datagrams"), out);
            Matcher m = Pattern.compile("(\\d+\\.\\d{3}) ms\\s+(\\d+)/(\\d+) \\((\\S+)%\\)\\s+receiver").matcher(out);
            assertTrue(m.find(), out);
            long lost = Long.parseLong(m.group(2)), total = Long.parseLong(m.group(3));
            // 20 Mbit/s / (1200 x 8 bits) is about 2080 a second.
            assertTrue(total > 1600 && total < 2500, out);
            assertTrue(lost * 20 < total, out);
            assertTrue(Double.parseDouble(m.group(1)) < 50, out);
            // The loss and jitter are iperf3's own figures, as its server prints them.
            assertTrue(server.stdout().contains(m.group(1) + " ms  " + lost + "/" + total), out + server.stdout());
        }
    }

    @Test
    void jsockClientBidirAgainstIperf3Server() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = iperf3Server(port);
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "-t", "1", "--bidir", "-J")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout());
            assertEquals(1.0, num(c, "start", "test_start", "bidir"));
            assertSaneRate(num(c, "end", "sum_received", "bits_per_second"), MIN_TCP_BPS);
            assertSaneRate(num(c, "end", "sum_received_bidir_reverse", "bits_per_second"), MIN_TCP_BPS);
            assertTrue(list(obj(list(c, "intervals").getFirst()), "streams").size() == 2, client.stdout());
        }
    }

    @Test
    void jsockClientIsToldTheServerIsBusy() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = iperf3Server(port);
             ChildProcess first = iperf3("-c", "127.0.0.1", "-p", port, "-t", "3", "-b", "10M", "--forceflush")) {
            // iperf3 writes to a pipe in blocks; --forceflush shows the test running.
            long end = System.nanoTime() + START_MS * 1_000_000;
            while (!first.stdout().contains("connected to") && System.nanoTime() < end) Thread.sleep(10);
            try (ChildProcess second = jsock("bench", "-c", "127.0.0.1", "-p", port, "-t", "1")) {
                assertEquals(1, second.waitFor(EXIT_S), second.describe());
                assertEquals("jsock: bench: the server is busy running a test. try again later\n", second.stderr());
            }
            assertEquals(0, first.waitFor(EXIT_S), first.describe());
        }
    }

    // ---- in-process: nothing left open --------------------------------------------------------------

    /** A TCP test and a UDP test with two streams each, then a stop: every socket is closed again. */
    @Test
    void serverLeavesNoSocketOpen() throws Exception {
        int port = ChildProcess.freePort();
        Set<String> before = FdLeakCheck.openSockets();
        ByteArrayOutputStream text = new ByteArrayOutputStream(), errors = new ByteArrayOutputStream();
        BenchServer server = new BenchServer(SockAddr.Inet4.loopback(port), false, 1, false,
                new PrintStream(text, true, StandardCharsets.UTF_8), new PrintStream(errors, true, StandardCharsets.UTF_8), null);
        server.listen();
        Thread serving = Thread.ofPlatform().start(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        try {
            for (List<String> args : List.of(List.of("-P", "2", "-b", "100M"), List.of("-u", "-P", "2", "-R", "-b", "5M"))) {
                List<String> cmd = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1"));
                cmd.addAll(args);
                try (ChildProcess client = iperf3(cmd.toArray())) {
                    assertEquals(0, client.waitFor(EXIT_S), client.describe() + text + errors);
                }
            }
        } finally {
            server.stop();
            serving.join(15_000);
        }
        String out = text.toString(StandardCharsets.UTF_8);
        // Test 1 received (iperf3 sent); test 2 sent (-R), with UDP's loss columns.
        assertTrue(out.contains("(test #2)") && out.contains("receiver") && out.contains("Lost/Total Datagrams")
                && out.contains("sender"), out + errors);
        assertEquals("", errors.toString(StandardCharsets.UTF_8));
        Set<String> leaked = Set.of();
        for (int i = 0; i < 100; i++) {
            leaked = new TreeSet<>(FdLeakCheck.openSockets());
            leaked.removeAll(before);
            if (leaked.isEmpty()) return;
            Thread.sleep(20);
        }
        throw new AssertionError("bench server left sockets open: " + leaked);
    }

    // ---- the pieces -----------------------------------------------------------------------------------

    /** What iperf3 puts on the wire: its unsigned -1 for "unknown", exponents, escapes; and what it must not. */
    @Test
    void jsonReadsWhatIperf3Writes() {
        Map<String, Object> m = Json.parseObject("{\"retransmits\":\t18446744073709551615, \"errors\":-1, \"jitter\":3.0009e-05,"
                + " \"bytes\":1156055040, \"t\":\"a\\\"\\u00e9\\n\", \"l\":[1, true, null, {}], \"o\":{\"x\":[]}}");
        assertEquals(-1, Json.count(m, "retransmits", 0));
        assertEquals(-1, Json.count(m, "errors", 0));
        assertEquals(1156055040L, Json.count(m, "bytes", 0));
        assertEquals(3.0009e-05, Json.number(m, "jitter", 0));
        assertEquals("a\"\u00e9\n", Json.string(m, "t"));
        assertEquals(m, Json.parseObject(Json.write(m)));
        assertEquals(m, Json.parseObject(Json.pretty(m)));
        assertTrue(Json.write(m).indexOf('\n') < 0, "compact JSON is one line");
        for (String bad : List.of("{\"a\":}", "{\"a\" 1}", "[1,]", "{\"a\":1} x", "\"open", "{\"a\":01x}", "[" .repeat(100) + "]".repeat(100))) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void clientOptionsOnAServerAreAUsageError() throws Exception {
        try (JsockProcess p = JsockProcess.start("bench", "-s", "-u", "-t", "1")) {
            p.input(new byte[0]);
            assertEquals(2, p.waitFor(EXIT_S), p.stderr());
            assertEquals("jsock: -u, -t: client options (-c); a server runs the test its client asks for\n", p.stderr());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** jsock bench -s -1 on {@code port}, listening when this returns. */
    private static ChildProcess jsockServer(int port, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("bench", "-s", "-1", "-p", Integer.toString(port)));
        args.addAll(List.of(more));
        ChildProcess p = ChildProcess.jsock(args.toArray(String[]::new));
        awaitListening(p, port);
        return p;
    }







    private static void assertSaneRate(double bps, double min) {
        assertTrue(bps > min && bps < MAX_BPS, "rate " + bps + " bits/s");
    }

}
