package org.jsock.cli;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.SockType;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;

@Command(name = "listen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Wait for a client and copy its data to stdout and stdin to it, like nc -l.",
                "",
                "Calls: socket, setsockopt(SO_REUSEADDR), bind, listen, accept, then send/recv. With no HOST",
                "it binds [::] with IPV6_V6ONLY off, so IPv4 and IPv6 clients both reach it (-4 or -6 to",
                "choose one). It ends when the client closes, unless -k keeps it accepting; with -k every",
                "client is served at once, their data goes to stdout, and stdin goes to all of them.",
                "--exec connects each client to a command's stdin and stdout (as ncat -e, through /bin/sh).",
                "With -u: a UDP socket; the first datagram's sender becomes the peer (connect()).",
                "With --rudp: jsock's reliable transport over UDP (docs/rudp.md): one UDP port serves every",
                "client, each a byte stream as with TCP, told apart by connection ID.",
                ""},
        footer = {"", "Examples:",
                "  jsock listen 9000                          one client, then exit",
                "  jsock listen -k -m 10 127.0.0.1 9000       up to 10 clients at once",
                "  jsock listen -k 9000 --exec 'tr a-z A-Z'    a shouting echo server",
                "  jsock listen -u 9000                       UDP",
                "  jsock listen --rudp 9000                   rudp: reliable streams over UDP port 9000",
                "  jsock listen --unix /tmp/app.sock",
                "  jsock listen --tls 8443                    TLS with an ephemeral certificate (its fingerprint is printed)"})
final class ListenCommand implements Callable<Integer> {
    static final class Ip {
        @Option(names = "-4", description = "IPv4 only: bind 0.0.0.0.") boolean v4;
        @Option(names = "-6", description = "IPv6 only: bind [::] with IPV6_V6ONLY.") boolean v6;
    }

    @ArgGroup(exclusive = true) Ip ip = new Ip();

    @Option(names = "-k", description = "Keep listening after a client leaves; serve several at once.") boolean keep;
    @Option(names = "-u", description = "UDP instead of TCP.") boolean udp;
    @Option(names = "-m", paramLabel = "MAXCONN", description = "With -k: at most this many clients at once; more are accepted and closed at once.")
    Integer maxConn;
    @Option(names = "--exec", paramLabel = "CMD", description = "Run CMD (via /bin/sh -c) for each client, wired to the socket.")
    String exec;
    @Option(names = "--unix", paramLabel = "PATH", description = "Listen on a Unix socket (a path, or @name for an abstract one).")
    String unix;
    @Option(names = "--rudp", description = "rudp, reliable streams over UDP (docs/rudp.md), instead of TCP.")
    boolean rudp;
    @Option(names = "--rudp-cc", paramLabel = "NAME", description = "With --rudp: congestion control for what this side sends: newreno (default), cubic or bbr.")
    String rudpCc;

    @picocli.CommandLine.Mixin TlsOptions tlsOptions = new TlsOptions();

    private org.jsock.tls.TlsConfig tlsConfig;

    @Parameters(arity = "0..2", paramLabel = "[HOST] PORT", description = "Address to bind (default: all) and port.")
    List<String> where = List.of();

    @ParentCommand Main main;

    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        verbose = main.verbose.length > 0;
        if (maxConn != null && maxConn < 1) throw CliException.usage("-m must be at least 1, got " + maxConn);
        if (rudp && (udp || unix != null)) throw CliException.usage("--rudp runs over UDP/IP: it takes neither -u nor --unix");
        if (rudpCc != null && !rudp) throw CliException.usage("--rudp-cc needs --rudp");
        tlsOptions.check(udp);
        SockAddr bindAddr = bindAddress();
        if (tlsOptions.tls) tlsConfig = tlsOptions.server();
        if (rudp) return listenRudp(bindAddr);
        Path socketFile = bindAddr instanceof SockAddr.Unix u && !u.isAbstract() ? Path.of(u.path()) : null;
        if (socketFile != null) removeStaleSocket(socketFile, bindAddr);
        try (Socket ls = Socket.open(bindAddr.family(), udp ? SockType.DGRAM : SockType.STREAM)) {
            if (socketFile != null) {
                // Like nc: the socket file goes when we do, so the next run can bind the path again.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(socketFile)));
            }
            try {
                if (bindAddr.family() != Family.UNIX) ls.set(SockOpt.SO_REUSEADDR, true);
                if (bindAddr.family() == Family.INET6) ls.set(SockOpt.IPV6_V6ONLY, ip.v6);
                ls.bind(bindAddr);
                if (!udp) ls.listen(128);
            } catch (IOException e) {
                throw CliException.network((udp ? "bind " : "listen ") + bindAddr, e);
            }
            if (verbose) System.err.println("jsock: listening on " + ls.localAddress() + (udp ? " (udp)" : ""));
            Runtime.getRuntime().addShutdownHook(new Thread(ls::close));
            if (udp) return serveUdp(ls);
            return keep ? serveMany(ls) : serveOne(ls);
        }
    }

    /**
     * A socket file left by an earlier run blocks bind with EADDRINUSE. If nobody accepts on it
     * (connect is refused), it is stale and removed, as nc does; a live one is left alone.
     */
    private void removeStaleSocket(Path file, SockAddr addr) {
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return;
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & 0170000) != 0140000) return; // not a socket: bind reports it
            try (Socket probe = Socket.open(Family.UNIX, udp ? SockType.DGRAM : SockType.STREAM)) {
                probe.connect(addr);
            } catch (org.jsock.sys.ErrnoException e) {
                if (e.is("ECONNREFUSED")) {
                    Files.delete(file);
                    if (verbose) System.err.println("jsock: removed stale socket file " + file);
                }
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // bind will say what is wrong
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort at exit
        }
    }

    private SockAddr bindAddress() {
        if (unix != null) {
            if (!where.isEmpty()) throw CliException.usage("--unix takes no HOST PORT");
            try {
                return unix.startsWith("@") ? SockAddr.Unix.abstractName(unix.substring(1)) : SockAddr.Unix.path(unix);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        }
        if (where.isEmpty()) throw CliException.usage("listen needs a PORT (or --unix PATH)");
        int port = Inputs.port(where.getLast());
        if (where.size() == 2) {
            Family f = ip.v4 ? Family.INET : ip.v6 ? Family.INET6 : null;
            return Inputs.resolve(where.getFirst(), port, f, udp || rudp ? SockType.DGRAM : SockType.STREAM, "listen");
        }
        return ip.v4 ? SockAddr.Inet4.any(port) : SockAddr.Inet6.any(port);
    }

    private int serveOne(Socket ls) throws IOException {
        Socket first;
        try {
            first = ls.accept();
        } catch (SocketClosedException e) {
            return 0; // SIGINT/SIGTERM while waiting: the shutdown hook closed the listener
        }
        try (Socket c = first) {
            SockAddr peer = c.peerAddress();
            if (verbose) System.err.println("jsock: connection from " + peer);
            serve(c, peer, new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
        }
        return 0;
    }

    private int serveMany(Socket ls) throws IOException {
        Semaphore slots = new Semaphore(maxConn == null ? Integer.MAX_VALUE : maxConn);
        List<org.jsock.net.ByteStream> clients = new CopyOnWriteArrayList<>();
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        if (exec == null) startBroadcast(clients);
        while (true) {
            Socket c;
            try {
                c = ls.accept();
            } catch (SocketClosedException e) {
                return 0; // shut down by a signal
            } catch (org.jsock.sys.ErrnoException e) {
                // ECONNABORTED and friends affect one client only; EMFILE waits a moment.
                System.err.println("jsock: accept: " + e.getMessage());
                if (e.is("EMFILE") || e.is("ENFILE")) sleep(100);
                continue;
            }
            if (!slots.tryAcquire()) {
                if (verbose) System.err.println("jsock: " + c.peerAddress() + " refused: " + maxConn + " clients already connected (-m)");
                c.close();
                continue;
            }
            // Raw stdin would corrupt a TLS stream: with --tls, clients get no broadcast.
            if (tlsConfig == null) clients.add(c);
            Thread.ofPlatform().daemon(true).name("client " + c.fd()).start(() -> {
                try (c) {
                    SockAddr peer = c.peerAddress();
                    if (verbose) System.err.println("jsock: connection from " + peer);
                    InputStream in = null; // stdin is broadcast by startBroadcast
                    OutputStream out = exec != null ? null : new SharedOut(stdout);
                    serve(c, peer, in, out);
                } catch (Exception e) {
                    System.err.println("jsock: " + Main.describe(e));
                } finally {
                    clients.remove(c);
                    slots.release();
                }
            });
        }
    }

    /** With -k, stdin goes to every connected client. */
    private static void startBroadcast(List<org.jsock.net.ByteStream> clients) {
        Thread.ofPlatform().daemon(true).name("stdin->clients").start(() -> {
            byte[] buf = new byte[Relay.CHUNK];
            try (InputStream in = new FileInputStream(FileDescriptor.in)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    for (org.jsock.net.ByteStream c : clients) {
                        try {
                            c.sendAll(buf, 0, n);
                        } catch (IOException ignored) {
                            // that client is going away; its own thread reports it
                        }
                    }
                }
            } catch (IOException ignored) {
                // stdin closed
            }
        });
    }

    /** One client: relay it to the given streams, or to a --exec process. */
    private void serve(Socket c, SockAddr peer, InputStream in, OutputStream out) throws IOException {
        org.jsock.net.ByteStream d = c;
        org.jsock.tls.TlsSocket t = null;
        if (tlsConfig != null) {
            t = org.jsock.tls.TlsSocket.server(c, tlsConfig);
            try {
                t.handshake();
            } catch (IOException e) {
                t.close();
                throw new CliException("tls " + peer + ": " + org.jsock.tls.TlsErrors.describe(e), 1, e);
            }
            if (verbose || main.trace) System.err.println("jsock: tls: " + t.session().summary());
            d = t;
        }
        try {
            relay(d, peer, in, out);
        } finally {
            if (t != null) t.close();
        }
    }

    private void relay(org.jsock.net.ByteStream c, SockAddr peer, InputStream in, OutputStream out) throws IOException {
        if (exec == null) {
            Relay.stream(c, in, out, false, peer.toString());
            return;
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", exec).redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        try {
            Relay.stream(c, p.getInputStream(), p.getOutputStream(), true, peer.toString());
        } finally {
            p.getOutputStream().close();
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) p.destroy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int listenRudp(SockAddr bindAddr) throws IOException {
        org.jsock.rudp.RudpListener l;
        try {
            l = org.jsock.rudp.RudpSocket.listen(bindAddr, Inputs.rudpConfig(rudpCc));
        } catch (IOException e) {
            throw CliException.network("listen " + bindAddr + " (rudp)", e);
        }
        try (l) {
            if (verbose) System.err.println("jsock: listening on " + l.localAddress() + " (rudp)");
            Runtime.getRuntime().addShutdownHook(new Thread(l::close));
            Semaphore slots = new Semaphore(maxConn == null ? Integer.MAX_VALUE : maxConn);
            OutputStream stdout = new FileOutputStream(FileDescriptor.out);
            // With -k, stdin goes to every client, as with TCP.
            List<org.jsock.net.ByteStream> clients = new CopyOnWriteArrayList<>();
            if (keep && exec == null) startBroadcast(clients);
            while (true) {
                org.jsock.rudp.RudpSocket c;
                try {
                    c = l.accept();
                } catch (SocketClosedException e) {
                    return 0; // stopped by a signal
                }
                if (!keep) {
                    try (c) {
                        serveRudp(c, new FileInputStream(FileDescriptor.in), stdout);
                    }
                    if (verbose) System.err.println("jsock: rudp " + c.peerAddress() + ": " + c.stats().describe());
                    return 0;
                }
                if (!slots.tryAcquire()) {
                    if (verbose) System.err.println("jsock: " + c.peerAddress() + " refused: " + maxConn + " clients already connected (-m)");
                    c.abort("server full");
                    continue;
                }
                if (tlsConfig == null) clients.add(c);   // as for TCP: no raw stdin into a TLS stream
                Thread.ofPlatform().daemon(true).name("rudp client " + c.peerAddress()).start(() -> {
                    try {
                        try (c) {
                            serveRudp(c, null, exec != null ? null : new SharedOut(stdout));
                        }
                        if (verbose) System.err.println("jsock: rudp " + c.peerAddress() + ": " + c.stats().describe());
                    } catch (Exception e) {
                        System.err.println("jsock: " + Main.describe(e));
                    } finally {
                        clients.remove(c);
                        slots.release();
                    }
                });
            }
        }
    }

    private void serveRudp(org.jsock.rudp.RudpSocket c, InputStream in, OutputStream out) throws IOException {
        SockAddr peer = c.peerAddress();
        if (verbose) System.err.println("jsock: rudp connection from " + peer);
        if (tlsConfig == null) {
            relay(c, peer, in, out);
        } else {
            try (org.jsock.tls.TlsSocket t = org.jsock.tls.TlsSocket.server(new RudpTransport(c), tlsConfig)) {
                try {
                    t.handshake();
                } catch (IOException e) {
                    throw new CliException("tls " + peer + ": " + org.jsock.tls.TlsErrors.describe(e), 1, e);
                }
                if (verbose || main.trace) System.err.println("jsock: tls: " + t.session().summary());
                relay(t, peer, in, out);
            }
        }
    }

    private int serveUdp(Socket s) throws IOException {
        ByteBuffer first = ByteBuffer.allocate(65536);
        SockAddr peer;
        try {
            peer = s.recvFrom(first);
        } catch (SocketClosedException e) {
            return 0; // stopped by a signal before any datagram came
        }
        if (verbose) System.err.println("jsock: datagram from " + peer);
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        out.write(first.array(), 0, first.position());
        out.flush();
        s.connect(peer);
        Relay.datagram(s, new FileInputStream(FileDescriptor.in), out, Duration.ofDays(365), peer.toString());
        return 0;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Several clients write to one stdout: whole chunks, never interleaved mid-write. */
    private static final class SharedOut extends OutputStream {
        private final OutputStream out;
        SharedOut(OutputStream out) { this.out = out; }
        @Override public void write(int b) throws IOException { synchronized (out) { out.write(b); } }
        @Override public void write(byte[] b, int off, int len) throws IOException {
            synchronized (out) {
                out.write(b, off, len);
                out.flush();
            }
        }
    }
}
