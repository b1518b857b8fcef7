package org.jsock.tls;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.server.Model;
import org.jsock.server.Server;
import org.jsock.server.ServerConfig;
import org.jsock.server.Services;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** jsock against Debian's openssl (s_server, s_client, x509) and nmap's ncat, each way round, on loopback. */
@ExtendWith(FdLeakCheck.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RealPeersTest {
    private static final String OPENSSL = "/usr/bin/openssl";
    private static final String NCAT = "/usr/bin/ncat";
    private static final Duration SHORT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** A loopback port free a moment ago, for a peer program to listen on. */
    private static int freePort() throws IOException {
        try (Socket l = Socket.listenOn(SockAddr.Inet4.loopback(0), 1)) {
            return ((SockAddr.Inet4) l.localAddress()).port();
        }
    }

    private static String readLine(TlsSocket t) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] one = new byte[1];
        while (true) {
            int n = t.recv(one);
            if (n == TlsSocket.EOF) break;
            if (one[0] == '\n') break;
            line.write(one[0]);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static TlsSocket connect(int port, TlsConfig config) throws IOException {
        return Fixtures.connect(SockAddr.Inet4.loopback(port), "localhost", config);
    }

    private Path[] serverFiles(Identity id) throws IOException {
        return new Path[] {Fixtures.write(dir, "cert.pem", Fixtures.pem(id)), Fixtures.write(dir, "key.pem", Pem.privateKey(id.key()))};
    }

    @ParameterizedTest
    @ValueSource(strings = {"1_3", "1_2"})
    void jsockClientTalksToOpensslServer(String version) throws Exception {
        assumeTrue(Proc.installed(OPENSSL), "openssl not installed");
        Path[] f = serverFiles(Fixtures.LOCALHOST);
        int port = freePort();
        try (Proc srv = Proc.start(OPENSSL, "s_server", "-accept", "127.0.0.1:" + port, "-cert", f[0].toString(),
                "-key", f[1].toString(), "-tls" + version, "-rev", "-naccept", "1")) {
            assertTrue(srv.awaitLine(x -> x.equals("ACCEPT"), SHORT), srv.transcript());
            try (TlsSocket t = connect(port, Fixtures.clientTrustingCa())) {
                byte[] msg = "hello openssl\n".getBytes(StandardCharsets.US_ASCII);
                t.sendAll(msg, 0, msg.length);
                assertEquals("lssnepo olleh", readLine(t));
                assertEquals("TLSv" + version.replace('_', '.'), t.session().protocol());
                assertEquals("CN=localhost", t.session().peerSubject());
            }
            assertEquals(0, srv.waitFor(SHORT), srv.transcript());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1_3", "1_2"})
    void opensslClientTalksToJsockServerWithItsEphemeralCertificate(String version) throws Exception {
        assumeTrue(Proc.installed(OPENSSL), "openssl not installed");
        TlsConfig server = TlsConfig.server();
        Path ca = Fixtures.write(dir, "ephemeral.pem", server.certificatePem());
        try (Socket l = Socket.listenOn(SockAddr.Inet4.loopback(0), 4)) {
            int port = ((SockAddr.Inet4) l.localAddress()).port();
            Fixtures.Async<TlsSession> srv = Fixtures.async(() -> {
                try (Socket a = l.accept()) {
                    Fixtures.bound(a);
                    try (TlsSocket t = TlsSocket.server(a, server)) {
                        String line = readLine(t);
                        byte[] reply = ("echo: " + line + "\n").getBytes(StandardCharsets.UTF_8);
                        t.sendAll(reply, 0, reply.length);
                        return t.session();
                    } // close: close_notify, and s_client exits
                }
            });
            try (Proc cli = Proc.start(OPENSSL, "s_client", "-connect", "127.0.0.1:" + port, "-CAfile", ca.toString(),
                    "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost", "-tls" + version, "-quiet")) {
                cli.send("ping\n");
                assertTrue(cli.awaitLine(x -> x.equals("echo: ping"), SHORT), cli.transcript());
                TlsSession s = srv.get();
                assertEquals("TLSv" + version.replace('_', '.'), s.protocol());
                assertEquals("localhost", s.serverName());
                assertEquals(0, cli.waitFor(SHORT), cli.transcript());
            }
        }
    }

    @Test
    void opensslClientGetsHelloFromTlsHandlerOnTheEventLoop() throws Exception {
        assumeTrue(Proc.installed(OPENSSL), "openssl not installed");
        TlsConfig server = Fixtures.server(Fixtures.LOCALHOST).withAlpn("hello/1");
        Path ca = Fixtures.write(dir, "ca.pem", Pem.certificate(Fixtures.CA.leaf()));
        List<String> log = new CopyOnWriteArrayList<>();
        try (Server s = Server.start(ServerConfig.on(SockAddr.Inet4.loopback(0)).withModel(Model.LOOP).withLog(log::add),
                TlsHandler.wrap(Services::hello, server, log::add))) {
            int port = ((SockAddr.Inet4) s.address()).port();
            try (Proc cli = Proc.start(OPENSSL, "s_client", "-connect", "127.0.0.1:" + port, "-CAfile", ca.toString(),
                    "-verify_return_error", "-verify_hostname", "localhost", "-alpn", "hello/1", "-quiet")) {
                assertTrue(cli.awaitLine(x -> x.equals("Hello from server!"), SHORT), cli.transcript());
                assertEquals(0, cli.waitFor(SHORT), cli.transcript());
            }
        }
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void opensslClientThatDistrustsUsIsReportedByTheServer() throws Exception {
        assumeTrue(Proc.installed(OPENSSL), "openssl not installed");
        Path other = Fixtures.write(dir, "other.pem", Pem.certificate(Fixtures.OTHER_CA.leaf()));
        try (Socket l = Socket.listenOn(SockAddr.Inet4.loopback(0), 4)) {
            int port = ((SockAddr.Inet4) l.localAddress()).port();
            Fixtures.Async<Throwable> srv = Fixtures.async(() -> {
                try (Socket a = l.accept()) {
                    Fixtures.bound(a);
                    try (TlsSocket t = TlsSocket.server(a, Fixtures.server(Fixtures.LOCALHOST))) {
                        return assertThrows(SSLException.class, () -> {
                            t.handshake();
                            t.recv(new byte[1]);
                        });
                    }
                }
            });
            try (Proc cli = Proc.start(OPENSSL, "s_client", "-connect", "127.0.0.1:" + port, "-CAfile", other.toString(),
                    "-verify_return_error", "-quiet")) {
                cli.closeStdin();
                assertNotEquals(0, cli.waitFor(SHORT), cli.transcript());
            }
            String line = TlsErrors.describe(srv.get());
            assertEquals("the peer rejected our certificate: it does not trust our CA (unknown_ca)", line);
        }
    }

    @Test
    void jsockRefusesAnOpensslServerWithTheWrongName() throws Exception {
        assumeTrue(Proc.installed(OPENSSL), "openssl not installed");
        Path[] f = serverFiles(Fixtures.WRONG_HOST);
        int port = freePort();
        try (Proc srv = Proc.start(OPENSSL, "s_server", "-accept", "127.0.0.1:" + port, "-cert", f[0].toString(),
                "-key", f[1].toString(), "-naccept", "1")) {
            assertTrue(srv.awaitLine(x -> x.equals("ACCEPT"), SHORT), srv.transcript());
            SSLException e = assertThrows(SSLException.class, () -> connect(port, Fixtures.clientTrustingCa()));
            assertEquals("hostname mismatch: the certificate CN=other.example is for DNS:other.example, not for 'localhost'",
                    TlsErrors.describe(e));
            srv.waitFor(SHORT);
        }
    }

    @Test
    void theFingerprintIsTheOneOpensslPrints() throws Exception {
        assumeTrue(Proc.installed(OPENSSL), "openssl not installed");
        TlsConfig server = TlsConfig.server();
        Path pem = Fixtures.write(dir, "eph.pem", server.certificatePem());
        try (Proc fp = Proc.start(OPENSSL, "x509", "-noout", "-fingerprint", "-sha256", "-in", pem.toString())) {
            assertEquals(0, fp.waitFor(SHORT), fp.transcript());
            assertTrue(fp.awaitLine(x -> x.contains("Fingerprint="), SHORT), fp.transcript());
            String line = fp.out.stream().filter(l -> l.contains("Fingerprint=")).findFirst().orElseThrow();
            assertEquals(line.substring(line.indexOf('=') + 1), server.fingerprint());
            assertEquals(server.fingerprint(), TlsConfig.fingerprint(Pem.certificates(pem).getFirst()));
        }
    }

    @Test
    void ncatClientTalksToTheTlsEchoServer() throws Exception {
        assumeTrue(Proc.installed(NCAT), "ncat not installed");
        TlsConfig server = TlsConfig.server();
        Path ca = Fixtures.write(dir, "eph.pem", server.certificatePem());
        List<String> log = new CopyOnWriteArrayList<>();
        try (Server s = Server.start(ServerConfig.on(SockAddr.Inet4.loopback(0)).withModel(Model.LOOPS).withThreads(2).withLog(log::add),
                TlsHandler.wrap(Services::echo, server, log::add))) {
            int port = ((SockAddr.Inet4) s.address()).port();
            // By name: ncat checks DNS names only, and /etc/hosts maps localhost to 127.0.0.1.
            try (Proc cli = Proc.start(NCAT, "-4", "--ssl", "--ssl-verify", "--ssl-trustfile", ca.toString(), "localhost", String.valueOf(port))) {
                cli.send("hello ncat\n");
                assertTrue(cli.awaitLine(x -> x.equals("hello ncat"), SHORT), cli.transcript());
                cli.closeStdin();
                assertEquals(0, cli.waitFor(SHORT), cli.transcript());
            }
        }
    }

    @Test
    void jsockClientTalksToNcatServer() throws Exception {
        assumeTrue(Proc.installed(NCAT), "ncat not installed");
        Path[] f = serverFiles(Fixtures.LOCALHOST);
        int port = freePort();
        try (Proc srv = Proc.start(NCAT, "-v", "--ssl", "--ssl-cert", f[0].toString(), "--ssl-key", f[1].toString(),
                "-l", "127.0.0.1", String.valueOf(port))) {
            assertTrue(srv.awaitLine(x -> x.contains("Listening on"), SHORT), srv.transcript());
            try (TlsSocket t = connect(port, Fixtures.clientTrustingCa())) {
                byte[] msg = "from jsock\n".getBytes(StandardCharsets.US_ASCII);
                t.sendAll(msg, 0, msg.length);
                assertTrue(srv.awaitLine(x -> x.equals("from jsock"), SHORT), srv.transcript());
                srv.send("from ncat\n");
                assertEquals("from ncat", readLine(t));
            }
            assertEquals(0, srv.waitFor(SHORT), srv.transcript());
        }
    }
}
