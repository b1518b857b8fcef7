package org.jsock.server;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.time.Duration;

import static org.jsock.server.Harness.MIB;
import static org.jsock.server.Harness.READ_BUFFER;
import static org.jsock.server.Harness.awaitOpen;
import static org.jsock.server.Harness.concurrent;
import static org.jsock.server.Harness.config;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that sends and never reads: the server must stop reading from it rather than queue
 * without end. Proof from both sides: the client's sends stall (its buffers fill because the server
 * stopped taking bytes), and the server's write queue never exceeds the high watermark plus one read.
 */
@ExtendWith(FdLeakCheck.class)
class BackpressureTest {
    /** Bounds the sender: more than every socket buffer on the path can hold. */
    private static final long LIMIT = 64L * MIB;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Model.class)
    void clientThatNeverReadsIsThrottledAndItsQueueStaysBounded(Model model) throws Exception {
        boolean loop = model == Model.LOOP || model == Model.LOOPS;
        Harness.Probe probe = new Harness.Probe();
        ServerConfig cfg = config(model);
        long heapBefore = loop ? usedHeap() : 0;
        try (Server s = Server.start(cfg, probe.wrap(Services::echo));
             Harness.Clients clients = new Harness.Clients()) {
            Peer hog = clients.connect(s.address());
            byte[] chunk = Harness.random(11, 64 * 1024);
            long sent = 0;
            boolean stalled = false;
            long deadline = Peer.deadline(Duration.ofSeconds(30));
            while (sent < LIMIT && System.nanoTime() - deadline < 0) {
                int n = hog.trySend(ByteBuffer.wrap(chunk));
                if (n > 0) {
                    sent += n;
                } else if (!hog.await(false, true, 1000)) {
                    stalled = true; // not writable for a whole second: nobody is reading at the other end
                    break;
                }
            }
            assertTrue(stalled, "the client's sends never stalled: " + sent + " bytes went out (" + probe + ")");
            assertTrue(sent < LIMIT, "sent " + sent);

            long maxQueued = probe.maxQueued.get();
            assertTrue(maxQueued <= cfg.highWatermark() + READ_BUFFER,
                    "queued " + maxQueued + " bytes for one client; the bound is the high watermark " + cfg.highWatermark() + " + one read " + READ_BUFFER);
            if (loop) {
                long grown = usedHeap() - heapBefore;
                assertTrue(grown < 16L * MIB, "heap grew by " + grown / 1024 + " KiB while one client was throttled");
            }

            // The throttled client costs the others nothing.
            if (concurrent(model)) {
                Peer other = clients.connect(s.address());
                other.roundTrip("still serving others\n");
                other.close();
            }
            hog.close(); // unread data: the server gets a RST
            awaitOpen(s, 0);
            assertTrue(s.stats().handlerErrors() == 0, s.stats().toString());
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 2; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
