package org.jsock.cli;

import org.jsock.cli.bench.BenchClient;
import org.jsock.cli.bench.BenchException;
import org.jsock.cli.bench.BenchServer;
import org.jsock.cli.bench.Params;
import org.jsock.cli.bench.Protocol;
import org.jsock.cli.bench.Units;
import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.SockType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Measure throughput, loss and jitter with iperf3's protocol (TCP, UDP or rudp).",
                "",
                "A stock iperf3 client can test against 'jsock bench -s', and 'jsock bench -c' can test",
                "against a stock 'iperf3 -s'.",
                "",
                "How a test goes: the client opens a TCP control connection (port 5201 by default) and sends a",
                "random 37-byte cookie; the server answers with one-byte states, and each side sends JSON",
                "(length-prefixed) for the parameters and, at the end, for its results. The data flows on",
                "separate streams: TCP connections to the same port, each opening with the cookie, or UDP",
                "sockets that say hello with one datagram. Each UDP datagram carries its send time and a",
                "packet number; the receiver counts the gaps (loss) and the variation in transit time (jitter,",
                "RFC 3550). The client keeps the time: after -t seconds it sends TEST_END, the two exchange",
                "results, and the client prints a sender and a receiver line for each stream.",
                "",
                "A server runs one test at a time. A client that connects meanwhile is told ACCESS_DENIED",
                "(iperf3 prints \"the server is busy running a test\").",
                "",
                "With --rudp the data streams are rudp, jsock's reliable byte stream over UDP (docs/rudp.md),",
                "to measure it the way TCP is measured: the control connection stays iperf3's, on TCP, and each",
                "stream is an rudp connection to the same port number on UDP. The client asks for rudp in the",
                "parameters (\"rudp\": true, which a stock iperf3 ignores); a server serves it only when started",
                "with --rudp, and listens on UDP only while an rudp test's streams connect, so it still serves",
                "plain TCP and UDP tests, iperf3's clients included. Against a stock iperf3 server the rudp",
                "connect is refused (nothing listens on UDP there) and the client exits 1.",
                "The report is TCP's; \"Retr\" counts the bytes rudp sent again, and -J adds each end's rudp",
                "counters (RTT, cwnd, packets lost, corrupt datagrams dropped) as an \"rudp\" object per stream.",
                "",
                "Units: -b takes bits/s in powers of 1000 (100M, 1G); -l, -n and -w take bytes in powers of",
                "1024 (128K). Output sizes are in powers of 1024 (MBytes), rates in powers of 1000 (Mbits/sec).",
                ""},
        footer = {"", "Examples:",
                "  jsock bench -s                               a server on port 5201, until interrupted",
                "  iperf3 -c 127.0.0.1 -t 5                     stock iperf3 against it",
                "  jsock bench -c 127.0.0.1                     10 s of TCP to an iperf3 (or jsock) server",
                "  jsock bench -c 127.0.0.1 -P 4 -R             four streams, the server sending",
                "  jsock bench -c 127.0.0.1 --bidir -t 5        both ways at once",
                "  jsock bench -c 127.0.0.1 -u -b 100M -l 1400  UDP at 100 Mbit/s: loss and jitter",
                "  jsock bench -c ::1 -J | jq .end.sum_received.bits_per_second",
                "  jsock bench -s --rudp                        a server for rudp tests too (and TCP, UDP)",
                "  jsock bench -c 127.0.0.1 --rudp -t 5         rudp streams: bitrate, bytes retransmitted",
                "  jsock bench -c 127.0.0.1 --rudp -P 2 -R --rudp-cc cubic -J | jq '.end.streams[].sender.rudp'",
                "  jsock bench -s -1 --debug                    one test, showing each state and the JSON"})
final class BenchCommand implements Callable<Integer> {
    static final class Mode {
        @Option(names = {"-s", "--server"}, required = true, description = "Run a server.") boolean server;
        @Option(names = {"-c", "--client"}, required = true, paramLabel = "HOST", description = "Run a client, testing against HOST.")
        String host;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Mode mode;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "The server's port (default 5201).")
    String port;

    static final class Ip {
        @Option(names = "-4", description = "IPv4 only.") boolean v4;
        @Option(names = "-6", description = "IPv6 only.") boolean v6;
    }

    @ArgGroup(exclusive = true) Ip ip = new Ip();

    @Option(names = {"-i", "--interval"}, paramLabel = "SECS", description = "Seconds between interval reports; 0 for none (default 1).")
    double interval = 1;

    @Option(names = {"-J", "--json"}, description = "Print one JSON document at the end, in iperf3's shape, instead of text.")
    boolean json;

    @Option(names = {"-d", "--debug"}, description = "Trace each protocol state and JSON message on stderr.")
    boolean debug;

    @Option(names = "--rudp", description = "rudp streams (reliable, over UDP: docs/rudp.md) instead of TCP. A client asks for "
            + "them; a server also serves them, on UDP at its port.")
    boolean rudp;

    // ---- server ----
    @Option(names = {"-1", "--one-off"}, description = "Server: serve one test, then exit (non-zero if it failed).")
    boolean oneOff;

    @Option(names = {"-B", "--bind"}, paramLabel = "HOST", description = "Server: the address to listen on (default: all, IPv4 and IPv6).")
    String bind;

    // ---- client ----
    @Option(names = {"-u", "--udp"}, description = "Client: UDP instead of TCP.") boolean udp;

    @Option(names = {"-t", "--time"}, paramLabel = "SECS", description = "Client: seconds to send for (default 10).")
    Integer time;

    @Option(names = {"-n", "--bytes"}, paramLabel = "BYTES", description = "Client: stop after this many bytes in all, instead of after -t.")
    String bytes;

    @Option(names = {"-k", "--blockcount"}, paramLabel = "N", description = "Client: stop after this many blocks (-l each) in all.")
    String blocks;

    @Option(names = {"-b", "--bitrate"}, paramLabel = "RATE", description = "Client: target bits/s for each stream; 0 for no limit "
            + "(default: none for TCP, 1M for UDP).")
    String rate;

    @Option(names = {"-l", "--length"}, paramLabel = "LEN", description = "Client: bytes a write (TCP and rudp, default 128K) or a "
            + "datagram (UDP, default the path's MSS).")
    String length;

    @Option(names = {"-P", "--parallel"}, paramLabel = "N", description = "Client: streams to run at once (default 1, at most 128).")
    int parallel = 1;

    @Option(names = {"-R", "--reverse"}, description = "Client: the server sends and the client receives.") boolean reverse;

    @Option(names = "--bidir", description = "Client: both send at once, on separate streams.") boolean bidir;

    @Option(names = {"-O", "--omit"}, paramLabel = "SECS", description = "Client: leave the first SECS out of the figures (TCP slow start).")
    int omit;

    @Option(names = {"-w", "--window"}, paramLabel = "SIZE", description = "Client: socket buffer size (SO_SNDBUF and SO_RCVBUF) on both sides; for "
            + "rudp, its window and send buffer (default 1M).")
    String window;

    @Option(names = {"-N", "--no-delay"}, description = "Client: TCP_NODELAY on the streams.") boolean noDelay;

    @Option(names = {"-C", "--congestion"}, paramLabel = "ALGO", description = "Client: TCP congestion control (cubic, bbr, reno...).")
    String congestion;

    @Option(names = "--udp-counters-64bit", description = "Client: 64-bit UDP packet numbers.") boolean counters64;

    @Option(names = "--rudp-cc", paramLabel = "ALGO", description = "Client, with --rudp: rudp's congestion control, newreno "
            + "(the default), cubic or bbr; the server uses it too when it sends (-R, --bidir).")
    String rudpCc;

    @ParentCommand Main main;

    @Override
    public Integer call() throws Exception {
        int p = port == null ? Protocol.DEFAULT_PORT : Inputs.port(port);
        if (interval != 0 && (interval < 0.1 || interval > 60 || Double.isNaN(interval))) {
            throw CliException.usage("-i must be 0 (no interval reports) or from 0.1 to 60 seconds, got " + interval);
        }
        Family family = ip.v4 ? Family.INET : ip.v6 ? Family.INET6 : null;
        PrintStream debugOut = debug ? System.err : null;
        return mode.server ? server(p, family, debugOut) : client(p, family, debugOut);
    }

    private int server(int p, Family family, PrintStream debugOut) throws IOException {
        List<String> clientOnly = new ArrayList<>();
        if (udp) clientOnly.add("-u");
        if (time != null) clientOnly.add("-t");
        if (bytes != null) clientOnly.add("-n");
        if (blocks != null) clientOnly.add("-k");
        if (rate != null) clientOnly.add("-b");
        if (length != null) clientOnly.add("-l");
        if (parallel != 1) clientOnly.add("-P");
        if (reverse) clientOnly.add("-R");
        if (bidir) clientOnly.add("--bidir");
        if (omit != 0) clientOnly.add("-O");
        if (window != null) clientOnly.add("-w");
        if (noDelay) clientOnly.add("-N");
        if (congestion != null) clientOnly.add("-C");
        if (counters64) clientOnly.add("--udp-counters-64bit");
        if (rudpCc != null) clientOnly.add("--rudp-cc");
        if (!clientOnly.isEmpty()) {
            throw CliException.usage(String.join(", ", clientOnly) + ": client options (-c); a server runs the test its client asks for");
        }
        SockAddr addr;
        if (bind != null) addr = Inputs.resolve(bind, p, family, SockType.STREAM, "bench -B");
        else addr = family == Family.INET ? SockAddr.Inet4.any(p) : SockAddr.Inet6.any(p);
        BenchServer server = new BenchServer(addr, rudp, oneOff, interval, json, System.out, System.err, debugOut);
        try {
            server.listen();
        } catch (IOException e) {
            throw CliException.network("bench: listen on " + addr, e);
        }
        if (main.verbose.length > 0) System.err.println("jsock: bench server on " + server.address());
        Thread hook = new Thread(server::stop);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.serve();
        } catch (BenchException e) {
            throw failed(e);
        }
        return 0;
    }

    /** A bench failure as one line; a failed socket call keeps its errno name, as other commands show it. */
    private static CliException failed(BenchException e) {
        if (e.getCause() instanceof IOException cause && !(cause instanceof BenchException)) {
            return CliException.network("bench: " + e.getMessage(), cause);
        }
        return new CliException("bench: " + e.getMessage(), 1, e);
    }

    private int client(int p, Family family, PrintStream debugOut) throws IOException {
        if (oneOff) throw CliException.usage("-1 is a server option (-s)");
        if (bind != null) throw CliException.usage("-B is a server option (-s)");
        if (parallel < 1 || parallel > 128) throw CliException.usage("-P must be from 1 to 128, got " + parallel);
        if (reverse && bidir) throw CliException.usage("-R and --bidir are exclusive: --bidir already sends both ways");
        if (omit < 0 || omit > 600) throw CliException.usage("-O must be from 0 to 600 seconds, got " + omit);
        if (rudp) {
            List<String> tcpUdpOnly = new ArrayList<>();
            if (udp) tcpUdpOnly.add("-u");
            if (noDelay) tcpUdpOnly.add("-N");
            if (congestion != null) tcpUdpOnly.add("-C");
            if (counters64) tcpUdpOnly.add("--udp-counters-64bit");
            if (!tcpUdpOnly.isEmpty()) {
                throw CliException.usage("--rudp takes no " + String.join(", ", tcpUdpOnly) + ": they are TCP's and UDP's "
                        + "(rudp's congestion control is --rudp-cc)");
            }
            if (rudpCc != null && !org.jsock.rudp.cc.CongestionController.names().contains(rudpCc)) {
                throw CliException.usage("bad --rudp-cc '" + rudpCc + "': one of " + String.join(", ",
                        org.jsock.rudp.cc.CongestionController.names()));
            }
        } else if (rudpCc != null) {
            throw CliException.usage("--rudp-cc goes with --rudp");
        }
        long nBytes = bytes == null ? 0 : parse(bytes, "-n", false);
        long nBlocks = blocks == null ? 0 : parse(blocks, "-k", false);
        if (bytes != null && nBytes <= 0) throw CliException.usage("-n must be more than 0 bytes");
        if (blocks != null && nBlocks <= 0) throw CliException.usage("-k must be more than 0 blocks");
        int t;
        if (time != null) {
            if (time < 1 || time > 86400) throw CliException.usage("-t must be from 1 to 86400 seconds, got " + time);
            if (nBytes > 0 || nBlocks > 0) throw CliException.usage("-t, -n and -k are exclusive: say when to stop once");
            t = time;
        } else {
            t = nBytes > 0 || nBlocks > 0 ? 0 : 10;
        }
        int header = counters64 ? 16 : 12;
        int len = 0;
        if (length != null) {
            long l = parse(length, "-l", false);
            if (udp && (l < header || l > 65507)) {
                throw CliException.usage("-l for UDP must be from " + header + " (the header) to 65507 bytes, got " + l);
            }
            if (!udp && (l < 1 || l > 1 << 20)) throw CliException.usage("-l for " + (rudp ? "rudp" : "TCP") + " must be from 1 byte to 1M, got " + l);
            len = (int) l;
        }
        long bps = rate == null ? (udp ? 1_000_000 : 0) : parse(rate, "-b", true);
        int win = 0;
        if (window != null) {
            long w = parse(window, "-w", false);
            if (w < 1 || w > 1 << 30) throw CliException.usage("-w must be from 1 byte to 1G, got " + w);
            if (rudp && w < org.jsock.rudp.RudpConfig.MIN_DATAGRAM) {
                throw CliException.usage("-w for --rudp must be at least " + org.jsock.rudp.RudpConfig.MIN_DATAGRAM
                        + " bytes (one datagram), got " + w);
            }
            win = (int) w;
        }
        if (congestion != null && (congestion.isEmpty() || congestion.length() > 15 || !congestion.matches("[a-z0-9_]+"))) {
            throw CliException.usage("bad -C '" + congestion + "': a kernel congestion control name such as cubic or bbr");
        }
        Params params = new Params(udp, t, omit, nBytes, nBlocks, parallel, reverse, bidir, len, bps, counters64, win, noDelay,
                congestion, rudp, rudpCc);
        SockAddr target = Inputs.resolve(mode.host, p, family, SockType.STREAM, "bench");
        BenchClient c = new BenchClient(target, mode.host, params, interval, Duration.ofSeconds(10), json, System.out, debugOut);
        try {
            c.run();
        } catch (BenchException e) {
            throw failed(e);
        }
        return 0;
    }

    private static long parse(String text, String flag, boolean isRate) {
        try {
            return isRate ? Units.rate(text) : Units.size(text);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(flag + ": " + e.getMessage());
        }
    }
}
