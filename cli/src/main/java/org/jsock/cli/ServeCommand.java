package org.jsock.cli;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.SockType;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.sys.ErrnoException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Run a classic service: echo, discard, chargen or hello.",
                "",
                "Runs until interrupted: echo (RFC 862), discard (RFC 863),",
                "chargen (RFC 864) or hello (seed 000: sends \"Hello from server!\\n\" and closes).",
                "",
                "Calls: socket, setsockopt(SO_REUSEADDR), bind, listen, then accept in a loop; each client",
                "gets its own thread, which recv()s and send()s until the client closes. With -u the",
                "service answers datagrams with recvfrom/sendto instead.",
                ""},
        footer = {"", "Examples:",
                "  jsock serve echo --port 7007 &   echo hi | jsock connect 127.0.0.1 7007",
                "  jsock serve chargen --port 1919 &   jsock connect 127.0.0.1 1919 | head -3",
                "  jsock serve echo -u --port 7007"})
final class ServeCommand implements Callable<Integer> {
    enum Service { echo, discard, chargen, hello }

    @Parameters(index = "0", paramLabel = "SERVICE", description = "echo, discard, chargen or hello.")
    Service service;

    @Option(names = {"-p", "--port"}, required = true, paramLabel = "PORT", description = "Port to listen on.")
    String port;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to bind (default: all, IPv4 and IPv6).")
    String host;

    @Option(names = "-u", description = "UDP instead of TCP.") boolean udp;

    @Option(names = "-m", paramLabel = "MAXCONN", description = "At most this many clients at once; more are accepted and closed at once.")
    Integer maxConn;

    @ParentCommand Main main;

    static final byte[] HELLO = "Hello from server!\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public Integer call() throws Exception {
        int p = Inputs.port(port);
        if (maxConn != null && maxConn < 1) throw CliException.usage("-m must be at least 1, got " + maxConn);
        SockType type = udp ? SockType.DGRAM : SockType.STREAM;
        SockAddr addr = host == null ? SockAddr.Inet6.any(p) : Inputs.resolve(host, p, null, type, "serve");
        boolean verbose = main.verbose.length > 0;
        try (Socket ls = Socket.open(addr.family(), type)) {
            try {
                ls.set(SockOpt.SO_REUSEADDR, true);
                if (addr.family() == Family.INET6) ls.set(SockOpt.IPV6_V6ONLY, false);
                ls.bind(addr);
                if (!udp) ls.listen(128);
            } catch (IOException e) {
                throw CliException.network("serve " + service + " on " + addr, e);
            }
            System.err.println("jsock: serving " + service + (udp ? "/udp" : "") + " on " + ls.localAddress());
            Runtime.getRuntime().addShutdownHook(new Thread(ls::close));
            if (udp) return serveUdp(ls, verbose);
            Semaphore slots = new Semaphore(maxConn == null ? Integer.MAX_VALUE : maxConn);
            while (true) {
                Socket c;
                try {
                    c = ls.accept();
                } catch (SocketClosedException e) {
                    return 0;
                } catch (ErrnoException e) {
                    System.err.println("jsock: accept: " + e.getMessage());
                    if (e.is("EMFILE") || e.is("ENFILE")) Thread.sleep(100);
                    continue;
                }
                if (!slots.tryAcquire()) {
                    System.err.println("jsock: " + c.peerAddress() + " refused: " + maxConn + " clients already connected (-m)");
                    c.close();
                    continue;
                }
                Thread.ofPlatform().daemon(true).start(() -> {
                    try (c) {
                        if (verbose) System.err.println("jsock: " + service + " client " + c.peerAddress());
                        handle(service, c);
                    } catch (IOException e) {
                        if (verbose) System.err.println("jsock: " + Main.describe(e));
                    } finally {
                        slots.release();
                    }
                });
            }
        }
    }

    /** One TCP client of a service, until it closes. */
    static void handle(Service service, Socket c) throws IOException {
        switch (service) {
            case hello -> c.sendAll(HELLO, 0, HELLO.length);
            case echo -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(Relay.CHUNK);
                while (c.recv(buf) != Socket.EOF) {
                    buf.flip();
                    c.sendAll(buf);
                    buf.clear();
                }
            }
            case discard -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(Relay.CHUNK);
                while (c.recv(buf) != Socket.EOF) buf.clear();
            }
            case chargen -> {
                // Lines of 72 characters, each starting one further along the 95 printable ones.
                Chargen gen = new Chargen();
                ByteBuffer buf = ByteBuffer.allocateDirect(74 * 95);
                while (true) {
                    buf.clear();
                    gen.fill(buf);
                    buf.flip();
                    c.sendAll(buf);
                }
            }
        }
    }

    private int serveUdp(Socket s, boolean verbose) throws IOException {
        ByteBuffer in = ByteBuffer.allocateDirect(65536);
        Chargen gen = new Chargen();
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
                case hello -> s.sendTo(ByteBuffer.wrap(HELLO), from);
                case chargen -> {
                    // RFC 864 over UDP: one datagram of 0-512 characters per datagram received.
                    ByteBuffer out = ByteBuffer.allocate(74 * 7);
                    gen.fill(out);
                    out.flip().limit(Math.min(out.limit(), 512));
                    s.sendTo(out, from);
                }
                case discard -> { }
            }
        }
    }

    /** RFC 864's rotating pattern of printable ASCII. */
    static final class Chargen {
        private int start;

        /** Fills {@code buf} with whole 74-byte lines ("...\r\n") while they fit. */
        void fill(ByteBuffer buf) {
            while (buf.remaining() >= 74) {
                for (int i = 0; i < 72; i++) buf.put((byte) (' ' + (start + i) % 95));
                buf.put((byte) '\r').put((byte) '\n');
                start = (start + 1) % 95;
            }
        }
    }
}
