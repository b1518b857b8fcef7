package org.jsock.server;

import org.jsock.net.SockAddr;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Everything a server is told, in one immutable value. Start from {@link #on(SockAddr)} and change
 * what you need with the {@code with*} methods.
 *
 * @param threads        event loops for {@link Model#LOOPS}
 * @param maxConnections above this many open connections, new ones are accepted and closed (0: no limit)
 * @param idleTimeout    close a connection after this long with no bytes either way (zero: never)
 * @param readTimeout    close a connection after this long with no bytes received (zero: never)
 * @param highWatermark  queued bytes above which reading from that client stops
 * @param lowWatermark   queued bytes below which reading resumes
 * @param drainTimeout   how long a graceful shutdown lets queued writes drain
 * @param reusePort      {@link Model#LOOPS}: one SO_REUSEPORT listener per loop (true) or one acceptor (false)
 * @param log            where the server reports dropped clients and errors
 */
public record ServerConfig(SockAddr bind, Model model, int threads, int backlog, int maxConnections,
                           Duration idleTimeout, Duration readTimeout, int highWatermark, int lowWatermark,
                           Duration drainTimeout, boolean reusePort, Consumer<String> log) {
    public ServerConfig {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (backlog < 1) throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
        if (maxConnections < 0) throw new IllegalArgumentException("maxConnections must be >= 0, got " + maxConnections);
        if (lowWatermark < 0 || lowWatermark > highWatermark) {
            throw new IllegalArgumentException("need 0 <= lowWatermark <= highWatermark, got " + lowWatermark + " and " + highWatermark);
        }
        if (idleTimeout.isNegative() || readTimeout.isNegative() || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    /** Defaults: one event loop, backlog 1024, no limit, no timeouts, watermarks 64 KiB / 32 KiB. */
    public static ServerConfig on(SockAddr bind) {
        return new ServerConfig(bind, Model.LOOP, Runtime.getRuntime().availableProcessors(), 1024, 0,
                Duration.ZERO, Duration.ZERO, 64 * 1024, 32 * 1024, Duration.ofSeconds(5), true,
                msg -> System.err.println("jsock: " + msg));
    }

    public ServerConfig withModel(Model m) { return new ServerConfig(bind, m, threads, backlog, maxConnections, idleTimeout, readTimeout, highWatermark, lowWatermark, drainTimeout, reusePort, log); }
    public ServerConfig withThreads(int n) { return new ServerConfig(bind, model, n, backlog, maxConnections, idleTimeout, readTimeout, highWatermark, lowWatermark, drainTimeout, reusePort, log); }
    public ServerConfig withMaxConnections(int n) { return new ServerConfig(bind, model, threads, backlog, n, idleTimeout, readTimeout, highWatermark, lowWatermark, drainTimeout, reusePort, log); }
    public ServerConfig withIdleTimeout(Duration d) { return new ServerConfig(bind, model, threads, backlog, maxConnections, d, readTimeout, highWatermark, lowWatermark, drainTimeout, reusePort, log); }
    public ServerConfig withReadTimeout(Duration d) { return new ServerConfig(bind, model, threads, backlog, maxConnections, idleTimeout, d, highWatermark, lowWatermark, drainTimeout, reusePort, log); }
    public ServerConfig withWatermarks(int low, int high) { return new ServerConfig(bind, model, threads, backlog, maxConnections, idleTimeout, readTimeout, high, low, drainTimeout, reusePort, log); }
    public ServerConfig withDrainTimeout(Duration d) { return new ServerConfig(bind, model, threads, backlog, maxConnections, idleTimeout, readTimeout, highWatermark, lowWatermark, d, reusePort, log); }
    public ServerConfig withReusePort(boolean r) { return new ServerConfig(bind, model, threads, backlog, maxConnections, idleTimeout, readTimeout, highWatermark, lowWatermark, drainTimeout, r, log); }
    public ServerConfig withBacklog(int b) { return new ServerConfig(bind, model, threads, b, maxConnections, idleTimeout, readTimeout, highWatermark, lowWatermark, drainTimeout, reusePort, log); }
    public ServerConfig withLog(Consumer<String> l) { return new ServerConfig(bind, model, threads, backlog, maxConnections, idleTimeout, readTimeout, highWatermark, lowWatermark, drainTimeout, reusePort, l); }
}
