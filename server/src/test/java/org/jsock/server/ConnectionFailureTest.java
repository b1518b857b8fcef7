package org.jsock.server;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.jsock.server.Harness.MIB;
import static org.jsock.server.Harness.awaitOpen;
import static org.jsock.server.Harness.concurrent;
import static org.jsock.server.Harness.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One connection fails (a RST from its client, an exception in its handler); the others do not notice. */
@ExtendWith(FdLeakCheck.class)
class ConnectionFailureTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void resetMidStreamDropsOnlyThatConnection(Model model) throws Exception {
        Harness.Probe probe = new Harness.Probe();
        try (Server s = Server.start(config(model), probe.wrap(Services::echo));
             Harness.Clients clients = new Harness.Clients()) {
            Peer other = null;
            if (concurrent(model)) {
                other = clients.connect(s.address());
                other.roundTrip("before the reset\n");
            }
            // The victim sends without reading until its buffers are full: the server is mid-echo,
            // with bytes in both directions, when the RST arrives.
            Peer victim = clients.connect(s.address());
            byte[] chunk = Harness.random(7, 64 * 1024);
            long sent = 0;
            long deadline = Peer.deadline(Duration.ofSeconds(10));
            while (sent < 64L * MIB && System.nanoTime() - deadline < 0) {
                int n = victim.trySend(ByteBuffer.wrap(chunk));
                if (n > 0) {
                    sent += n;
                } else if (!victim.await(false, true, 300)) {
                    break; // full: the server has stopped taking more
                }
            }
            Harness.await("the server to read from the victim", Duration.ofSeconds(5), () -> probe.bytesIn.get() > 0, probe::toString);
            victim.reset();
            awaitOpen(s, concurrent(model) ? 1 : 0);

            if (other != null) other.roundTrip("after the reset\n");
            Peer next = clients.connect(s.address());
            next.roundTrip("a new client after the reset\n");
            next.close();
            if (other != null) other.close();
            awaitOpen(s, 0);
            int n = concurrent(model) ? 3 : 2;
            assertEquals(new Server.Stats(n, 0, 0, 0, 0), s.stats(), "stats after one reset among " + n + " connections");
            assertEquals(n, probe.closes.get(), "onClose calls");
        }
    }

    /** Echo that throws on a line containing "boom". */
    private static Handler explosive() {
        return (c, in) -> {
            String text = StandardCharsets.ISO_8859_1.decode(in.duplicate()).toString();
            if (text.contains("boom")) throw new IllegalStateException("boom requested by the client");
            c.write(in);
        };
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void handlerExceptionClosesOnlyThatConnection(Model model) throws Exception {
        Harness.Probe probe = new Harness.Probe();
        try (Server s = Server.start(config(model), probe.wrap(ConnectionFailureTest::explosive));
             Harness.Clients clients = new Harness.Clients()) {
            Peer other = null;
            if (concurrent(model)) {
                other = clients.connect(s.address());
                other.roundTrip("before\n");
            }
            Peer victim = clients.connect(s.address());
            victim.roundTrip("fine so far\n");
            victim.sendAll("boom\n");
            Peer.Received r = victim.readToEnd(0, Duration.ofSeconds(5));
            assertNotEquals(Peer.End.TIMEOUT, r.end(), "the failing connection must be closed");
            victim.close();
            awaitOpen(s, concurrent(model) ? 1 : 0);

            if (other != null) {
                other.roundTrip("after\n");
                other.close();
            }
            Peer next = clients.connect(s.address());
            next.roundTrip("a new client\n");
            next.close();
            awaitOpen(s, 0);
            int n = concurrent(model) ? 3 : 2;
            assertEquals(new Server.Stats(n, 0, 0, 1, 0), s.stats(), "one handler error among " + n + " connections");
            assertEquals(1, probe.closeCauses.size(), "causes given to onClose: " + probe.closeCauses);
            Throwable cause = probe.closeCauses.peek();
            assertInstanceOf(IllegalStateException.class, cause, "onClose gets the handler's exception");
            assertTrue(cause.getMessage().contains("boom"), cause.toString());
        }
    }

    /** An exception in onAccept is the same: that connection closes, the server goes on. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void exceptionInOnAcceptClosesOnlyThatConnection(Model model) throws Throwable {
        int[] count = {0};
        try (Server s = Server.start(config(model), () -> new Handler() {
                 @Override public void onAccept(Connection c) throws IOException {
                     synchronized (count) {
                         if (count[0]++ == 0) throw new IOException("first client refused by the handler");
                     }
                 }

                 @Override public void onRead(Connection c, ByteBuffer in) { c.write(in); }
             });
             Harness.Clients clients = new Harness.Clients()) {
            Peer first = clients.connect(s.address());
            assertNotEquals(Peer.End.TIMEOUT, first.readToEnd(0, Duration.ofSeconds(5)).end(), "the first client is closed");
            first.close();
            Peer second = clients.connect(s.address());
            second.roundTrip("served\n");
            second.close();
            awaitOpen(s, 0);
            // Regression (fixed): on ITERATIVE, THREADS and VIRTUAL an IOException thrown by the handler itself is
            // not counted in handlerErrors (nor logged as a handler failure): BlockingConnection.callback
            // rethrows every IOException as if it were a socket error from a write, though
            // Connection.write throws none. The loop models count it.
            Harness.knownBug(model == Model.ITERATIVE || model == Model.THREADS || model == Model.VIRTUAL,
                    "an IOException from onAccept is not a handler error on " + model,
                    () -> assertEquals(new Server.Stats(2, 0, 0, 1, 0), s.stats()));
        }
    }
}
