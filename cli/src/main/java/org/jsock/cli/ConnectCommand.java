package org.jsock.cli;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.SockType;
import org.jsock.net.Socket;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.FileInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Connect to a server and copy stdin to it and its replies to stdout, like nc.",
                "",
                "Calls: getaddrinfo, socket, connect, then send/recv until the server closes. When stdin",
                "ends, shutdown(SHUT_WR) tells the server no more data is coming (a half-close, as nc -N),",
                "and replies are still read until the server closes its side. If the server closes first,",
                "what stdin still has is sent; jsock ends when stdin ends or stays quiet for half a second.",
                "With -u: a UDP socket; connect() only fixes the destination, and each read of stdin is sent",
                "as one datagram with send().",
                "With --rudp: jsock's reliable transport over UDP (docs/rudp.md) instead of TCP: the same",
                "byte stream, half-close and all, carried in UDP datagrams with its own handshake, loss",
                "recovery and congestion control; the server must be jsock listen --rudp (or any rudp peer).",
                ""},
        footer = {"", "Examples:",
                "  echo hello | jsock connect 127.0.0.1 7        talk to an echo server",
                "  jsock connect -6 ::1 8080",
                "  jsock connect -w 3 example.test 80            give up if not connected in 3 s",
                "  echo ping | jsock connect -u 127.0.0.1 9000    one datagram, print the reply",
                "  jsock connect --unix /tmp/app.sock",
                "  jsock connect --rudp 127.0.0.1 9000           rudp: a reliable stream over UDP port 9000",
                "  jsock connect --rudp --rudp-cc bbr HOST 9000  ... sending with BBR (loss-tolerant)",
                "  jsock --trace connect 127.0.0.1 9             see the refused connect as strace shows it",
                "  jsock connect --tls --pin AB:CD:... 127.0.0.1 8443   TLS, trusting the server's printed fingerprint"})
final class ConnectCommand implements Callable<Integer> {
    static final class Ip {
        @Option(names = "-4", description = "IPv4 only.") boolean v4;
        @Option(names = "-6", description = "IPv6 only.") boolean v6;
    }

    @ArgGroup(exclusive = true) Ip ip = new Ip();

    @Option(names = "-u", description = "UDP instead of TCP.") boolean udp;

    @Option(names = "-w", paramLabel = "SECS", description = "Connect timeout; with -u, how long to wait for replies after stdin ends (default 2).")
    Integer wait;

    @Option(names = "--unix", paramLabel = "PATH", description = "Connect to a Unix socket (a path, or @name for an abstract one).")
    String unix;

    @Option(names = "--rudp", description = "rudp, a reliable stream over UDP (docs/rudp.md), instead of TCP.")
    boolean rudp;

    @Option(names = "--rudp-cc", paramLabel = "NAME", description = "With --rudp: congestion control for what this side sends: newreno (default), cubic or bbr.")
    String rudpCc;

    @picocli.CommandLine.Mixin TlsOptions tlsOptions = new TlsOptions();

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST") String host;
    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT") String port;

    @ParentCommand Main main;

    @Override
    public Integer call() throws Exception {
        if (wait != null && wait < 0) throw CliException.usage("-w must be >= 0, got " + wait);
        if (rudp && (udp || unix != null)) throw CliException.usage("--rudp runs over UDP/IP: it takes neither -u nor --unix");
        if (rudpCc != null && !rudp) throw CliException.usage("--rudp-cc needs --rudp");
        tlsOptions.check(udp);
        org.jsock.tls.TlsConfig tlsConfig = tlsOptions.tls ? tlsOptions.client() : null;
        SockAddr target;
        SockType type = udp || rudp ? SockType.DGRAM : SockType.STREAM;
        if (unix != null) {
            if (host != null) throw CliException.usage("--unix takes no HOST PORT");
            try {
                target = unix.startsWith("@") ? SockAddr.Unix.abstractName(unix.substring(1)) : SockAddr.Unix.path(unix);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        } else {
            if (host == null || port == null) throw CliException.usage("connect needs HOST and PORT (or --unix PATH)");
            int p = Inputs.port(port);
            Family f = ip.v4 ? Family.INET : ip.v6 ? Family.INET6 : null;
            target = Inputs.resolve(host, p, f, type, "connect");
        }
        boolean verbose = main.verbose.length > 0;
        if (rudp) return connectRudp(target, tlsConfig, verbose);
        try (Socket s = Socket.open(target.family(), type)) {
            try {
                if (wait != null && !udp) s.connect(target, Duration.ofSeconds(wait));
                else s.connect(target);
            } catch (IOException e) {
                throw CliException.network("connect " + target, e);
            }
            if (verbose) System.err.println("jsock: connected to " + target + " from " + s.localAddress());
            var in = new FileInputStream(FileDescriptor.in);
            var out = new FileOutputStream(FileDescriptor.out);
            if (udp) {
                Relay.datagram(s, in, out, Duration.ofSeconds(wait == null ? 2 : wait), target.toString());
            } else if (tlsConfig != null) {
                relayTls(org.jsock.tls.Transport.of(s), tlsConfig, target, in, out, verbose);
            } else {
                Relay.stream(s, in, out, false, target.toString());
            }
        }
        return 0;
    }

    /** TLS over {@code transport} (a TCP or Unix socket, or an rudp connection), then the relay. */
    private void relayTls(org.jsock.tls.Transport transport, org.jsock.tls.TlsConfig tlsConfig, SockAddr target,
                          java.io.InputStream in, java.io.OutputStream out, boolean verbose) throws IOException {
        String name = host != null ? host : "localhost";
        try (org.jsock.tls.TlsSocket t = org.jsock.tls.TlsSocket.client(transport, tlsConfig, name, host != null ? Inputs.port(port) : -1)) {
            try {
                t.handshake();
            } catch (IOException e) {
                throw new CliException("tls " + target + ": " + org.jsock.tls.TlsErrors.describe(e), 1, e);
            }
            if (main.trace || verbose) System.err.println("jsock: tls: " + t.session().summary());
            Relay.stream(t, in, out, false, target.toString());
        }
    }

    private int connectRudp(SockAddr target, org.jsock.tls.TlsConfig tlsConfig, boolean verbose) throws IOException {
        org.jsock.rudp.RudpConfig config = Inputs.rudpConfig(rudpCc);
        if (wait != null && wait > 0) config = config.withHandshakeTimeout(Duration.ofSeconds(wait));
        org.jsock.rudp.RudpSocket s;
        try {
            s = org.jsock.rudp.RudpSocket.connect(target, config);
        } catch (org.jsock.rudp.RudpException e) {
            // Its message names the call already ("connect: ..."): say it once.
            throw new CliException("connect " + target + " (rudp): " + e.getMessage().replaceFirst("^connect: ", ""), 1, e);
        } catch (IOException e) {
            throw CliException.network("connect " + target + " (rudp)", e);
        }
        try (s) {
            if (verbose) System.err.println("jsock: rudp connected to " + target + " from " + s.localAddress());
            var in = new FileInputStream(FileDescriptor.in);
            var out = new FileOutputStream(FileDescriptor.out);
            if (tlsConfig != null) {
                relayTls(new RudpTransport(s), tlsConfig, target, in, out, verbose);
            } else {
                Relay.stream(s, in, out, false, target.toString());
            }
        }
        // After close: it waited for the last bytes to be acknowledged, so the counts are final.
        if (verbose) System.err.println("jsock: rudp: " + s.stats().describe());
        if (s.closeFailure() != null) throw new CliException("close " + target + " (rudp): " + s.closeFailure().getMessage(), 1, s.closeFailure());
        return 0;
    }
}
