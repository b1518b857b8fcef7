package org.jsock.server;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.jsock.server.Harness.KIB;
import static org.jsock.server.Harness.awaitOpen;
import static org.jsock.server.Harness.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classic services (RFC 862-864 and seed 000's hello) on every model. */
@ExtendWith(FdLeakCheck.class)
class ServicesTest {

    /** RFC 864: 72 printable characters and CR LF per line, each line starting one character further round the ring of 95. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void chargenSendsRfc864Lines(Model model) throws Exception {
        try (Server s = Server.start(config(model), Services.named("chargen"));
             Harness.Clients clients = new Harness.Clients()) {
            Peer p = clients.connect(s.address());
            byte[] lines = new byte[10 * 74];
            assertEquals(lines.length, p.readFully(lines));
            int first = -1;
            for (int n = 0; n < 10; n++) {
                int off = n * 74;
                assertEquals('\r', lines[off + 72], "line " + n + " ends in CR");
                assertEquals('\n', lines[off + 73], "line " + n + " ends in LF");
                if (n == 0) first = lines[0] - ' ';
                for (int j = 0; j < 72; j++) {
                    int expect = ' ' + (first + n + j) % 95;
                    assertEquals(expect, lines[off + j], "line " + n + " char " + j + ": "
                            + new String(lines, off, 72, StandardCharsets.US_ASCII));
                }
            }
            assertTrue(first >= 0 && first < 95);
            p.close(); // with unread data: the server sees a RST, and drops the connection
            awaitOpen(s, 0);
            assertEquals(0, s.stats().handlerErrors(), s.stats().toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void helloSaysHelloThenCloses(Model model) throws Exception {
        try (Server s = Server.start(config(model), Services.named("hello"));
             Harness.Clients clients = new Harness.Clients()) {
            for (int i = 0; i < 3; i++) {
                Peer p = clients.connect(s.address());
                Peer.Received r = p.readToEnd(1024, Duration.ofSeconds(5));
                assertEquals("Hello from server!\n", r.text());
                assertEquals(Peer.End.EOF, r.end(), "then EOF (" + r.error() + ")");
                p.close();
            }
            awaitOpen(s, 0);
            assertEquals(new Server.Stats(3, 0, 0, 0, 0), s.stats());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void discardSendsNothingBackThenEofAfterOurShutdown(Model model) throws Exception {
        Harness.Probe probe = new Harness.Probe();
        try (Server s = Server.start(config(model), probe.wrap(Services.named("discard")));
             Harness.Clients clients = new Harness.Clients()) {
            Peer p = clients.connect(s.address());
            byte[] data = Harness.random(3, 256 * KIB);
            p.sendAll(data);
            Harness.await("the server to read everything", Duration.ofSeconds(5), () -> probe.bytesIn.get() == data.length, probe::toString);
            Peer.Received quiet = p.readToEnd(0, Duration.ofMillis(200));
            assertEquals(Peer.End.TIMEOUT, quiet.end(), "nothing comes back, and the connection stays open");
            p.shutdownOutput();
            Peer.Received r = p.readToEnd(0, Duration.ofSeconds(5));
            assertEquals(Peer.End.EOF, r.end(), "EOF after our shutdown (" + r.error() + ")");
            assertEquals(0, r.bytes().length);
            p.close();
            awaitOpen(s, 0);
            assertEquals(new Server.Stats(1, 0, 0, 0, 0), s.stats());
        }
    }
}
