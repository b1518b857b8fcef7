package org.jsock.server;

import org.jsock.net.SockAddr;
import org.jsock.server.internal.BlockingEngine;
import org.jsock.server.internal.Engine;
import org.jsock.server.internal.LoopEngine;
import org.jsock.server.internal.ServerContext;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A server on one of the five {@link Model}s, serving each connection with a fresh {@link Handler}.
 * <pre>{@code
 * try (Server s = Server.start(ServerConfig.on(SockAddr.Inet4.any(7)).withModel(Model.LOOP), Services::echo)) {
 *     s.awaitShutdownSignal();
 * }
 * }</pre>
 * {@link #close} is a graceful shutdown: stop accepting, let queued writes drain for the configured
 * time, then close what is left.
 */
public final class Server implements AutoCloseable {
    private final ServerContext ctx;
    private final Engine engine;
    private volatile boolean closed;

    private Server(ServerContext ctx, Engine engine) {
        this.ctx = ctx;
        this.engine = engine;
    }

    public static Server start(ServerConfig config, Supplier<Handler> handlers) throws IOException {
        ServerContext ctx = new ServerContext(config, handlers);
        Engine e = switch (config.model()) {
            case ITERATIVE, THREADS, VIRTUAL -> new BlockingEngine(ctx, config.model());
            case LOOP -> new LoopEngine(ctx, 1);
            case LOOPS -> new LoopEngine(ctx, config.threads());
        };
        return new Server(ctx, e);
    }

    /** Where it listens (with the real port when port 0 was asked for). */
    public SockAddr address() { return engine.address(); }

    public Model model() { return ctx.config.model(); }

    /** Connections open now. */
    public int openConnections() { return ctx.open.get(); }

    /** Counters since start. */
    public record Stats(long accepted, long rejected, long timedOut, long handlerErrors, int open) {}

    public Stats stats() {
        return new Stats(ctx.accepted.sum(), ctx.rejected.sum(), ctx.timedOut.sum(), ctx.handlerErrors.sum(), ctx.open.get());
    }

    /** Graceful shutdown with the given drain time. Idempotent. */
    public void shutdown(Duration drain) throws InterruptedException {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        engine.shutdown(drain);
    }

    @Override
    public void close() {
        try {
            shutdown(ctx.config.drainTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until SIGINT or SIGTERM, then shuts down gracefully. */
    public void awaitShutdownSignal() throws InterruptedException {
        java.util.concurrent.CountDownLatch signal = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            signal.countDown();
            close();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        signal.await();
    }
}
