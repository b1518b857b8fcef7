package org.jsock.server;

import org.jsock.net.SockAddr;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.jsock.server.Harness.awaitOpen;
import static org.jsock.server.Harness.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What VIRTUAL promises: an idle connection is a parked virtual thread, holding no carrier. With
 * thousands idle, the carriers stay within the scheduler's parallelism, and every connection still
 * echoes afterwards (a blocking call pinning its carrier would starve all but a few).
 */
@ExtendWith(FdLeakCheck.class)
class VirtualThreadsTest {

    @Test
    void twoThousandIdleConnectionsHoldNoCarriers() throws Exception {
        idle(2_000);
    }

    /**
     * Soak only: {@code ./run-tests -pl server -Djsock.soak=true -Dtest='VirtualThreadsTest#tenThousand*'}.
     * The 10,000 clients live in a child JVM: together with the server's 10,000 they would pass a
     * hard RLIMIT_NOFILE of 20,000, which cannot always be raised (no CAP_SYS_RESOURCE).
     */
    @Test
    @EnabledIfSystemProperty(named = "jsock.soak", matches = "true")
    void tenThousandIdleConnectionsHoldNoCarriers() throws Exception {
        int n = 10_000;
        int parallelism = Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
        int platformBefore = platformThreads();
        try (Server s = Server.start(config(Model.VIRTUAL).withBacklog(4096), Services::echo)) {
            SockAddr.Inet4 at = (SockAddr.Inet4) s.address();
            try (Harness.Child client = new Harness.Child("idle", at.host(), Integer.toString(at.port()), Integer.toString(n))) {
                client.awaitLine("OPEN", Duration.ofMinutes(3));
                Harness.await(n + " connections open", Duration.ofSeconds(60), () -> s.openConnections() == n, s::stats);
                Harness.sleep(500);
                int carriers = carriers();
                int platform = platformThreads();
                assertTrue(carriers <= parallelism, carriers + " carrier threads for " + n + " idle connections; parallelism is " + parallelism);
                assertTrue(platform - platformBefore < 50, "platform threads went from " + platformBefore + " to " + platform);
                client.send("go");
                client.awaitLine("OK", Duration.ofMinutes(3));
                client.awaitSuccess(Duration.ofSeconds(30));
                assertTrue(carriers() <= parallelism, carriers() + " carrier threads after the echoes");
            }
            awaitOpen(s, 0);
            assertEquals(new Server.Stats(n, 0, 0, 0, 0), s.stats());
        }
    }

    private static void idle(int n) throws Exception {
        int parallelism = Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
        int platformBefore = platformThreads();
        try (Server s = Server.start(config(Model.VIRTUAL).withBacklog(4096), Services::echo);
             Harness.Clients clients = new Harness.Clients()) {
            List<Peer> peers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) peers.add(clients.connect(s.address()));
            Harness.await(n + " connections open", Duration.ofSeconds(60), () -> s.openConnections() == n, s::stats);
            Harness.sleep(200); // let each virtual thread reach its first park

            int carriers = carriers();
            int platform = platformThreads();
            assertTrue(carriers <= parallelism, carriers + " carrier threads for " + n + " idle connections; parallelism is " + parallelism);
            assertTrue(platform - platformBefore < 50, "platform threads went from " + platformBefore + " to " + platform + " for " + n + " connections");

            for (int i = 0; i < n; i++) peers.get(i).roundTrip("ping " + i + "\n");
            carriers = carriers();
            assertTrue(carriers <= parallelism, carriers + " carrier threads after " + n + " echoes; parallelism is " + parallelism);

            for (Peer p : peers) p.close();
            awaitOpen(s, 0);
            assertEquals(new Server.Stats(n, 0, 0, 0, 0), s.stats());
        }
    }

    /** The virtual-thread scheduler's carriers (jdk.internal.misc.CarrierThread, "ForkJoinPool-N-worker-M"). */
    private static int carriers() {
        Set<Thread> all = Thread.getAllStackTraces().keySet();
        int n = 0;
        for (Thread t : all) {
            if (t.getClass().getName().equals("jdk.internal.misc.CarrierThread") && t.isAlive()) n++;
        }
        return n;
    }

    private static int platformThreads() {
        return Thread.getAllStackTraces().size();
    }
}
