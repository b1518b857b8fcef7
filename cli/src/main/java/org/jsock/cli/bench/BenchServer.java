package org.jsock.cli.bench;

import org.jsock.net.Family;
import org.jsock.net.MsgFlags;
import org.jsock.net.Poller;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.SockType;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.net.Shutdown;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.RudpListener;
import org.jsock.rudp.RudpSocket;
import org.jsock.sys.Sys;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server side: one test at a time, for iperf3 clients and jsock's.
 *
 * <p>The main thread accepts on the port. The first connection while idle becomes a test's control
 * connection, served on a thread of its own ({@link Session}). While that test is creating its
 * streams, new connections that present its cookie are its TCP streams; any other connection is
 * answered with ACCESS_DENIED and closed, unread, as iperf3's server does.
 *
 * <p>A server that serves rudp ({@link #BenchServer(SockAddr, boolean, boolean, double, boolean,
 * PrintStream, PrintStream, PrintStream) rudp}) takes a client's {@code "rudp": true}: for that test
 * it listens for rudp connections on the same port number on UDP, from the parameters until every
 * stream has presented the cookie, with the congestion control and window the client asked for.
 * The UDP port is the test's alone meanwhile, as for a UDP test, so TCP and UDP tests go on as ever.
 */
public final class BenchServer {
    private static final Duration STEP = Duration.ofSeconds(10);
    /** How long a stream connection may take to present its cookie. */
    private static final Duration COOKIE_WAIT = Duration.ofSeconds(5);
    /** How long past its planned end a test may run before the server gives up on the client. */
    private static final long GRACE_NANOS = 30_000_000_000L;

    private final SockAddr bind;
    private final boolean rudp;
    private final boolean oneOff;
    private final double interval;
    private final boolean json;
    private final PrintStream out;
    private final PrintStream err;
    private final PrintStream debug;
    private Socket listener;
    /** The test in progress, or the last one; replaced only by the accepting thread. */
    private volatile Session session;
    private volatile BenchException oneOffFailure;
    /** Set by {@link #stop}: a session cut short by it is not a failure to report. */
    private volatile boolean stopping;
    private int tests;

    /**
     * @param bind   where to listen (TCP and UDP, the same port)
     * @param oneOff serve one test, then return
     * @param debug  where states and JSON are traced, or null
     */
    public BenchServer(SockAddr bind, boolean oneOff, double interval, boolean json, PrintStream out, PrintStream err,
                       PrintStream debug) {
        this(bind, false, oneOff, interval, json, out, err, debug);
    }

    /**
     * @param bind   where to listen (TCP and UDP, the same port)
     * @param rudp   also serve tests with rudp streams, on UDP at the same port
     * @param oneOff serve one test, then return
     * @param debug  where states and JSON are traced, or null
     */
    public BenchServer(SockAddr bind, boolean rudp, boolean oneOff, double interval, boolean json, PrintStream out,
                       PrintStream err, PrintStream debug) {
        this.bind = bind;
        this.rudp = rudp;
        this.oneOff = oneOff;
        this.interval = interval;
        this.json = json;
        this.out = out;
        this.err = err;
        this.debug = debug;
    }

    /** Listens; throws if the port cannot be had (EADDRINUSE...). */
    public void listen() throws IOException {
        Socket s = Socket.open(bind.family(), SockType.STREAM);
        try {
            s.set(SockOpt.SO_REUSEADDR, true);
            if (bind.family() == Family.INET6) s.set(SockOpt.IPV6_V6ONLY, false);
            s.bind(bind);
            s.listen(64);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        listener = s;
    }

    public SockAddr address() throws IOException { return listener.localAddress(); }

    /**
     * Serves until the listener is closed ({@link #stop}), or after one test with -1; a failed one-off
     * test is thrown.
     */
    public void serve() throws IOException {
        banner();
        while (true) {
            Socket c;
            try {
                c = listener.accept();
            } catch (SocketClosedException e) {
                break;
            }
            Session s = session;
            if (s == null || s.finished) {
                if (oneOff && s != null) {
                    deny(c);
                    continue;
                }
                session = new Session(c, ++tests);
                session.thread = Thread.ofPlatform().name("bench-test-" + tests).start(session::serve);
            } else if (s.wantsStreams) {
                s.offer(c);
            } else {
                deny(c);
            }
        }
        Session s = session;
        if (s != null && s.thread != null) {
            try {
                s.thread.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (oneOffFailure != null) throw oneOffFailure;
    }

    /** Stops serving (SIGINT): a client mid-test is told SERVER_TERMINATE. Safe from any thread. */
    public void stop() {
        stopping = true;
        Session s = session;
        if (s != null && !s.finished) s.terminate();
        if (listener != null) listener.close();
    }

    private void banner() {
        if (json) return;
        out.println("-----------------------------------------------------------");
        out.println("Server listening on " + Report.port(bind) + " (test #" + (tests + 1) + (rudp ? ", rudp streams too" : "") + ")");
        out.println("-----------------------------------------------------------");
        out.flush();
    }

    /** ACCESS_DENIED, then close: without reading, so a stalled peer cannot hold up the test. */
    private static void deny(Socket c) {
        try {
            c.send(new byte[] {Protocol.ACCESS_DENIED}, 0, 1, MsgFlags.DONTWAIT);
            c.shutdown(Shutdown.WRITE);
            // Drop what already arrived (the cookie), so the close sends FIN rather than RST.
            ByteBuffer b = ByteBuffer.allocate(64);
            while (c.recv(b, MsgFlags.DONTWAIT) > 0) b.clear();
        } catch (IOException ignored) {
            // the peer is gone already
        } finally {
            c.close();
        }
    }

    /** One test, from the control connection's cookie to IPERF_DONE. */
    private final class Session {
        final Socket ctrl;
        final int number;
        final Control control;
        final byte[] cookie = new byte[Protocol.COOKIE_SIZE];
        final LinkedBlockingQueue<Socket> arrived = new LinkedBlockingQueue<>();
        final List<Stream> streams = new ArrayList<>();
        Thread thread;
        /** True while the test's TCP streams may connect. */
        volatile boolean wantsStreams;
        /** Once true, always true: the accepting thread may start another test. */
        volatile boolean finished;
        private Socket udp;
        /** While an rudp test's streams connect: the rudp listener on the test's UDP port. */
        private RudpListener rudpListener;

        Session(Socket ctrl, int number) {
            this.ctrl = ctrl;
            this.number = number;
            this.control = new Control(ctrl, "client", debug);
        }

        void serve() {
            Report report = new Report(out, json, false);
            try {
                test(report);
                report.done(null);
            } catch (IOException e) {
                String msg = BenchException.describe(e);
                report.done(msg);
                if (!stopping) {
                    err.println("jsock: bench: " + msg);
                    err.flush();
                    if (oneOff) oneOffFailure = e instanceof BenchException b ? b : new BenchException(msg, e);
                }
            } finally {
                wantsStreams = false;
                for (Stream s : streams) s.close();
                for (Socket s; (s = arrived.poll()) != null; ) s.close();
                if (udp != null) udp.close();
                if (rudpListener != null) rudpListener.close();
                control.close();
                finished = true;
                if (oneOff) listener.close();
                else if (!stopping) banner();
            }
        }

        void terminate() {
            try {
                control.writeState(Protocol.SERVER_TERMINATE);
            } catch (IOException ignored) {
                // the client is gone
            }
            control.close();
        }

        /** From the accepting thread: a connection that may be one of this test's streams. */
        void offer(Socket c) {
            byte[] got = new byte[Protocol.COOKIE_SIZE];
            try {
                long deadline = System.nanoTime() + COOKIE_WAIT.toNanos();
                new Control(c, "stream", null).readFully(ByteBuffer.wrap(got), deadline);
            } catch (IOException e) {
                c.close();
                return;
            }
            if (wantsStreams && Arrays.equals(got, cookie)) arrived.add(c);
            else deny(c);
        }

        private void test(Report report) throws IOException {
            // States are single bytes sent back to back (TEST_START, TEST_RUNNING): with Nagle, the second
            // would wait for the first one's delayed ACK, and the client would start reading late.
            ctrl.set(SockOpt.TCP_NODELAY, true);
            control.readFully(ByteBuffer.wrap(cookie), System.nanoTime() + STEP.toNanos());
            report.accepted(ctrl.peerAddress());
            control.writeState(Protocol.PARAM_EXCHANGE);
            Params p;
            try {
                p = Params.fromJson(control.readJson(STEP));
            } catch (BenchException e) {
                refuse(e.getMessage());
                throw e;
            }
            Stream.Budget budget = new Stream.Budget(p.bytes(), p.blocks());
            report.test(p, cookie, 0, 0, 0);
            RudpConfig rudpConfig = p.rudp() ? rudpListen(p) : null;
            if (p.udp()) udp = udpSocket();
            wantsStreams = !p.udp() && !p.rudp();
            control.writeState(Protocol.CREATE_STREAMS);
            long deadline = System.nanoTime() + STEP.toNanos();
            for (int n = 0; n < p.streamCount(); n++) {
                int id = Protocol.streamId(n);
                boolean sends = !p.clientSends(n);
                Link link = p.rudp() ? rudpStream(id, rudpConfig, deadline)
                        : SocketLink.open(p.udp() ? udpStream(deadline, n + 1 < p.streamCount()) : tcpStream(deadline), p, sends);
                streams.add(new Stream(id, link, sends, p, budget));
            }
            wantsStreams = false;
            if (rudpListener != null) {
                // Every stream is in: the port is free again (the streams keep their connections).
                rudpListener.close();
                rudpListener = null;
            }
            for (Stream s : streams) report.connected(s);
            Run run = new Run(p, false, streams, report, control, interval);
            control.writeState(Protocol.TEST_START);
            control.writeState(Protocol.TEST_RUNNING);
            run.start();
            long end = run.deadline() == Long.MAX_VALUE ? System.nanoTime() + 3600 * 1_000_000_000L : run.deadline() + GRACE_NANOS;
            int state = run.runUntil(end, () -> false);
            switch (state) {
                case Protocol.TEST_END -> {
                    for (Stream s : streams) s.stop();
                    run.finish();
                    run.closeStreams();
                    control.writeState(Protocol.EXCHANGE_RESULTS);
                    run.takePeerResults(control.readJson(STEP));
                    control.writeJson(run.results());
                    // Printed first: once the client has DISPLAY_RESULTS it may be gone, and this server with it.
                    report.summary(streams, run);
                    control.writeState(Protocol.DISPLAY_RESULTS);
                    // IPERF_DONE, or the client simply closing, ends it; either is fine.
                    try {
                        control.readState(STEP);
                    } catch (BenchException ignored) {
                        // closed without IPERF_DONE
                    }
                }
                case Protocol.CLIENT_TERMINATE -> throw new BenchException("the client has terminated");
                case Control.NONE -> throw new BenchException("the client did not end the test in time");
                default -> throw new BenchException("the client sent " + Protocol.name(state) + " during the test");
            }
        }

        /** SERVER_ERROR with iperf3's "not implemented" error, which iperf3's client prints. */
        private void refuse(String why) {
            try {
                control.writeState(Protocol.SERVER_ERROR);
                ByteBuffer b = ByteBuffer.allocate(8).putInt(13).putInt(0).flip();
                ctrl.sendAll(b);
            } catch (IOException ignored) {
                // the client is gone
            }
        }

        /**
         * Listens for the test's rudp streams, or refuses the test (SERVER_ERROR) when this server
         * serves no rudp or cannot have the port. Returns the configuration the streams run with.
         */
        private RudpConfig rudpListen(Params p) throws IOException {
            if (!rudp) {
                String why = "the client asked for rudp streams, which this server serves only when started with --rudp";
                refuse(why);
                throw new BenchException(why);
            }
            RudpConfig config;
            try {
                config = RudpLink.config(p, STEP);
            } catch (IllegalArgumentException e) {
                refuse(e.getMessage());
                throw new BenchException("the client asked for rudp streams this server cannot run: " + e.getMessage());
            }
            try {
                rudpListener = RudpSocket.listen(listener.localAddress(), config);
            } catch (IOException e) {
                refuse(e.getMessage());
                throw new BenchException("cannot listen for rudp streams on UDP " + listener.localAddress(), e);
            }
            return config;
        }

        /**
         * The next rudp connection that presents this test's cookie. Any other (a stray client) is
         * aborted, and the wait goes on until the deadline.
         */
        private Link rudpStream(int id, RudpConfig config, long deadline) throws IOException {
            while (true) {
                long left = deadline - System.nanoTime();
                RudpSocket s = left > 0 ? rudpListener.accept(Duration.ofNanos(left)) : null;
                if (s == null) throw new BenchException("the client's rudp streams did not connect in time");
                // Its control connection's local address: the one the client reached, at the same port.
                if (Arrays.equals(readCookie(s, deadline), cookie)) return new RudpLink(s, id, config, ctrl.localAddress());
                s.abort("not a stream of the test in progress");
            }
        }

        /** The first bytes of an rudp stream, or fewer if it ends, fails or stalls past the deadline. */
        private static byte[] readCookie(RudpSocket s, long deadline) {
            ByteBuffer b = ByteBuffer.allocate(Protocol.COOKIE_SIZE);
            try {
                while (b.hasRemaining()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !s.await(Poller.IN, Duration.ofNanos(left)) || s.recv(b) == Socket.EOF) break;
                }
            } catch (IOException e) {
                // a stray peer's failure: not a stream of this test
            }
            return Arrays.copyOf(b.array(), b.position());
        }

        private Socket tcpStream(long deadline) throws IOException {
            try {
                Socket s = arrived.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (s == null) throw new BenchException("the client's streams did not connect in time");
                return s;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted");
            }
        }

        /** A UDP socket on the test's port, unconnected, ready for a stream's hello. */
        private Socket udpSocket() throws IOException {
            Socket u = Socket.open(bind.family(), SockType.DGRAM);
            try {
                // Every stream's socket shares the port: connected ones get their sender's datagrams.
                u.set(SockOpt.SO_REUSEADDR, true);
                if (bind.family() == Family.INET6) u.set(SockOpt.IPV6_V6ONLY, false);
                u.bind(listener.localAddress());
                return u;
            } catch (IOException | RuntimeException e) {
                u.close();
                throw e;
            }
        }

        /**
         * Waits for a stream's hello on the unconnected socket, connects it to the sender and
         * answers; a fresh socket takes its place for the next stream.
         */
        private Socket udpStream(long deadline, boolean more) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(65536);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !udp.await(Sys.POLLIN, Duration.ofNanos(left))) {
                    throw new BenchException("the client's UDP streams did not say hello in time");
                }
                b.clear();
                SockAddr from = udp.recvFrom(b);
                if (from == null) continue;
                Socket s = udp;
                udp = null;
                try {
                    s.connect(from);
                    // The next socket first: the client sends its next hello as soon as it has the reply,
                    // and with only connected sockets on the port that hello would meet ECONNREFUSED.
                    if (more) udp = udpSocket();
                    s.send(Protocol.UDP_REPLY);
                } catch (IOException | RuntimeException e) {
                    s.close();
                    throw e;
                }
                return s;
            }
        }
    }
}
