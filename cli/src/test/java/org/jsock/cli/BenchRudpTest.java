package org.jsock.cli;

import static org.jsock.cli.BenchProcs.*;

import org.jsock.cli.bench.BenchServer;
import org.jsock.cli.bench.Json;
import org.jsock.net.SockAddr;
import org.jsock.testing.FdLeakCheck;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code jsock bench --rudp}: a jsock client measuring rudp streams against {@code jsock bench -s --rudp}
 * on 127.0.0.1 (forward, reverse, parallel, bidirectional, byte-bounded; text and -J with the rudp
 * counters); a client refused at once by servers that cannot serve rudp (jsock's without --rudp, a
 * stock iperf3); and an rudp-serving server that still serves stock iperf3's TCP and UDP tests and
 * leaves no socket open. Each test runs for a second or two.
 */
@Timeout(60)
class BenchRudpTest {
    private static final long EXIT_S = 30;
    /** Far below what rudp does on loopback even on a loaded machine, far above a stalled stream. */
    private static final double MIN_RUDP_BPS = 1e6;
    private static final double MAX_BPS = 1e12;
    /**
     * How far a sender's count may run ahead of its receiver's at the end: what rudp holds between
     * the two applications (the 1 MiB send buffer, the 1 MiB window) and a block on its way; and, when
     * the server sends, what it wrote while TEST_END was on its way (allowed a tenth of the test).
     */
    private static final long MAX_IN_TRANSIT = (2 << 20) + (128 << 10);

    // ---- jsock bench -c --rudp against jsock bench -s --rudp ------------------------------------------

    @Test
    void forwardPrintsIntervalsRetransmitsAndSummary() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port);
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "--rudp", "-t", "2")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            String out = client.stdout();
            assertTrue(out.contains("connected to 127.0.0.1 port " + port + " (rudp, newreno)"), out);
            assertTrue(out.contains("Bitrate         Retr         Cwnd"), "the sender's rudp columns: " + out);
            List<String[]> rows = rows(out);
            // Intervals of about a second (a busy machine may move an edge by a few milliseconds), end to end.
            List<String[]> intervals = rows.stream().filter(r -> !r[6].endsWith("sender") && !r[6].endsWith("receiver")).toList();
            assertTrue(intervals.size() >= 2 && intervals.getFirst()[1].equals("0.00"), out);
            for (int i = 0; i < intervals.size(); i++) {
                String[] r = intervals.get(i);
                if (i > 0) assertEquals(intervals.get(i - 1)[2], r[1], out);
                // Each shows the bytes retransmitted and the window, both as sizes.
                assertTrue(r[6].matches("\\d+(\\.\\d+)? [KMG]?Bytes\\s+\\d+(\\.\\d+)? [KMG]?Bytes"), "interval: " + r[6]);
            }
            assertEquals(1.0, Double.parseDouble(intervals.getFirst()[2]), 0.1, out);
            assertEquals(2.0, Double.parseDouble(intervals.getLast()[2]), 0.2, out);
            String[] sender = rows.stream().filter(r -> r[6].endsWith("sender")).findFirst().orElseThrow(() -> new AssertionError(out));
            String[] receiver = rows.stream().filter(r -> r[6].endsWith("receiver")).findFirst().orElseThrow(() -> new AssertionError(out));
            assertTrue(sender[6].matches("\\d+(\\.\\d+)? [KMG]?Bytes\\s+sender"), "sender's Retr: " + sender[6]);
            assertSaneRate(rate(sender));
            assertSaneRate(rate(receiver));
            // The receiver line is the server's own count, as the server prints it.
            String[] theirs = rows(server.stdout()).stream().filter(r -> r[6].endsWith("receiver")).findFirst()
                    .orElseThrow(() -> new AssertionError(server.describe()));
            assertEquals(theirs[3], receiver[3], out + server.stdout());
            assertTrue(server.stdout().contains("(test #1, rudp streams too)"), server.stdout());
            assertTrue(server.stdout().contains("connected to 127.0.0.1 port "), "the server names the address reached: " + server.stdout());
            assertTrue(out.trim().endsWith("iperf Done."), out);
        }
    }

    /** -P 2 with -J: each stream's sender has rudp's figures in iperf3's TCP places, and both ends' counters. */
    @Test
    void parallelJsonHasRetransmitsAndRudpCounters() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port);
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "--rudp", "-t", "1", "-P", "2", "-J")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout());
            assertEquals("RUDP", obj(c, "start", "test_start").get("protocol"));
            assertEquals(2, list(c, "start", "connected").size());
            Map<String, Object> interval = obj(list(c, "intervals").getFirst());
            assertEquals(2, list(interval, "streams").size());
            for (Object o : list(interval, "streams")) {
                Map<String, Object> st = obj(o);
                assertTrue(num(st, "retransmits") >= 0 && num(st, "snd_cwnd") > 0 && num(st, "rtt") > 0, Json.write(st));
            }
            assertTrue(num(interval, "sum", "retransmits") >= 0, Json.write(interval));
            List<Object> streams = list(c, "end", "streams");
            assertEquals(2, streams.size());
            long retransmits = 0;
            for (Object o : streams) {
                Map<String, Object> snd = obj(o, "sender"), rcv = obj(o, "receiver");
                long sent = bytes(snd), received = bytes(rcv);
                assertPlausible(sent, received, client.stdout());
                Map<String, Object> sr = obj(snd, "rudp"), rr = obj(rcv, "rudp");
                assertEquals("newreno", sr.get("congestion"));
                assertTrue(num(sr, "rtt") > 0 && num(sr, "snd_cwnd") > 0 && num(snd, "max_snd_cwnd") > 0, Json.write(snd));
                // What went out was written (the cookie too) or sent again; what was written and had not
                // gone out yet when the sender took its figures fits in the 1 MiB send buffer.
                double wire = num(sr, "stream_bytes_sent");
                assertTrue(wire >= sent + 37 - (1 << 20) && wire <= sent + 37 + num(sr, "stream_bytes_retransmitted"), Json.write(o));
                assertTrue(num(snd, "retransmits") <= num(sr, "stream_bytes_retransmitted"), Json.write(snd));
                // A datagram holds at most 1200 bytes.
                assertTrue(num(sr, "packets_lost") >= 0 && num(sr, "packets_sent") >= wire / 1200, Json.write(sr));
                assertEquals(0, num(sr, "corrupt_dropped"), "loopback corrupts nothing: " + Json.write(sr));
                // The receiver's counters come from the server, through the results exchange.
                assertTrue(num(rr, "stream_bytes_delivered") >= received, Json.write(rcv));
                assertTrue(num(rr, "packets_received") >= received / 1200, Json.write(rr));
                assertEquals(0, num(rr, "corrupt_dropped"), Json.write(rr));
                retransmits += (long) num(snd, "retransmits");
            }
            assertEquals(retransmits, (long) num(c, "end", "sum_sent", "retransmits"));
            assertSaneRate(num(c, "end", "sum_received", "bits_per_second"));
            assertPlausible(bytes(c, "end", "sum_sent"), bytes(c, "end", "sum_received"), client.stdout());
        }
    }

    /** -R: the server sends, with the congestion control the client named, and its counters reach the client. */
    @Test
    void reverseCarriesTheServersSenderFigures() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port);
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "--rudp", "-t", "1", "-R", "--rudp-cc", "cubic", "-J")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout());
            assertEquals(1.0, num(c, "start", "test_start", "reverse"));
            Map<String, Object> st = obj(list(c, "end", "streams").getFirst());
            Map<String, Object> snd = obj(st, "sender"), rcv = obj(st, "receiver");
            assertEquals(false, snd.get("sender"), "the client receives");
            assertPlausible(bytes(snd), bytes(rcv), client.stdout());
            assertEquals("cubic", obj(snd, "rudp").get("congestion"), "the server sent with the client's choice");
            assertTrue(num(snd, "rudp", "stream_bytes_sent") >= bytes(rcv), Json.write(st));
            assertTrue(num(snd, "retransmits") >= 0, "the server's retransmits: " + Json.write(snd));
            assertTrue(num(rcv, "rudp", "stream_bytes_delivered") >= bytes(rcv), Json.write(rcv));
            assertSaneRate(num(c, "end", "sum_received", "bits_per_second"));
            assertTrue(server.stdout().contains("(rudp, cubic)"), server.stdout());
        }
    }

    @Test
    void bidirMeasuresBothWays() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port);
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "--rudp", "-t", "1", "--bidir", "-J")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout());
            assertEquals(1.0, num(c, "start", "test_start", "bidir"));
            assertSaneRate(num(c, "end", "sum_received", "bits_per_second"));
            assertSaneRate(num(c, "end", "sum_received_bidir_reverse", "bits_per_second"));
            assertPlausible(bytes(c, "end", "sum_sent"), bytes(c, "end", "sum_received"), client.stdout());
            assertPlausible(bytes(c, "end", "sum_sent_bidir_reverse"), bytes(c, "end", "sum_received_bidir_reverse"), client.stdout());
            List<Object> streams = list(c, "end", "streams");
            assertEquals(2, streams.size());
            assertEquals(true, obj(streams.get(0), "sender").get("sender"), "stream 1 is the client's to send");
            assertEquals(false, obj(streams.get(1), "sender").get("sender"), "stream 3 is the server's");
            for (Object o : streams) assertTrue(num(obj(o, "sender"), "rudp", "stream_bytes_sent") > 0, Json.write(o));
        }
    }

    /** -n: the senders stop at exactly the byte count (whole 128 KiB blocks), long before -t's default. */
    @Test
    void byteCountBoundsTheTest() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port);
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "--rudp", "-n", "4M", "-J")) {
            assertEquals(0, client.waitFor(EXIT_S), client.describe() + server.describe());
            assertEquals(0, server.waitFor(EXIT_S), server.describe());
            Map<String, Object> c = Json.parseObject(client.stdout());
            assertEquals(4L << 20, bytes(c, "end", "sum_sent"), client.stdout());
            assertPlausible(4L << 20, bytes(c, "end", "sum_received"), client.stdout());
            assertTrue(num(c, "end", "sum_sent", "end") < 9, "-n ended the test, not -t's 10 s: " + client.stdout());
        }
    }

    // ---- servers that cannot serve rudp ---------------------------------------------------------------

    @Test
    void jsockServerWithoutRudpRefusesAtOnce() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = jsockServer(port, false);
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "--rudp", "-t", "1")) {
            assertEquals(1, client.waitFor(8), client.describe() + server.describe());
            assertEquals("jsock: bench: the server reported an error (iperf3 error 13); rudp streams need a server started as "
                    + "'jsock bench -s --rudp'\n", client.stderr());
            assertEquals(1, server.waitFor(EXIT_S), server.describe());
            assertTrue(server.stderr().contains("the client asked for rudp streams, which this server serves only when started with --rudp"),
                    server.describe());
        }
    }

    /** A stock iperf3 takes the test as TCP and listens for TCP streams only: the rudp connect is refused. */
    @Test
    void stockIperf3ServerIsRefusedAtOnce() throws Exception {
        assumeTrue(ChildProcess.onPath("iperf3"), "iperf3 is not installed");
        int port = ChildProcess.freePort();
        try (ChildProcess server = iperf3Server(port);
             ChildProcess client = jsock("bench", "-c", "127.0.0.1", "-p", port, "--rudp", "-t", "1")) {
            assertEquals(1, client.waitFor(8), client.describe() + server.describe());
            assertEquals("jsock: bench: unable to connect rudp stream: Connection refused: nothing listens on UDP 127.0.0.1:" + port
                    + " (rudp streams need 'jsock bench -s --rudp' there)\n", client.stderr());
            assertEquals("Connecting to host 127.0.0.1, port " + port + "\n", client.stdout());
        }
    }

    @Test
    void rudpOptionsAreCheckedUpFront() throws Exception {
        for (List<String> args : List.of(
                List.of("bench", "-c", "127.0.0.1", "--rudp", "-u"),
                List.of("bench", "-c", "127.0.0.1", "--rudp", "--rudp-cc", "vegas"),
                List.of("bench", "-s", "--rudp", "--rudp-cc", "cubic"))) {
            try (JsockProcess p = JsockProcess.start(args.toArray(String[]::new))) {
                p.input(new byte[0]);
                assertEquals(2, p.waitFor(EXIT_S), p.stderr());
                String expected = switch (args.getLast()) {
                    case "-u" -> "jsock: --rudp takes no -u: they are TCP's and UDP's (rudp's congestion control is --rudp-cc)\n";
                    case "vegas" -> "jsock: bad --rudp-cc 'vegas': one of newreno, cubic, bbr\n";
                    default -> "jsock: --rudp-cc: client options (-c); a server runs the test its client asks for\n";
                };
                assertEquals(expected, p.stderr(), String.join(" ", args));
            }
        }
    }

    // ---- a server with --rudp serves iperf3 as ever -------------------------------------------------

    /**
     * In-process: a stock iperf3 TCP test, an rudp test, then a stock iperf3 UDP test on the port the
     * rudp test had on UDP; then a stop, after which every socket is closed again.
     */
    @Test
    void rudpServerStillServesIperf3AndLeavesNoSocketOpen() throws Exception {
        assumeTrue(ChildProcess.onPath("iperf3"), "iperf3 is not installed");
        int port = ChildProcess.freePort();
        Set<String> before = FdLeakCheck.openSockets();
        ByteArrayOutputStream text = new ByteArrayOutputStream(), errors = new ByteArrayOutputStream();
        BenchServer server = new BenchServer(SockAddr.Inet4.loopback(port), true, false, 1, false,
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
            try (ChildProcess tcp = iperf3("-c", "127.0.0.1", "-p", port, "-t", "1", "-J")) {
                assertEquals(0, tcp.waitFor(EXIT_S), tcp.describe() + text + errors);
                Map<String, Object> c = Json.parseObject(tcp.stdout());
                assertEquals("TCP", obj(c, "start", "test_start").get("protocol"));
                assertTrue(num(c, "end", "sum_received", "bits_per_second") > 1e7, tcp.stdout());
            }
            try (ChildProcess rudp = jsock("bench", "-c", "127.0.0.1", "-p", port, "--rudp", "-t", "1")) {
                assertEquals(0, rudp.waitFor(EXIT_S), rudp.describe() + text + errors);
                assertTrue(rudp.stdout().contains("receiver"), rudp.describe());
            }
            try (ChildProcess udp = iperf3("-c", "127.0.0.1", "-p", port, "-u", "-t", "1", "-b", "5M", "-l", "1200", "-J")) {
                assertEquals(0, udp.waitFor(EXIT_S), udp.describe() + text + errors);
                Map<String, Object> c = Json.parseObject(udp.stdout());
                // 5 Mbit/s / (1200 x 8 bits) is about 520 a second.
                assertTrue(num(c, "end", "sum_received", "packets") > 400, udp.stdout());
                assertTrue(num(c, "end", "sum_received", "lost_percent") < 5, udp.stdout());
            }
        } finally {
            server.stop();
            serving.join(15_000);
        }
        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("(test #3, rudp streams too)") && out.contains("(rudp, newreno)") && out.contains("Lost/Total Datagrams"),
                out + errors);
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

    // ---- helpers -------------------------------------------------------------------------------------


    private static ChildProcess jsockServer(int port) throws Exception {
        return jsockServer(port, true);
    }

    /** jsock bench -s -1 on {@code port}, with or without --rudp, listening when this returns. */
    private static ChildProcess jsockServer(int port, boolean rudp) throws Exception {
        List<String> args = new ArrayList<>(List.of("bench", "-s", "-1", "-p", Integer.toString(port)));
        if (rudp) args.add("--rudp");
        ChildProcess p = ChildProcess.jsock(args.toArray(String[]::new));
        p.closeInput();
        awaitListening(p, port);
        return p;
    }







    private static void assertSaneRate(double bps) {
        assertTrue(bps > MIN_RUDP_BPS && bps < MAX_BPS, "rate " + bps + " bits/s");
    }

    /** A receiver got something, no more than was sent, and all but what was still on its way. */
    private static void assertPlausible(long sent, long received, String out) {
        assertTrue(received > 0 && received <= sent && sent - received <= MAX_IN_TRANSIT + sent / 10,
                "sent " + sent + ", received " + received + "\n" + out);
    }

}
