package org.jsock.server;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.jsock.server.Harness.awaitOpen;
import static org.jsock.server.Harness.concurrent;
import static org.jsock.server.Harness.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idle and read timeouts: silent clients and slowloris clients are dropped, talkative ones are not. */
@ExtendWith(FdLeakCheck.class)
class TimeoutTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void idleClientIsClosedAndTalkativeClientStays(Model model) throws Exception {
        try (Server s = Server.start(config(model).withIdleTimeout(TIMEOUT), Services::echo);
             Harness.Clients clients = new Harness.Clients()) {
            // ITERATIVE holds one client at a time: the silent one first, then the talkative one.
            long t0 = System.nanoTime();
            Peer silent = clients.connect(s.address());
            Peer talker = concurrent(model) ? clients.connect(s.address()) : null;
            if (talker != null) chat(talker, Duration.ofMillis(1200), 100);
            Peer.Received r = silent.readToEnd(0, Duration.ofSeconds(5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(Peer.End.EOF, r.end(), "the silent client is closed by the server (" + r.error() + ")");
            if (talker == null) {
                assertTrue(ms >= TIMEOUT.toMillis() - 20 && ms < 3000, "closed after " + ms + " ms, timeout " + TIMEOUT.toMillis());
            } else {
                assertTrue(ms < 3000, "closed after " + ms + " ms");
            }
            silent.close();
            if (talker == null) {
                talker = clients.connect(s.address());
                chat(talker, Duration.ofMillis(1200), 100);
            }
            talker.roundTrip("still here after more than three timeouts\n");
            talker.close();
            awaitOpen(s, 0);
            assertEquals(new Server.Stats(2, 0, 1, 0, 0), s.stats(), "one timeout");
        }
    }

    /** Closed within the time bound: first EOF a little after the timeout, not long after. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void silentClientIsClosedSoonAfterTheIdleTimeout(Model model) throws Exception {
        try (Server s = Server.start(config(model).withIdleTimeout(TIMEOUT), Services::echo);
             Harness.Clients clients = new Harness.Clients()) {
            long t0 = System.nanoTime();
            Peer silent = clients.connect(s.address());
            Peer.Received r = silent.readToEnd(0, Duration.ofSeconds(5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(Peer.End.EOF, r.end(), "closed by the server (" + r.error() + ")");
            assertTrue(ms >= TIMEOUT.toMillis() - 20 && ms < TIMEOUT.toMillis() + 1000, "closed after " + ms + " ms, timeout " + TIMEOUT.toMillis());
            silent.close();
            awaitOpen(s, 0);
            assertEquals(1, s.stats().timedOut(), s.stats().toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void slowlorisIsDroppedByTheReadTimeout(Model model) throws Exception {
        try (Server s = Server.start(config(model).withReadTimeout(TIMEOUT), Services::echo);
             Harness.Clients clients = new Harness.Clients()) {
            Peer loris = clients.connect(s.address());
            long t0 = System.nanoTime();
            Peer.End end = Peer.End.TIMEOUT;
            // One byte every 500 ms against a 300 ms read timeout; bounded to 10 bytes.
            for (int i = 0; i < 10 && end == Peer.End.TIMEOUT; i++) {
                try {
                    loris.sendAll(new byte[] {'x'});
                } catch (java.io.IOException e) {
                    end = Peer.End.RESET; // the server has closed, and said so with a RST
                    break;
                }
                Peer.Received r = loris.readToEnd(10, Duration.ofMillis(500));
                end = r.end();
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNotEquals(Peer.End.TIMEOUT, end, "the slowloris client was never dropped");
            assertTrue(ms < 2500, "dropped after " + ms + " ms");
            loris.close();
            awaitOpen(s, 0);
            assertEquals(1, s.stats().timedOut(), s.stats().toString());

            // A client that sends often enough stays.
            Peer ok = clients.connect(s.address());
            chat(ok, Duration.ofMillis(1000), 100);
            ok.close();
            awaitOpen(s, 0);
            assertEquals(new Server.Stats(2, 0, 1, 0, 0), s.stats());
        }
    }

    /** A round trip every {@code everyMs} for {@code d}. */
    private static void chat(Peer p, Duration d, long everyMs) throws Exception {
        long end = System.nanoTime() + d.toNanos();
        int i = 0;
        while (System.nanoTime() - end < 0) {
            p.roundTrip("tick " + i++ + "\n");
            Harness.sleep(everyMs);
        }
    }
}
