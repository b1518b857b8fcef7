package org.jsock.server;

import org.jsock.net.Family;
import org.jsock.net.Socket;
import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.jsock.server.Harness.awaitOpen;
import static org.jsock.server.Harness.concurrent;
import static org.jsock.server.Harness.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The server at its limits: the connection cap it is given, and the fds the process runs out of. */
@ExtendWith(FdLeakCheck.class)
class LimitsTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void connectionsAboveTheLimitAreAcceptedAndClosedAtOnce(Model model) throws Exception {
        assumeTrue(concurrent(model), "ITERATIVE holds one connection at a time, so a limit of 2 is never reached");
        try (Server s = Server.start(config(model).withMaxConnections(2), Services::echo);
             Harness.Clients clients = new Harness.Clients()) {
            Peer a = clients.connect(s.address());
            Peer b = clients.connect(s.address());
            a.roundTrip("a\n");
            b.roundTrip("b\n");

            long t0 = System.nanoTime();
            Peer third = clients.connect(s.address());
            Peer.Received r = third.readToEnd(0, Duration.ofSeconds(5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNotEquals(Peer.End.TIMEOUT, r.end(), "the third client is closed");
            assertTrue(ms < 1000, "closed after " + ms + " ms");
            third.close();
            assertEquals(1, s.stats().rejected(), s.stats().toString());
            assertEquals(2, s.openConnections());

            a.roundTrip("a is still served\n");
            a.close();
            awaitOpen(s, 1);
            Peer d = clients.connect(s.address());
            d.roundTrip("a slot came free\n");
            b.roundTrip("b too\n");
            d.close();
            b.close();
            awaitOpen(s, 0);
            assertEquals(new Server.Stats(3, 1, 0, 0, 0), s.stats());
        }
    }

    /**
     * Lowers RLIMIT_NOFILE a little above the fds open now and takes every fd left (so the JVM's own
     * stray opens and closes do not matter), then connects clients (made beforehand: the client side
     * needs no new fd) until the server's accept fails with EMFILE and it sheds them. It must close
     * shed clients rather than leave them hanging, must not spin (CPU over one second), and must serve
     * again once fds are free. Inside the window nothing may open a file, class loading included: the
     * paths it runs are warmed up first, and the assertions wait until the limit is restored.
     *
     * <p>A blocking accept4(2) reserves its fd before it sleeps, so an acceptor that was already
     * waiting when the fds ran out still has one: the first client may be served normally. That is
     * why clients are connected until two are shed, not a fixed number. ITERATIVE gets that same fd
     * back after each client, so it never reaches EMFILE without a race against its own close: for
     * it the test checks only that it keeps serving, one client at a time, while the process is out
     * of fds.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void runningOutOfFdsShedsClientsWithoutSpinningAndRecovers(Model model) throws Throwable {
        try (Server s = Server.start(config(model), Services::echo);
             Harness.Clients clients = new Harness.Clients()) {
            Peer warm = clients.connect(s.address());
            warm.roundTrip("warm up\n");
            warm.shutdownOutput();
            assertEquals(Peer.End.EOF, warm.readToEnd(0, Duration.ofSeconds(5)).end());
            warm.close();
            awaitOpen(s, 0);
            // Load now what the window uses: it cannot open a class file then.
            Harness.cpuNanos();
            s.stats().rejected();
            Fillers.class.getName();
            Outcome.class.getName();

            List<Socket> spare = new ArrayList<>();
            try (Fillers fillers = new Fillers()) {
                for (int i = 0; i < 10; i++) spare.add(Socket.tcp(Family.INET));
                if (model == Model.ITERATIVE) iterativeOutOfFds(s, clients, spare, fillers);
                else runOutOfFds(model, s, clients, spare, fillers);
            } finally {
                for (Socket c : spare) c.close();
            }
        }
    }

    private enum Outcome { SERVED, SHED, NOTHING }

    /** Connects {@code c} and returns what the server did with it (bounded). */
    private static Outcome tryClient(Server s, Harness.Clients clients, Socket c, List<Peer> servedPeers, List<Peer.End> shedEnds) throws Exception {
        Server.Stats before = s.stats();
        Peer p = clients.adopt(connect(c, s));
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() - end < 0) {
            Server.Stats now = s.stats();
            if (now.rejected() > before.rejected()) {
                shedEnds.add(p.readToEnd(0, Duration.ofSeconds(3)).end());
                return Outcome.SHED;
            }
            if (now.accepted() > before.accepted()) {
                p.roundTrip("served while fds are short\n");
                servedPeers.add(p);
                return Outcome.SERVED;
            }
            Thread.sleep(5);
        }
        return Outcome.NOTHING;
    }

    private static void runOutOfFds(Model model, Server s, Harness.Clients clients, List<Socket> spare, Fillers fillers) throws Throwable {
        FdLimit.Limit old = FdLimit.get();
        int[] open = FdLimit.openFds();
        Throwable inWindow = null;
        List<Peer> servedPeers = new ArrayList<>();
        List<Peer.End> shedEnds = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        Outcome firstAfter = null;
        Outcome secondAfter = null;
        long rejected = -1;
        long cpuMs = -1;
        int taken = -1;
        FdLimit.set(new FdLimit.Limit(open[open.length - 1] + 64L, old.hard()));
        try {
            taken = fillers.takeAll();
            int next = 0;
            while (s.stats().rejected() < 2 && next < 6) {
                fillers.takeAll(); // whatever the JVM has closed meanwhile
                outcomes.add(tryClient(s, clients, spare.get(next++), servedPeers, shedEnds));
            }
            rejected = s.stats().rejected();
            long cpu0 = Harness.cpuNanos();
            Thread.sleep(1000);
            cpuMs = (Harness.cpuNanos() - cpu0) / 1_000_000;

            // fds come back (the limit is still low): clients are served again.
            fillers.close();
            firstAfter = tryClient(s, clients, spare.get(next++), servedPeers, shedEnds);
            if (firstAfter != Outcome.SERVED) secondAfter = tryClient(s, clients, spare.get(next), servedPeers, shedEnds);
        } catch (Throwable t) {
            inWindow = t;
        } finally {
            FdLimit.set(old);
            fillers.close();
        }
        String state = model + ": took " + taken + " fds; clients " + outcomes + ", after recovery " + firstAfter + (secondAfter == null ? "" : " then " + secondAfter)
                + "; shed clients ended " + shedEnds + "; " + s.stats();
        if (inWindow != null) throw new AssertionError("failed while out of fds: " + inWindow + "; " + state, inWindow);
        assertTrue(taken >= 0, state);
        assertEquals(2, rejected, "clients shed while out of fds: " + state);
        for (Peer.End e : shedEnds) assertNotEquals(Peer.End.TIMEOUT, e, "a shed client is closed, not left hanging: " + state);
        assertTrue(cpuMs < 300, "the process used " + cpuMs + " ms of CPU in one idle second while out of fds: " + state);
        assertTrue(firstAfter == Outcome.SERVED || secondAfter == Outcome.SERVED, "a client is served once fds are back: " + state);
        for (Peer p : servedPeers) {
            p.roundTrip("and the served clients still work\n");
            p.close();
        }
        awaitOpen(s, 0);
        Server.Stats st = s.stats();
        assertEquals(0, st.handlerErrors(), state);
        assertEquals(1 + outcomes.size() + 1 + (secondAfter == null ? 0 : 1), st.accepted() + st.rejected(), "every client counted once: " + state);

        // Regression (fixed): on the blocking-accept models (THREADS, VIRTUAL; ITERATIVE too, had it reached EMFILE)
        // the first client to arrive after fds come back is still shed. A blocking accept4 fails with
        // EMFILE at once, with no client pending; BlockingEngine then calls ReserveFd.shed, whose accept
        // on the blocking listener sleeps holding the spare fd, and sheds whoever connects next, however
        // much later that is and however many fds are free by then.
        Outcome first = firstAfter;
        Harness.knownBug(model == Model.THREADS || model == Model.VIRTUAL, "the first client after fds come back is shed on " + model,
                () -> assertEquals(Outcome.SERVED, first, "the first client after fds come back is served: " + state));
    }

    /** ITERATIVE (see the test's comment): with every other fd taken it still serves, one client at a time. */
    private static void iterativeOutOfFds(Server s, Harness.Clients clients, List<Socket> spare, Fillers fillers) throws Exception {
        FdLimit.Limit old = FdLimit.get();
        int[] open = FdLimit.openFds();
        Throwable inWindow = null;
        List<Outcome> outcomes = new ArrayList<>();
        List<Peer> servedPeers = new ArrayList<>();
        List<Peer.End> shedEnds = new ArrayList<>();
        long cpuMs = -1;
        FdLimit.set(new FdLimit.Limit(open[open.length - 1] + 64L, old.hard()));
        try {
            fillers.takeAll();
            for (int i = 0; i < 3; i++) {
                fillers.takeAll();
                outcomes.add(tryClient(s, clients, spare.get(i), servedPeers, shedEnds));
                for (Peer p : servedPeers) p.close();
                servedPeers.clear();
                long end = System.nanoTime() + 3_000_000_000L;
                while (s.openConnections() > 0 && System.nanoTime() - end < 0) Thread.sleep(5);
            }
            long cpu0 = Harness.cpuNanos();
            Thread.sleep(1000);
            cpuMs = (Harness.cpuNanos() - cpu0) / 1_000_000;
        } catch (Throwable t) {
            inWindow = t;
        } finally {
            FdLimit.set(old);
            fillers.close();
        }
        String state = "ITERATIVE: clients " + outcomes + "; " + s.stats();
        if (inWindow != null) throw new AssertionError("failed while out of fds: " + inWindow + "; " + state, inWindow);
        for (Outcome o : outcomes) assertNotEquals(Outcome.NOTHING, o, state);
        assertTrue(cpuMs < 300, "the process used " + cpuMs + " ms of CPU in one idle second while out of fds: " + state);
        Peer p = clients.adopt(connect(spare.get(3), s));
        p.roundTrip("served with the fds back\n");
        p.close();
        awaitOpen(s, 0);
    }

    /** fds taken so that nobody else can have them. */
    private static final class Fillers implements AutoCloseable {
        private final java.util.ArrayDeque<Integer> fds = new java.util.ArrayDeque<>();

        /** Takes every fd the limit still allows (bounded); returns how many. */
        int takeAll() {
            int n = 0;
            for (int i = 0; i < 10_000; i++) {
                try {
                    fds.push(Sys.socket(Sys.AF_UNIX, Sys.SOCK_DGRAM | Sys.SOCK_CLOEXEC, 0));
                    n++;
                } catch (ErrnoException e) {
                    break; // EMFILE: none left
                }
            }
            return n;
        }

        void give(int n) {
            for (int i = 0; i < n && !fds.isEmpty(); i++) close(fds.pop());
        }

        @Override public void close() {
            while (!fds.isEmpty()) close(fds.pop());
        }

        private static void close(int fd) {
            try {
                Sys.close(fd);
            } catch (ErrnoException ignored) {
                // ours, and open: cannot fail
            }
        }
    }

    private static Peer connect(Socket c, Server s) throws Exception {
        c.connect(s.address());
        return new Peer.JsockPeer(c);
    }
}
