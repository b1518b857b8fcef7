package org.jsock.cli;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.SockType;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.server.Model;
import org.jsock.server.Server;
import org.jsock.server.ServerConfig;
import org.jsock.server.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Run a classic service: echo, discard, chargen or hello.",
                "",
                "Runs until interrupted (SIGINT/SIGTERM shut it down gracefully: it stops accepting and lets",
                "queued replies drain). Services: echo (RFC 862), discard (RFC 863), chargen (RFC 864), and",
                "hello (seed 000: sends \"Hello from server!\\n\" and closes).",
                "",
                "Calls: socket, setsockopt(SO_REUSEADDR), bind, listen, then accept and recv/send. How many",
                "clients it serves at once is the --model, seed 004's question:",
                "  iterative  one client at a time, as the seeds' servers are",
                "  threads    a thread per connection, blocking calls",
                "  virtual    a virtual thread per connection; would-block parks it on epoll",
                "  loop       one epoll event loop for every connection (the default)",
                "  loops      N event loops (--threads), each with its own SO_REUSEPORT listener",
                "With -u the service answers datagrams with recvfrom/sendto instead.",
                ""},
        footer = {"", "Examples:",
                "  jsock serve echo --port 7007 &   echo hi | jsock connect 127.0.0.1 7007",
                "  jsock serve chargen --port 1919 --model virtual",
                "  jsock serve echo --port 7007 --model loops --threads 2 -m 10000 --idle-timeout 30",
                "  jsock serve echo -u --port 7007",
                "  jsock serve echo --port 8443 --tls --cert cert.pem --key key.pem"})
final class ServeCommand implements Callable<Integer> {
    enum Service { echo, discard, chargen, hello }

    @Parameters(index = "0", paramLabel = "SERVICE", description = "echo, discard, chargen or hello.")
    Service service;

    @Option(names = {"-p", "--port"}, required = true, paramLabel = "PORT", description = "Port to listen on.")
    String port;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to bind (default: all, IPv4 and IPv6).")
    String host;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "loop",
            description = "iterative, threads, virtual, loop or loops (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--threads", paramLabel = "N", description = "Event loops for --model loops (default: the number of cores).")
    Integer threads;

    @Option(names = "-m", paramLabel = "MAXCONN", description = "At most this many clients at once; more are accepted and closed at once.")
    Integer maxConn;

    @Option(names = "--idle-timeout", paramLabel = "SECS", description = "Drop a client after this long with no traffic either way.")
    Double idle;

    @Option(names = "--read-timeout", paramLabel = "SECS", description = "Drop a client after this long without receiving from it (slowloris).")
    Double read;

    @Option(names = "-u", description = "UDP instead of TCP.") boolean udp;

    @picocli.CommandLine.Mixin TlsOptions tlsOptions = new TlsOptions();

    @ParentCommand Main main;

    @Override
    public Integer call() throws Exception {
        int p = Inputs.port(port);
        if (maxConn != null && maxConn < 1) throw CliException.usage("-m must be at least 1, got " + maxConn);
        if (threads != null && threads < 1) throw CliException.usage("--threads must be at least 1, got " + threads);
        Model m;
        try {
            m = Model.valueOf(model.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("unknown --model '" + model + "': iterative, threads, virtual, loop or loops");
        }
        tlsOptions.check(udp);
        SockType type = udp ? SockType.DGRAM : SockType.STREAM;
        SockAddr addr = host == null ? SockAddr.Inet6.any(p) : Inputs.resolve(host, p, null, type, "serve");
        boolean verbose = main.verbose.length > 0;
        if (udp) return serveUdp(addr, verbose);
        ServerConfig cfg = ServerConfig.on(addr).withModel(m)
                .withMaxConnections(maxConn == null ? 0 : maxConn)
                .withIdleTimeout(seconds(idle, "--idle-timeout"))
                .withReadTimeout(seconds(read, "--read-timeout"));
        if (threads != null) cfg = cfg.withThreads(threads);
        java.util.function.Supplier<org.jsock.server.Handler> handlers = Services.named(service.name());
        if (tlsOptions.tls) handlers = org.jsock.tls.TlsHandler.wrap(handlers, tlsOptions.server(), cfg.log());
        Server server;
        try {
            server = Server.start(cfg, handlers);
        } catch (IOException e) {
            throw CliException.network("serve " + service + " on " + addr, e);
        }
        System.err.println("jsock: serving " + service + (tlsOptions.tls ? " over TLS" : "") + " on " + server.address() + " (model " + m.name().toLowerCase(Locale.ROOT)
                + (m == Model.LOOPS ? ", " + cfg.threads() + " loops" : "") + ")");
        server.awaitShutdownSignal();
        return 0;
    }

    private static Duration seconds(Double s, String flag) {
        if (s == null) return Duration.ZERO;
        if (s <= 0 || s.isNaN() || s.isInfinite()) throw CliException.usage(flag + " must be a positive number of seconds");
        return Duration.ofNanos((long) (s * 1e9));
    }

    private int serveUdp(SockAddr addr, boolean verbose) throws IOException {
        try (Socket s = Socket.open(addr.family(), SockType.DGRAM)) {
            try {
                s.set(SockOpt.SO_REUSEADDR, true);
                if (addr.family() == Family.INET6) s.set(SockOpt.IPV6_V6ONLY, false);
                s.bind(addr);
            } catch (IOException e) {
                throw CliException.network("serve " + service + " on " + addr, e);
            }
            System.err.println("jsock: serving " + service + "/udp on " + s.localAddress());
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
            ByteBuffer in = ByteBuffer.allocateDirect(65536);
            Services.Chargen gen = new Services.Chargen();
            while (true) {
                in.clear();
                SockAddr from;
                try {
                    from = s.recvFrom(in);
                } catch (SocketClosedException e) {
                    return 0;
                }
                if (verbose) System.err.println("jsock: " + service + " datagram of " + in.position() + " bytes from " + from);
                in.flip();
                switch (service) {
                    case echo -> s.sendTo(in, from);
                    case hello -> s.sendTo(Services.helloMessage(), from);
                    case chargen -> {
                        // RFC 864 over UDP: one datagram of up to 512 characters per datagram received.
                        ByteBuffer out = ByteBuffer.allocate(Services.Chargen.LINE * 6);
                        gen.fill(out);
                        s.sendTo(out.flip(), from);
                    }
                    case discard -> { }
                }
            }
        }
    }
}
