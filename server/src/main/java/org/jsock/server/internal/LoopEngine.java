package org.jsock.server.internal;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;

import java.io.IOException;
import java.time.Duration;

/**
 * LOOP and LOOPS: N event loops. With SO_REUSEPORT each loop has its own listener and the kernel
 * spreads connections; otherwise loop 0 accepts and hands connections to the loops in turn.
 */
public final class LoopEngine implements Engine {
    private final EventLoop[] loops;
    private final SockAddr address;

    public LoopEngine(ServerContext ctx, int n) throws IOException {
        loops = new EventLoop[n];
        SockAddr addr = ctx.config.bind();
        boolean reusePort = n > 1 && ctx.config.reusePort();
        try {
            for (int i = 0; i < n; i++) loops[i] = new EventLoop(ctx);
            Socket first = Listeners.open(addr, ctx.config.backlog(), reusePort);
            address = Listeners.withPort(addr, first);
            if (reusePort) {
                loops[0].listen(first, new EventLoop[] {loops[0]});
                for (int i = 1; i < n; i++) {
                    loops[i].listen(Listeners.open(address, ctx.config.backlog(), true), new EventLoop[] {loops[i]});
                }
            } else {
                loops[0].listen(first, loops);
            }
        } catch (IOException | RuntimeException e) {
            for (EventLoop l : loops) if (l != null) l.forceClose();
            for (EventLoop l : loops) if (l != null) l.run(); // runs its cleanup: closes listeners and poller
            throw e;
        }
        for (int i = 0; i < n; i++) loops[i].start("jsock-loop-" + i);
    }

    @Override public SockAddr address() { return address; }

    @Override
    public void shutdown(Duration drain) throws InterruptedException {
        for (EventLoop l : loops) l.shutdown();
        long end = System.nanoTime() + drain.toNanos();
        for (EventLoop l : loops) {
            long left = Math.max(0, (end - System.nanoTime()) / 1_000_000);
            if (!l.await(left)) l.forceClose();
        }
        for (EventLoop l : loops) l.await(5000);
    }
}
