package org.jsock.examples;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.jsock.examples.Programs.c;
import static org.jsock.examples.Programs.java;
import static org.jsock.examples.Programs.program;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each Java program, on both levels, against its C original: each one run as a process, its stdout
 * (and on failure its stderr and exit status) compared byte for byte with what the C program prints
 * in the same role. Servers and clients are run against the other language in both directions.
 */
@ExtendWith(FdLeakCheck.class)
class AgainstCTest {

    static Stream<Arguments> pairsAndLevels() {
        return Arrays.stream(Pairs.values()).flatMap(p -> Stream.of(Arguments.of(p, "sys"), Arguments.of(p, "net")));
    }

    /** One run of a server and its client, on a port free for that run. */
    record Outputs(int port, Proc.Result server, Proc.Result client) {
        String serverOut() { return Pairs.mask(server.out(), port); }
        String clientOut() { return Pairs.mask(client.out(), port); }
    }

    /** Starts the server, waits for its "listening" line, runs the client to its end, then the server. */
    static Outputs run(Pairs pair, String serverImpl, String clientImpl) throws Exception {
        int port = pair.udp ? Programs.freeUdpPort() : Programs.freeTcpPort();
        try (Proc server = program(serverImpl, pair.server, pair.serverArgs(port)).start()) {
            server.awaitLine("listening");
            Proc.Result client = program(clientImpl, pair.client, pair.clientArgs(port)).run();
            return new Outputs(port, server.finish(), client);
        }
    }

    /** Both ended well and printed nothing to stderr. */
    static void assertClean(Outputs o) {
        assertAll(
                () -> assertEquals(0, o.server.exit(), () -> "server failed:\n" + o.server),
                () -> assertEquals("", o.server.err(), () -> "server stderr:\n" + o.server),
                () -> assertEquals(0, o.client.exit(), () -> "client failed:\n" + o.client),
                () -> assertEquals("", o.client.err(), () -> "client stderr:\n" + o.client));
    }

    /** The C pair prints what the seeds say it prints: the reference the Java runs are held to. */
    static Outputs reference(Pairs pair) throws Exception {
        Outputs ref = run(pair, "c", "c");
        assertClean(ref);
        assertEquals(pair.serverOut, ref.serverOut(), "C " + pair.server + " (reference run)");
        assertEquals(pair.clientOut, ref.clientOut(), "C " + pair.client + " (reference run)");
        return ref;
    }

    @ParameterizedTest(name = "{0}: Java/{1} server, C client")
    @MethodSource("pairsAndLevels")
    void javaServerWithCClientPrintsWhatTheCServerPrints(Pairs pair, String level) throws Exception {
        Outputs ref = reference(pair);
        Outputs run = run(pair, level, "c");
        assertClean(run);
        assertEquals(ref.serverOut(), run.serverOut(), "Java/" + level + " " + pair.server + " vs C " + pair.server);
        // And the C client got from the Java server exactly what it gets from the C server.
        assertEquals(ref.clientOut(), run.clientOut(), "C " + pair.client + " talking to Java/" + level + " " + pair.server);
    }

    @ParameterizedTest(name = "{0}: C server, Java/{1} client")
    @MethodSource("pairsAndLevels")
    void javaClientWithCServerPrintsWhatTheCClientPrints(Pairs pair, String level) throws Exception {
        Outputs ref = reference(pair);
        Outputs run = run(pair, "c", level);
        assertClean(run);
        assertEquals(ref.clientOut(), run.clientOut(), "Java/" + level + " " + pair.client + " vs C " + pair.client);
        assertEquals(ref.serverOut(), run.serverOut(), "C " + pair.server + " serving Java/" + level + " " + pair.client);
    }

    // ---- the client's port, exactly: the test is the client, so it knows its own port ----------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"c", "sys", "net"})
    void tcpServerNamesItsPeerExactly(String impl) throws Exception {
        int port = Programs.freeTcpPort();
        try (Proc server = program(impl, "tcp-server", port).start()) {
            server.awaitLine("listening");
            int local;
            byte[] echo = new byte[8];
            try (Socket s = Socket.connectTo(SockAddr.Inet4.loopback(port))) {
                s.set(SockOpt.SO_RCVTIMEO, Proc.TIMEOUT);
                local = ((SockAddr.Inet4) s.localAddress()).port();
                s.sendAll(Programs.ascii("echo me\n"), 0, 8);
                assertEquals(8, s.recvFully(echo, 0, 8));
            }
            Proc.Result r = server.finish();
            assertEquals("echo me\n", new String(echo, StandardCharsets.US_ASCII));
            assertEquals("Listening on port " + port + "...\nConnection from 127.0.0.1:" + local + "\n", r.out(), r::toString);
            assertEquals(0, r.exit(), r::toString);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"c", "sys", "net"})
    void udpEchoNamesItsPeerExactly(String impl) throws Exception {
        int port = Programs.freeUdpPort();
        try (Proc server = program(impl, "udp-echo", port).start()) {
            server.awaitLine("listening");
            int local;
            ByteBuffer echo = ByteBuffer.allocate(64);
            SockAddr from;
            try (Socket s = Socket.udp(Family.INET)) {
                s.set(SockOpt.SO_RCVTIMEO, Proc.TIMEOUT);
                s.bind(SockAddr.Inet4.loopback(0));
                local = ((SockAddr.Inet4) s.localAddress()).port();
                s.sendTo(ByteBuffer.wrap(Programs.ascii("echo me!")), SockAddr.Inet4.loopback(port));
                from = s.recvFrom(echo);
            }
            Proc.Result r = server.finish();
            echo.flip();
            assertEquals("echo me!", StandardCharsets.US_ASCII.decode(echo).toString());
            assertEquals(SockAddr.Inet4.loopback(port), from);
            assertEquals("UDP echo listening on port " + port + "...\nEchoed 8 bytes to 127.0.0.1:" + local + "\n", r.out(), r::toString);
            assertEquals(0, r.exit(), r::toString);
        }
    }

    // ---- failures: the same perror line, the same exit status -----------------------------------

    static Stream<Arguments> clientsAndLevels() {
        return Stream.of("hello-client", "tcp-client").flatMap(n -> Stream.of(Arguments.of(n, "sys"), Arguments.of(n, "net")));
    }

    @ParameterizedTest(name = "{0} on Java/{1}")
    @MethodSource("clientsAndLevels")
    void refusedConnectionIsReportedAsCReportsIt(String name, String level) throws Exception {
        int port = Programs.freeTcpPort(); // and nothing listens there
        Object[] args = name.equals("tcp-client") ? new Object[] {"127.0.0.1", port} : new Object[] {port};
        Proc.Result cr = c(name, args).run();
        Proc.Result jr = java(level, name, args).run();
        String expected = name.equals("tcp-client") ? "connect: Connection refused\n" : "Connection failed: Connection refused\n";
        assertEquals(expected, cr.err(), cr::toString);
        assertEquals(1, cr.exit(), cr::toString);
        assertEquals(cr.err(), jr.err(), jr::toString);
        assertEquals(cr.out(), jr.out(), jr::toString);
        assertEquals(cr.exit(), jr.exit(), jr::toString);
    }

    static Stream<Arguments> serversAndLevels() {
        return Stream.of("hello-server", "tcp-server", "udp-echo").flatMap(n -> Stream.of(Arguments.of(n, "sys"), Arguments.of(n, "net")));
    }

    @ParameterizedTest(name = "{0} on Java/{1}")
    @MethodSource("serversAndLevels")
    void portInUseIsReportedAsCReportsIt(String name, String level) throws Exception {
        boolean udp = name.equals("udp-echo");
        // Hold the port on 127.0.0.1: the servers' bind to 0.0.0.0 on the same port must fail.
        try (Socket holder = udp ? Socket.udp(Family.INET) : Socket.tcp(Family.INET)) {
            holder.bind(SockAddr.Inet4.loopback(0));
            if (!udp) holder.listen(1);
            int port = ((SockAddr.Inet4) holder.localAddress()).port();
            Proc.Result cr = c(name, port).run();
            Proc.Result jr = java(level, name, port).run();
            String expected = name.equals("hello-server") ? "Bind failed: Address already in use\n" : "bind: Address already in use\n";
            assertEquals(expected, cr.err(), cr::toString);
            assertEquals("", cr.out(), cr::toString);
            assertEquals(1, cr.exit(), cr::toString);
            assertEquals(cr.err(), jr.err(), jr::toString);
            assertEquals(cr.out(), jr.out(), jr::toString);
            assertEquals(cr.exit(), jr.exit(), jr::toString);
        }
    }

    // ---- the programs that run alone -------------------------------------------------------------

    @ParameterizedTest(name = "Java/{0}")
    @ValueSource(strings = {"sys", "net"})
    void createSocketPrintsWhatCPrintsButItsFds(String level) throws Exception {
        Proc.Result cr = c("create-socket").run();
        Proc.Result jr = java(level, "create-socket").run();
        // The fd numbers cannot match: a C process starts with 0-2 open and gets 3 and 4, while the
        // JVM holds fds of its own (jars, epoll, pipes), so its sockets get higher numbers. The
        // digits after "fd = " are masked; every other byte is compared.
        assertEquals("TCP socket fd = 3\nUDP socket fd = 4\n", cr.out(), cr::toString);
        assertTrue(jr.out().matches("TCP socket fd = (\\d+)\nUDP socket fd = (\\d+)\n"), jr::toString);
        assertEquals(maskFds(cr.out()), maskFds(jr.out()), jr::toString);
        assertEquals(cr.err(), jr.err(), jr::toString);
        assertEquals(0, jr.exit(), jr::toString);
    }

    private static String maskFds(String s) {
        return s.replaceAll("fd = \\d+", "fd = N");
    }

    @ParameterizedTest(name = "Java/{0}")
    @ValueSource(strings = {"sys", "net"})
    void addrConvertPrintsWhatCPrints(String level) throws Exception {
        Proc.Result cr = c("addr-convert").run();
        Proc.Result jr = java(level, "addr-convert").run();
        assertEquals("Address: 127.0.0.1 Port: 8080\nIPv6 Address: ::1 Port: 9090\n", cr.out(), cr::toString);
        assertSameRun(cr, jr);
    }

    @ParameterizedTest(name = "Java/{0}")
    @ValueSource(strings = {"sys", "net"})
    void resolveLocalhostPrintsWhatCPrints(String level) throws Exception {
        Proc.Result cr = c("resolve", "localhost").run();
        Proc.Result jr = java(level, "resolve", "localhost").run();
        // /etc/hosts decides which addresses and in what order; C and Java ask the same libc.
        assertTrue(cr.out().contains(" IPv4: 127.0.0.1\n"), cr::toString);
        assertSameRun(cr, jr);
    }

    @ParameterizedTest(name = "Java/{0}")
    @ValueSource(strings = {"sys", "net"})
    void resolveUnknownHostFailsAsCFails(String level) throws Exception {
        // Not "no-such-host.invalid": glibc sends a DNS query for that name to the nameserver in
        // /etc/resolv.conf, and these tests never leave loopback. A name with a space fails glibc's
        // host name check first, with the same EAI_NONAME and no packet sent.
        String host = "no such host.invalid";
        Proc.Result cr = c("resolve", host).run();
        Proc.Result jr = java(level, "resolve", host).run();
        assertEquals("getaddrinfo: Name or service not known\n", cr.err(), cr::toString);
        assertEquals(1, cr.exit(), cr::toString);
        assertSameRun(cr, jr);
    }

    @ParameterizedTest(name = "Java/{0}")
    @ValueSource(strings = {"sys", "net"})
    void wrongArgumentCountGivesTheUsageLine(String level) throws Exception {
        Proc.Result cr = c("resolve").run();
        Proc.Result jr = java(level, "resolve").run();
        assertEquals("usage: resolve hostname\n", cr.err(), cr::toString);
        assertEquals(1, cr.exit(), cr::toString);
        assertSameRun(cr, jr);

        cr = c("tcp-client", "127.0.0.1").run();
        jr = java(level, "tcp-client", "127.0.0.1").run();
        assertEquals("usage: tcp-client host port\n", cr.err(), cr::toString);
        assertSameRun(cr, jr);
    }

    /** Same stdout, same stderr, same exit status, byte for byte. */
    private static void assertSameRun(Proc.Result c, Proc.Result j) {
        assertAll(
                () -> assertEquals(c.out(), j.out(), () -> "stdout differs\n" + c + "\n" + j),
                () -> assertEquals(c.err(), j.err(), () -> "stderr differs\n" + c + "\n" + j),
                () -> assertEquals(c.exit(), j.exit(), () -> "exit status differs\n" + c + "\n" + j));
    }
}
