package org.jsock.cli.bench;

import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.SockType;
import org.jsock.net.Socket;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.RudpException;
import org.jsock.rudp.RudpSocket;
import org.jsock.sys.Sys;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client side of a test, against iperf3's server or jsock's: connects, sends the parameters,
 * opens the streams, times the test, and prints the results.
 *
 * <p>With rudp streams ({@link Params#rudp}) the control connection is iperf3's as ever, and each
 * stream is an rudp connection to the same port number on UDP, opening with the cookie as a TCP
 * stream does. Only {@code jsock bench -s --rudp} serves them: a stock iperf3 server ignores the
 * parameter and listens for TCP streams only, so the first rudp connect is refused at once.
 */
public final class BenchClient {
    /** How long each setup step may take: connecting, each state, each stream's handshake. */
    private static final Duration STEP = Duration.ofSeconds(10);

    private final SockAddr server;
    private final String host;
    private final Params params;
    private final double interval;
    private final Duration connectTimeout;
    private final PrintStream out;
    private final PrintStream debug;
    private final boolean json;
    private final byte[] cookie = Protocol.newCookie();
    private final List<Stream> streams = new ArrayList<>();
    private final Stream.Budget budget;
    private Control control;

    /**
     * @param params the test; {@code len} 0 means iperf3's default (128 KiB for TCP; for UDP the
     *               control connection's MSS)
     * @param debug  where states and JSON are traced, or null
     */
    public BenchClient(SockAddr server, String host, Params params, double interval, Duration connectTimeout,
                       boolean json, PrintStream out, PrintStream debug) {
        this.server = server;
        this.host = host;
        this.params = params;
        this.interval = interval;
        this.connectTimeout = connectTimeout;
        this.out = out;
        this.debug = debug;
        this.json = json;
        this.budget = new Stream.Budget(params.bytes(), params.blocks());
    }

    /**
     * Runs the test. Errors come back as BenchException with iperf3's wording; with -J, the JSON
     * document (with its "error") is printed first.
     */
    public void run() throws IOException {
        Report report = new Report(out, json, true);
        Thread hook = Thread.ofPlatform().unstarted(this::interrupted);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            test(report);
            report.done(null);
        } catch (IOException e) {
            if (json) report.done(BenchException.describe(e));
            throw e;
        } finally {
            for (Stream s : streams) s.close();
            if (control != null) control.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    /** On SIGINT/SIGTERM: tell the server, as iperf3 does, so it ends the test at once. */
    private void interrupted() {
        Control c = control;
        if (c == null) return;
        try {
            c.writeState(Protocol.CLIENT_TERMINATE);
        } catch (IOException ignored) {
            // the connection is already gone
        }
    }

    private void test(Report report) throws IOException {
        report.connecting(host, Report.port(server));
        Socket ctrl = Socket.open(server.family(), SockType.STREAM);
        control = new Control(ctrl, "server", debug);
        try {
            ctrl.connect(server, connectTimeout);
        } catch (IOException e) {
            throw new BenchException("unable to connect to server " + server, e);
        }
        ctrl.set(SockOpt.TCP_NODELAY, true);
        ctrl.sendAll(cookie, 0, cookie.length);
        int mss = mss(ctrl);
        Params p = params;
        if (p.len() == 0) {
            p = p.withLen(p.udp() ? (mss > 0 && mss <= Protocol.MAX_UDP_LEN ? mss : Protocol.DEFAULT_UDP_LEN) : Protocol.DEFAULT_TCP_LEN);
        }
        Run run = null;
        while (true) {
            int state = control.readState(run == null ? STEP : Duration.ofSeconds(p.omit() + p.duration() + 30L));
            switch (state) {
                case Protocol.PARAM_EXCHANGE -> control.writeJson(p.toJson(BenchVersion.protocolVersion()));
                case Protocol.CREATE_STREAMS -> {
                    createStreams(p);
                    report.test(p, cookie, mss, streams.isEmpty() ? 0 : streams.getFirst().link.sendBuffer(),
                            streams.isEmpty() ? 0 : streams.getFirst().link.receiveBuffer());
                    report.reverseNote(host);
                    for (Stream s : streams) report.connected(s);
                }
                case Protocol.TEST_START -> run = new Run(p, true, streams, report, control, interval);
                case Protocol.TEST_RUNNING -> {
                    if (run == null) throw new BenchException("the server started the test out of order");
                    runTest(run);
                }
                case Protocol.EXCHANGE_RESULTS -> {
                    if (run == null) throw new BenchException("the server asked for results before a test");
                    control.writeJson(run.results());
                    run.takePeerResults(control.readJson(STEP));
                }
                case Protocol.DISPLAY_RESULTS -> {
                    if (run == null) throw new BenchException("the server sent results before a test");
                    report.summary(streams, run);
                    control.writeState(Protocol.IPERF_DONE);
                    return;
                }
                case Protocol.ACCESS_DENIED -> throw new BenchException("the server is busy running a test. try again later");
                case Protocol.SERVER_ERROR -> {
                    int code = control.readInt(STEP);
                    int errno = control.readInt(STEP);
                    throw new BenchException("the server reported an error (iperf3 error " + code
                            + (errno != 0 ? ", errno " + errno : "") + ")"
                            + (p.rudp() && run == null ? "; rudp streams need a server started as 'jsock bench -s --rudp'" : ""));
                }
                case Protocol.SERVER_TERMINATE -> throw new BenchException("the server has terminated");
                default -> throw new BenchException("the server sent an unknown state " + state);
            }
        }
    }

    /** Runs the counted seconds, then stops the senders and sends TEST_END. */
    private void runTest(Run run) throws IOException {
        run.start();
        long limit = params.bytes();
        int state = run.runUntil(run.deadline(), () -> {
            if (!budget.limited()) return false;
            // Forward: the senders spent the budget. Reverse: what arrived reached it.
            return budget.spent() || (limit > 0 && run.receivedBytes() >= limit);
        });
        if (state != Control.NONE) {
            run.closeStreams();
            if (state == Protocol.SERVER_TERMINATE) throw new BenchException("the server has terminated");
            if (state == Protocol.SERVER_ERROR) throw new BenchException("the server reported an error");
            throw new BenchException("the server sent " + Protocol.name(state) + " during the test");
        }
        // Senders finish their current write while the server still reads, so every byte counted was sent.
        for (Stream s : streams) s.stop();
        try {
            for (Stream s : streams) {
                if (s.sender && !s.join(2000)) s.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
        IOException failed = run.failure();
        run.finish();
        control.writeState(Protocol.TEST_END);
        if (failed != null) debugNote("a stream failed: " + failed.getMessage());
    }

    private void createStreams(Params p) throws IOException {
        RudpConfig rudp = p.rudp() ? RudpLink.config(p, STEP) : null;
        for (int n = 0; n < p.streamCount(); n++) {
            int id = Protocol.streamId(n);
            boolean sends = p.clientSends(n);
            Link link = p.rudp() ? rudpStream(id, rudp) : SocketLink.open(p.udp() ? udpStream() : tcpStream(), p, sends);
            streams.add(new Stream(id, link, sends, p, budget));
        }
    }

    /** An rudp stream: connect to the server's UDP port, then the cookie, as on a TCP stream. */
    private Link rudpStream(int id, RudpConfig config) throws IOException {
        RudpSocket s;
        try {
            s = RudpSocket.connect(server, config);
        } catch (RudpException e) {
            // A refusal is the usual case: the server is a stock iperf3, which listens for TCP streams only.
            // The message is whole (its own names the call and the address), so it carries no cause to repeat.
            String why = e.getMessage().replaceFirst("^connect: ", "");
            String hint = e.kind() == RudpException.Kind.REFUSED || e.kind() == RudpException.Kind.HANDSHAKE_TIMEOUT
                    ? " (rudp streams need 'jsock bench -s --rudp' there)" : "";
            throw new BenchException("unable to connect rudp stream: " + why + hint);
        } catch (IOException e) {
            throw new BenchException("unable to connect rudp stream to " + server, e);
        }
        try {
            s.sendAll(cookie, 0, cookie.length);
            return new RudpLink(s, id, config, null);
        } catch (IOException | RuntimeException e) {
            s.abort("the stream could not be set up");
            throw new BenchException("unable to set up rudp stream to " + server, e);
        }
    }

    private Socket tcpStream() throws IOException {
        Socket s = Socket.open(server.family(), SockType.STREAM);
        try {
            s.connect(server, STEP);
            s.sendAll(cookie, 0, cookie.length);
            return s;
        } catch (IOException e) {
            s.close();
            throw new BenchException("unable to connect stream to " + server, e);
        }
    }

    /** A UDP stream: connect, send the hello, and wait for the server's answer. */
    private Socket udpStream() throws IOException {
        Socket s = Socket.open(server.family(), SockType.DGRAM);
        try {
            s.connect(server);
            s.send(Protocol.UDP_HELLO);
            long deadline = System.nanoTime() + STEP.toNanos();
            ByteBuffer b = ByteBuffer.allocate(64);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !s.await(Sys.POLLIN, Duration.ofNanos(left))) {
                    throw new BenchException("no answer from the server to the UDP stream's hello");
                }
                b.clear();
                int n = s.recv(b);
                if (n == Protocol.UDP_REPLY.length && Arrays.equals(Arrays.copyOf(b.array(), n), Protocol.UDP_REPLY)) return s;
            }
        } catch (IOException e) {
            s.close();
            if (e instanceof BenchException) throw e;
            throw new BenchException("unable to open UDP stream to " + server, e);
        }
    }

    /** The control connection's MSS (iperf3's tcp_mss_default), or 0. */
    private static int mss(Socket ctrl) {
        try {
            return ctrl.getIntOption(Sys.IPPROTO_TCP, Sys.TCP_MAXSEG);
        } catch (IOException e) {
            return 0;
        }
    }

    private void debugNote(String what) {
        if (debug != null) debug.println("jsock: bench: " + what);
    }
}
