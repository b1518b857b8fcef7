package org.jsock.server.internal;

import org.jsock.server.Handler;
import org.jsock.server.ServerConfig;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** What every part of one server shares: its config, its handlers, its counters. */
public final class ServerContext {
    public final ServerConfig config;
    public final Supplier<Handler> handlers;
    /** Connections open now, across all threads and loops. */
    public final AtomicInteger open = new AtomicInteger();
    public final LongAdder accepted = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder handlerErrors = new LongAdder();
    public final LongAdder timedOut = new LongAdder();
    /** THREADS and VIRTUAL borrow a read buffer per read, so idle connections hold none. */
    public final ReadBuffers readBuffers = new ReadBuffers(Math.max(64, 4 * Runtime.getRuntime().availableProcessors()));

    public ServerContext(ServerConfig config, Supplier<Handler> handlers) {
        this.config = config;
        this.handlers = handlers;
    }

    public void log(String msg) {
        try {
            config.log().accept(msg);
        } catch (RuntimeException ignored) {
            // a broken logger must not take the server down
        }
    }

    /** Takes a connection slot, or returns false when the limit is reached. */
    public boolean admit() {
        int max = config.maxConnections();
        while (true) {
            int n = open.get();
            if (max > 0 && n >= max) return false;
            if (open.compareAndSet(n, n + 1)) return true;
        }
    }

    public void release() {
        open.decrementAndGet();
    }
}
