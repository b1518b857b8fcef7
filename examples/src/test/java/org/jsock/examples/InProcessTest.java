package org.jsock.examples;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The programs inside one JVM, as {@code jsock demo} runs them: server and client on two threads. The
 * fd-leak rule holds each program to closing every socket it opened, on its failure paths too.
 */
@ExtendWith(FdLeakCheck.class)
class InProcessTest {

    @Test
    void everyCProgramHasAnEntryAndEveryEntryItsCProgram() throws Exception {
        Set<String> cFiles = new HashSet<>();
        for (Path p : Programs.cSources()) cFiles.add(p.getFileName().toString());
        Set<String> named = new HashSet<>();
        for (Examples.Entry e : Examples.all()) {
            assertTrue(named.add(e.cFile()), e.cFile() + " is named by two entries");
            assertTrue(Files.isRegularFile(Programs.C_SOURCES.resolve(e.cFile())), e.name() + ": no examples/c/" + e.cFile());
            assertTrue(e.usage().equals(e.name()) || e.usage().startsWith(e.name() + " "), e.name() + ": usage " + e.usage());
            assertNotNull(e.sys(), e.name());
            assertNotNull(e.net(), e.name());
            assertEquals(e, Examples.get(e.name()));
        }
        assertEquals(cFiles, named);
        assertEquals(List.of("create-socket", "addr-convert", "resolve", "hello-server", "hello-client",
                "tcp-server", "tcp-client", "udp-echo", "udp-ping"), List.copyOf(Examples.names()));
    }

    static Stream<Arguments> pairsAndLevels() {
        return Arrays.stream(Pairs.values()).flatMap(p -> Arrays.stream(Examples.Level.values()).map(l -> Arguments.of(p, l)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("pairsAndLevels")
    void serverAndClientTalkInOneJvm(Pairs pair, Examples.Level level) throws Exception {
        int port = pair.udp ? Programs.freeUdpPort() : Programs.freeTcpPort();
        Proc.Result server;
        Proc.Result client;
        try (InProcess jvm = new InProcess()) {
            InProcess.Task s = jvm.start(level, pair.server, pair.serverArgs(port));
            s.awaitLine("listening");
            client = jvm.run(level, pair.client, pair.clientArgs(port));
            server = s.finish();
        }
        Proc.Result sr = server;
        Proc.Result cr = client;
        assertAll(
                () -> assertEquals(pair.serverOut, Pairs.mask(sr.out(), port), sr::toString),
                () -> assertEquals(pair.clientOut, Pairs.mask(cr.out(), port), cr::toString),
                () -> assertEquals("", sr.err(), sr::toString),
                () -> assertEquals("", cr.err(), cr::toString),
                () -> assertEquals(0, sr.exit(), sr::toString),
                () -> assertEquals(0, cr.exit(), cr::toString));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Examples.Level.class)
    void clientsCloseTheirSocketWhenRefused(Examples.Level level) throws Exception {
        int port = Programs.freeTcpPort(); // and nothing listens there
        try (InProcess jvm = new InProcess()) {
            Proc.Result hello = jvm.run(level, "hello-client", port);
            assertEquals("Connection failed: Connection refused\n", hello.err(), hello::toString);
            assertEquals(1, hello.exit(), hello::toString);
            Proc.Result tcp = jvm.run(level, "tcp-client", "127.0.0.1", port);
            assertEquals("connect: Connection refused\n", tcp.err(), tcp::toString);
            assertEquals(1, tcp.exit(), tcp::toString);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Examples.Level.class)
    void serversCloseTheirSocketWhenThePortIsTaken(Examples.Level level) throws Exception {
        try (InProcess jvm = new InProcess();
             Socket tcp = Socket.listenOn(SockAddr.Inet4.loopback(0), 1);
             Socket udp = Socket.udp(Family.INET)) {
            udp.bind(SockAddr.Inet4.loopback(0));
            int tcpPort = ((SockAddr.Inet4) tcp.localAddress()).port();
            int udpPort = ((SockAddr.Inet4) udp.localAddress()).port();
            Proc.Result hello = jvm.run(level, "hello-server", tcpPort);
            assertEquals("Bind failed: Address already in use\n", hello.err(), hello::toString);
            Proc.Result echo = jvm.run(level, "tcp-server", tcpPort);
            assertEquals("bind: Address already in use\n", echo.err(), echo::toString);
            Proc.Result uecho = jvm.run(level, "udp-echo", udpPort);
            assertEquals("bind: Address already in use\n", uecho.err(), uecho::toString);
            for (Proc.Result r : List.of(hello, echo, uecho)) {
                assertEquals("", r.out(), r::toString);
                assertEquals(1, r.exit(), r::toString);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Examples.Level.class)
    void standaloneProgramsRunInProcess(Examples.Level level) throws Exception {
        try (InProcess jvm = new InProcess()) {
            Proc.Result a = jvm.run(level, "addr-convert");
            assertEquals("Address: 127.0.0.1 Port: 8080\nIPv6 Address: ::1 Port: 9090\n", a.out(), a::toString);
            Proc.Result c = jvm.run(level, "create-socket");
            assertTrue(c.out().matches("TCP socket fd = \\d+\nUDP socket fd = \\d+\n"), c::toString);
            Proc.Result r = jvm.run(level, "resolve", "localhost");
            assertTrue(r.out().contains(" IPv4: 127.0.0.1\n"), r::toString);
            Proc.Result u = jvm.run(level, "resolve");
            assertEquals("usage: resolve hostname\n", u.err(), u::toString);
            assertEquals(1, u.exit(), u::toString);
        }
    }

    @Test
    void runRefusesAnUnknownLevelOrName() {
        assertEquals(2, Run.run(new String[] {"c", "resolve", "localhost"}));
        assertEquals(2, Run.run(new String[] {"sys", "no-such-program"}));
        assertEquals(2, Run.run(new String[] {"sys"}));
    }
}
