package org.jsock.tls;

import org.jsock.net.Poller;
import org.jsock.net.SockAddr;
import org.jsock.net.SockType;
import org.jsock.net.Socket;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.jsock.tls.Fixtures.async;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(FdLeakCheck.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsSocketTest {
    private static final byte[] HELLO = "hello over TLS\n".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void clientAndServerExchangeBytesOverTcp(String version) throws Exception {
        try (Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa().withProtocols(version),
                Fixtures.server(Fixtures.LOCALHOST), "localhost")) {
            assertEquals(version, p.client().session().protocol());
            assertEquals(version, p.server().session().protocol());
            assertEquals("CN=localhost", p.client().session().peerSubject());
            assertEquals(TlsConfig.fingerprint(Fixtures.LOCALHOST.leaf()), p.client().session().peerFingerprint());
            assertFalse(p.client().session().resumed());
            p.client().sendAll(HELLO, 0, HELLO.length);
            byte[] got = new byte[HELLO.length];
            assertEquals(HELLO.length, p.server().recvFully(got, 0, got.length));
            assertArrayEquals(HELLO, got);
            p.server().sendAll(got, 0, got.length);
            byte[] back = new byte[HELLO.length];
            assertEquals(HELLO.length, p.client().recvFully(back, 0, back.length));
            assertArrayEquals(HELLO, back);
        }
    }

    @Test
    void rsaCertificatesWorkAsWellAsEc() throws Exception {
        try (Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.RSA_LOCALHOST), "127.0.0.1")) {
            assertEquals("RSA", p.client().session().sslSession().getPeerCertificates()[0].getPublicKey().getAlgorithm());
        }
    }

    @Test
    void worksOverAUnixSocketPairWithAPinnedEphemeralCertificate() throws Exception {
        TlsConfig server = TlsConfig.server();
        assertTrue(server.isEphemeral());
        TlsConfig client = TlsConfig.client().withPin(server.fingerprint());
        Socket[] pair = Socket.pair(SockType.STREAM);
        Fixtures.bound(pair);
        try (TlsSocket c = TlsSocket.client(pair[0], client, "localhost", -1); TlsSocket s = TlsSocket.server(pair[1], server)) {
            Fixtures.Async<Integer> sh = async(() -> {
                byte[] b = new byte[HELLO.length];
                s.recvFully(b, 0, b.length);
                s.sendAll(b, 0, b.length);
                s.shutdownOutput();
                return s.recv(new byte[1]);
            });
            c.sendAll(HELLO, 0, HELLO.length);
            byte[] back = new byte[HELLO.length];
            assertEquals(HELLO.length, c.recvFully(back, 0, back.length));
            assertArrayEquals(HELLO, back);
            assertEquals(TlsSocket.EOF, c.recv(new byte[8]));
            c.shutdownOutput();
            assertEquals(TlsSocket.EOF, sh.get());
            assertEquals("CN=localhost", c.session().peerSubject());
        }
    }

    @Test
    void ephemeralCertificateIsEcP256ForLocalhostValidOneDay() throws Exception {
        TlsConfig s = TlsConfig.server();
        var cert = s.certificate();
        assertEquals("CN=localhost", cert.getSubjectX500Principal().getName());
        assertEquals("EC", cert.getPublicKey().getAlgorithm());
        assertTrue(((java.security.interfaces.ECPublicKey) cert.getPublicKey()).getParams().toString().contains("secp256r1")
                || ((java.security.interfaces.ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize() == 256);
        assertEquals("DNS:localhost, IP:127.0.0.1, IP:0:0:0:0:0:0:0:1", TrustCheck.names(cert));
        long hours = (cert.getNotAfter().getTime() - System.currentTimeMillis()) / 3_600_000;
        assertTrue(hours >= 23 && hours <= 24, "valid for about a day, got " + hours + " h");
        assertTrue(s.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), s.fingerprint());
        assertEquals(s.fingerprint(), s.fingerprint(), "made once");
        assertEquals(s.fingerprint(), s.withAlpn("h2").fingerprint(), "kept across with*");
    }

    @Test
    void sniAndAlpnAreNegotiated() throws Exception {
        TlsConfig client = Fixtures.clientTrustingCa().withServerName("localhost").withAlpn("h2", "http/1.1");
        TlsConfig server = Fixtures.server(Fixtures.LOCALHOST).withAlpn("http/1.1");
        // Connected by address; SNI and the name checked come from withServerName.
        try (Fixtures.Pair p = Fixtures.handshake(client, server, "127.0.0.1")) {
            assertEquals("http/1.1", p.client().session().alpn());
            assertEquals("http/1.1", p.server().session().alpn());
            assertEquals("localhost", p.server().session().serverName());
            assertEquals("localhost", p.client().session().serverName());
            assertTrue(p.client().session().summary().contains("ALPN http/1.1"), p.client().session().summary());
        }
    }

    @Test
    void noSnisSentForAnAddress() throws Exception {
        try (Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.LOCALHOST), "127.0.0.1")) {
            assertEquals(null, p.server().session().serverName());
            assertEquals(null, p.client().session().alpn());
        }
    }

    @Test
    void noSharedAlpnProtocolFailsWithOneLine() throws Exception {
        Fixtures.Failure f = Fixtures.failedHandshake(Fixtures.clientTrustingCa().withAlpn("h2"),
                Fixtures.server(Fixtures.LOCALHOST).withAlpn("imap"), "localhost");
        assertTrue(TlsErrors.describe(f.client()).startsWith("no shared ALPN protocol"), TlsErrors.describe(f.client()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aSecondConnectionResumesTheSession(String version) throws Exception {
        TlsConfig client = Fixtures.clientTrustingCa().withProtocols(version);
        TlsConfig server = Fixtures.server(Fixtures.LOCALHOST);
        try (Socket l = Socket.listenOn(SockAddr.Inet4.loopback(0), 8)) {
            int port = ((SockAddr.Inet4) l.localAddress()).port();
            TlsSession[] first = exchangeOnce(l, port, client, server);
            TlsSession[] second = exchangeOnce(l, port, client, server);
            assertFalse(first[0].resumed(), "first connection: full handshake");
            assertFalse(first[1].resumed());
            assertTrue(second[0].resumed(), "client resumed: " + second[0].summary());
            assertTrue(second[1].resumed(), "server resumed: " + second[1].summary());
            assertEquals("CN=localhost", second[0].peerSubject());
            if (version.equals("TLSv1.2")) {
                assertArrayEquals(first[0].sslSession().getId(), second[0].sslSession().getId());
            }
            // Another config is another cache: no resumption.
            TlsSession[] third = exchangeOnce(l, port, Fixtures.clientTrustingCa().withProtocols(version), server);
            assertFalse(third[0].resumed());
        }
    }

    /** Connects, exchanges a byte each way (so a TLS 1.3 ticket arrives), closes; returns {client, server} sessions. */
    private static TlsSession[] exchangeOnce(Socket listener, int port, TlsConfig client, TlsConfig server) throws Exception {
        Fixtures.Async<TlsSession> srv = async(() -> {
            try (Socket a = listener.accept()) {
                Fixtures.bound(a);
                try (TlsSocket t = TlsSocket.server(a, server)) {
                    byte[] b = new byte[1];
                    t.recvFully(b, 0, 1);
                    t.sendAll(b, 0, 1);
                    assertEquals(TlsSocket.EOF, t.recv(b));
                    return t.session();
                }
            }
        });
        Socket s = Socket.connectTo(SockAddr.Inet4.loopback(port));
        Fixtures.bound(s);
        try (TlsSocket t = TlsSocket.client(s, client, "localhost", port)) {
            t.sendAll(new byte[] {42}, 0, 1);
            byte[] b = new byte[1];
            assertEquals(1, t.recvFully(b, 0, 1));
            t.shutdownOutput();
            TlsSession mine = t.session();
            return new TlsSession[] {mine, srv.get()};
        }
    }

    @Test
    void closeNotifyIsACleanEndOfStreamEachWay() throws Exception {
        try (Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.LOCALHOST), "localhost")) {
            p.client().sendAll(HELLO, 0, HELLO.length);
            p.client().shutdownOutput();
            assertThrows(SSLException.class, () -> p.client().send(HELLO), "no sending after close_notify");
            byte[] got = new byte[100];
            assertEquals(HELLO.length, p.server().recvFully(got, 0, got.length));
            assertEquals(TlsSocket.EOF, p.server().recv(got));
            assertEquals(TlsSocket.EOF, p.server().recv(got), "EOF stays EOF");
            // TLS 1.3 half-close: the server still sends after the client's close_notify.
            p.server().sendAll(HELLO, 0, HELLO.length);
            p.server().close();
            assertEquals(HELLO.length, p.client().recvFully(got, 0, got.length));
            assertEquals(TlsSocket.EOF, p.client().recv(got));
        }
    }

    @Test
    void closingTheTransportWithoutCloseNotifyIsATruncationError() throws Exception {
        Socket[] raw = Fixtures.tcpPair();
        try (TlsSocket c = TlsSocket.client(raw[0], Fixtures.clientTrustingCa(), "localhost", 443);
             TlsSocket s = TlsSocket.server(raw[1], Fixtures.server(Fixtures.LOCALHOST))) {
            Fixtures.Async<Integer> sh = async(() -> {
                s.sendAll(HELLO, 0, HELLO.length);
                raw[1].close(); // the attacker's FIN: no close_notify
                return 0;
            });
            byte[] got = new byte[HELLO.length];
            assertEquals(HELLO.length, c.recvFully(got, 0, got.length));
            sh.get();
            TlsTruncationException e = assertThrows(TlsTruncationException.class, () -> c.recv(got));
            assertTrue(e.getMessage().startsWith("TLS connection truncated: the peer closed the connection without close_notify"), e.getMessage());
            assertEquals(e.getMessage(), TlsErrors.describe(e));
            assertThrows(TlsTruncationException.class, () -> c.recv(got), "and again, never EOF");
            InputStream in = c.inputStream();
            assertThrows(TlsTruncationException.class, in::read);
        }
    }

    @Test
    void closingDuringTheHandshakeIsAHandshakeError() throws Exception {
        Socket[] raw = Fixtures.tcpPair();
        try (TlsSocket c = TlsSocket.client(raw[0], Fixtures.clientTrustingCa(), "localhost", 443)) {
            Fixtures.Async<Integer> peer = async(() -> {
                byte[] b = new byte[512];
                raw[1].recv(b); // the ClientHello
                raw[1].close();
                return 0;
            });
            SSLException e = assertThrows(SSLException.class, c::handshake);
            peer.get();
            assertTrue(TlsErrors.describe(e).startsWith("the peer closed the connection during the TLS handshake"), TlsErrors.describe(e));
        } finally {
            raw[1].close();
        }
    }

    // ==== failures, one line each ============================================================

    @Test
    void aSelfSignedCertificateIsNotTrustedBySystemTrust() throws Exception {
        Fixtures.Failure f = Fixtures.failedHandshake(TlsConfig.client(), TlsConfig.server(), "localhost");
        assertEquals("certificate is not trusted: CN=localhost is self-signed and not in the trust store", TlsErrors.describe(f.client()));
        assertEquals("the peer rejected our certificate (certificate_unknown): it does not trust it", TlsErrors.describe(f.server()));
    }

    @Test
    void aCertificateFromAnUnknownCaIsNotTrusted() throws Exception {
        TlsConfig client = TlsConfig.client().withTrusted(List.of(Fixtures.OTHER_CA.leaf()));
        Fixtures.Failure f = Fixtures.failedHandshake(client, Fixtures.server(Fixtures.LOCALHOST), "localhost");
        assertEquals("certificate is not trusted: CN=localhost, issued by CN=jsock test CA, does not chain to a trusted CA",
                TlsErrors.describe(f.client()));
        assertEquals(TlsCertificateException.Reason.UNTRUSTED, reason(f.client()));
    }

    @Test
    void aCertificateForAnotherNameIsAHostnameMismatch() throws Exception {
        Fixtures.Failure f = Fixtures.failedHandshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.WRONG_HOST), "localhost");
        assertEquals("hostname mismatch: the certificate CN=other.example is for DNS:other.example, not for 'localhost'",
                TlsErrors.describe(f.client()));
        assertEquals(TlsCertificateException.Reason.HOSTNAME_MISMATCH, reason(f.client()));
    }

    @Test
    void anIpAddressMustBeInTheCertificateToo() throws Exception {
        Fixtures.Failure f = Fixtures.failedHandshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.WRONG_HOST), "127.0.0.1");
        assertEquals("hostname mismatch: the certificate CN=other.example is for DNS:other.example, not for '127.0.0.1'",
                TlsErrors.describe(f.client()));
    }

    @Test
    void hostnameVerificationCanBeTurnedOff() throws Exception {
        try (Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa().withHostnameVerification(false),
                Fixtures.server(Fixtures.WRONG_HOST), "localhost")) {
            assertEquals("CN=other.example", p.client().session().peerSubject());
        }
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        Fixtures.Failure f = Fixtures.failedHandshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.EXPIRED), "localhost");
        String line = TlsErrors.describe(f.client());
        assertTrue(line.startsWith("certificate has expired: CN=localhost (valid until "), line);
        assertEquals(TlsCertificateException.Reason.EXPIRED, reason(f.client()));
    }

    @Test
    void aTls12OnlyClientAndATls13OnlyServerShareNoProtocol() throws Exception {
        Fixtures.Failure f = Fixtures.failedHandshake(Fixtures.clientTrustingCa().withProtocols("TLSv1.2"),
                Fixtures.server(Fixtures.LOCALHOST).withProtocols("TLSv1.3"), "localhost");
        String c = TlsErrors.describe(f.client());
        String s = TlsErrors.describe(f.server());
        assertTrue(c.startsWith("no shared protocol version"), c);
        assertTrue(s.startsWith("no shared protocol version"), s);
    }

    @Test
    void aPinnedFingerprintMustMatch() throws Exception {
        TlsConfig client = TlsConfig.client().withPin(TlsConfig.fingerprint(Fixtures.RSA_LOCALHOST.leaf()));
        Fixtures.Failure f = Fixtures.failedHandshake(client, Fixtures.server(Fixtures.LOCALHOST), "localhost");
        String line = TlsErrors.describe(f.client());
        assertEquals("certificate does not match the pinned SHA-256 fingerprint: CN=localhost has "
                + TlsConfig.fingerprint(Fixtures.LOCALHOST.leaf()), line);
    }

    @Test
    void aMatchingPinNeedsNoCaAndAcceptsLowerCaseWithoutColons() throws Exception {
        String pin = TlsConfig.fingerprint(Fixtures.WRONG_HOST.leaf()).replace(":", "").toLowerCase();
        try (Fixtures.Pair p = Fixtures.handshake(TlsConfig.client().withPin(pin), Fixtures.server(Fixtures.WRONG_HOST), "localhost")) {
            assertEquals("CN=other.example", p.client().session().peerSubject());
        }
        assertThrows(IllegalArgumentException.class, () -> TlsConfig.client().withPin("12:34"));
    }

    @Test
    void insecureModeTrustsAnythingAndWarns() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Fixtures.Pair p = Fixtures.handshake(TlsConfig.client().withInsecure(), Fixtures.server(Fixtures.EXPIRED), "nobody.example")) {
            assertEquals("CN=localhost", p.client().session().peerSubject());
        } finally {
            System.setErr(err);
        }
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("jsock: warning: insecure TLS"), captured.toString());
    }

    private static TlsCertificateException.Reason reason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TlsCertificateException e) return e.reason();
        }
        return null;
    }

    // ==== bulk, non-blocking, views ==========================================================

    @Test
    void sixtyFourMibArriveIntactBySha256() throws Exception {
        final int total = 64 << 20;
        try (Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.LOCALHOST), "localhost")) {
            Fixtures.Async<byte[]> receiver = async(() -> {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                long n = 0;
                int r;
                while ((r = p.server().recv(buf.clear())) != TlsSocket.EOF) {
                    md.update(buf.flip());
                    n += r;
                }
                assertEquals(total, n);
                return md.digest();
            });
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Random rnd = new Random(7);
            byte[] chunk = new byte[100_000]; // not a record multiple, on purpose
            long sent = 0;
            while (sent < total) {
                int len = (int) Math.min(chunk.length, total - sent);
                rnd.nextBytes(chunk);
                md.update(chunk, 0, len);
                p.client().sendAll(chunk, 0, len);
                sent += len;
            }
            p.client().shutdownOutput();
            assertEquals(HexFormat.of().formatHex(md.digest()), HexFormat.of().formatHex(receiver.get()));
        }
    }

    @Test
    void nonBlockingEndsDrivenByOnePollerThread() throws Exception {
        Socket[] raw = Fixtures.tcpPair();
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        try (TlsSocket c = TlsSocket.client(raw[0], Fixtures.clientTrustingCa(), "localhost", 443);
             TlsSocket s = TlsSocket.server(raw[1], Fixtures.server(Fixtures.LOCALHOST));
             Poller poller = Poller.open()) {
            c.configureBlocking(false);
            s.configureBlocking(false);
            assertEquals(TlsSocket.WOULD_BLOCK, s.handshake(), "nothing from the client yet");
            assertEquals(Poller.IN, s.waitingFor());
            poller.add(raw[0].fd(), Poller.IN, c);
            poller.add(raw[1].fd(), Poller.IN, s);
            ByteBuffer toSend = ByteBuffer.wrap(data);
            ByteBuffer echo = ByteBuffer.allocate(64 * 1024).flip(); // server: received, not yet sent back
            ByteBuffer back = ByteBuffer.allocate(data.length);       // client: what came back
            long deadline = System.nanoTime() + Fixtures.WAIT.toNanos();
            while (back.hasRemaining()) {
                assertTrue(System.nanoTime() < deadline, "timed out at " + back.position() + " bytes");
                int cw = Poller.IN;
                // client: send what it can, read what came back
                if (toSend.hasRemaining()) {
                    int n = c.send(toSend);
                    if (n == TlsSocket.WOULD_BLOCK) cw = c.waitingFor();
                    else if (c.hasPendingOutput()) cw |= Poller.OUT;
                } else if (c.flush() == TlsSocket.WOULD_BLOCK) {
                    cw |= Poller.OUT;
                }
                int n;
                while ((n = c.recv(back)) > 0) { /* drain */ }
                if (n == TlsSocket.WOULD_BLOCK) cw |= c.waitingFor();
                // server: echo
                int sw = Poller.IN;
                while (true) {
                    if (echo.hasRemaining()) {
                        int w = s.send(echo);
                        if (w == TlsSocket.WOULD_BLOCK || echo.hasRemaining()) {
                            sw = Poller.OUT;
                            break;
                        }
                    }
                    if (s.hasPendingOutput() && s.flush() == TlsSocket.WOULD_BLOCK) {
                        sw = Poller.OUT;
                        break;
                    }
                    echo.clear();
                    int r = s.recv(echo);
                    echo.flip();
                    if (r == TlsSocket.WOULD_BLOCK) {
                        sw = s.waitingFor();
                        break;
                    }
                    assertTrue(r > 0, "server recv " + r);
                }
                poller.modify(raw[0].fd(), cw);
                poller.modify(raw[1].fd(), sw);
                poller.poll(100);
            }
            assertArrayEquals(data, back.array());
            assertEquals("TLSv1.3", c.session().protocol());
            poller.remove(raw[0].fd());
            poller.remove(raw[1].fd());
        }
    }

    @Test
    void streamAndChannelViewsCarryTheBytes() throws Exception {
        try (Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.LOCALHOST), "localhost")) {
            OutputStream out = p.client().outputStream();
            out.write(7);
            out.write(HELLO);
            out.flush();
            DataInputStream in = new DataInputStream(p.server().inputStream());
            assertEquals(7, in.read());
            byte[] got = new byte[HELLO.length];
            in.readFully(got);
            assertArrayEquals(HELLO, got);

            ByteChannel sch = p.server().channel();
            ByteChannel cch = p.client().channel();
            assertEquals(HELLO.length, sch.write(ByteBuffer.wrap(HELLO)));
            ByteBuffer dst = ByteBuffer.allocate(HELLO.length);
            while (dst.hasRemaining()) assertTrue(cch.read(dst) > 0);
            assertArrayEquals(HELLO, dst.array());
            p.server().shutdownOutput();
            assertEquals(-1, cch.read(ByteBuffer.allocate(4)));
            assertEquals(-1, p.client().inputStream().read());
            cch.close();
            assertFalse(cch.isOpen());
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsThrow() throws Exception {
        Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.LOCALHOST), "localhost");
        p.client().close();
        p.client().close();
        assertTrue(p.client().isClosed());
        assertThrows(org.jsock.net.SocketClosedException.class, () -> p.client().recv(new byte[1]));
        assertThrows(org.jsock.net.SocketClosedException.class, () -> p.client().send(new byte[1]));
        assertEquals(TlsSocket.EOF, p.server().recv(new byte[1]), "the close sent close_notify");
        p.server().close();
    }

    @Test
    void connectDoesTheHandshakeAndClosesOnFailure() throws Exception {
        try (Socket l = Socket.listenOn(SockAddr.Inet4.loopback(0), 8)) {
            TlsConfig server = TlsConfig.server();
            Fixtures.Async<String> srv = async(() -> {
                for (int i = 0; i < 2; i++) {
                    try (Socket a = l.accept()) {
                        Fixtures.bound(a);
                        try (TlsSocket t = TlsSocket.server(a, server)) {
                            byte[] b = new byte[HELLO.length];
                            if (t.recvFully(b, 0, b.length) == b.length) t.sendAll(b, 0, b.length);
                        } catch (SSLException expected) {
                            // the untrusting client
                        }
                    }
                }
                return "done";
            });
            assertThrows(SSLException.class, () -> TlsSocket.connect(l.localAddress(), "localhost", TlsConfig.client(), Fixtures.WAIT));
            try (TlsSocket t = TlsSocket.connect(l.localAddress(), "localhost", TlsConfig.client().withPin(server.fingerprint()), Fixtures.WAIT)) {
                t.sendAll(HELLO, 0, HELLO.length);
                byte[] b = new byte[HELLO.length];
                assertEquals(HELLO.length, t.recvFully(b, 0, b.length));
                assertTrue(t.toString().contains("TLSv1.3"));
            }
            assertEquals("done", srv.get());
        }
    }

    @Test
    void tinyReadsStillReassembleRecords() throws Exception {
        try (Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.LOCALHOST), "localhost")) {
            byte[] big = new byte[50_000];
            new Random(1).nextBytes(big);
            Fixtures.Async<Integer> w = async(() -> {
                p.server().sendAll(big, 0, big.length);
                return 0;
            });
            byte[] got = new byte[big.length];
            int off = 0;
            while (off < got.length) {
                int n = p.client().recv(got, off, 1);
                assertEquals(1, n);
                off++;
            }
            w.get();
            assertTrue(Arrays.equals(big, got));
            assertNotNull(p.client().session());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void oneByteReadsAndSevenByteWritesThroughACustomTransport(String version) throws Exception {
        Socket[] raw = Fixtures.tcpPair();
        try (TlsSocket c = TlsSocket.client(new StingyTransport(Transport.of(raw[0]), 1, 7), Fixtures.clientTrustingCa().withProtocols(version), "localhost", 443);
             TlsSocket s = TlsSocket.server(new StingyTransport(Transport.of(raw[1]), 1, 7), Fixtures.server(Fixtures.LOCALHOST))) {
            byte[] data = new byte[40_000];
            new Random(5).nextBytes(data);
            Fixtures.Async<byte[]> echo = async(() -> {
                byte[] b = new byte[data.length];
                s.recvFully(b, 0, b.length);
                s.sendAll(b, 0, b.length);
                s.shutdownOutput();
                return b;
            });
            c.sendAll(data, 0, data.length);
            byte[] back = new byte[data.length];
            assertEquals(data.length, c.recvFully(back, 0, back.length));
            assertEquals(TlsSocket.EOF, c.recv(new byte[1]));
            assertArrayEquals(data, echo.get());
            assertArrayEquals(data, back);
            assertEquals(version, c.session().protocol());
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedRecv() throws Exception {
        try (Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa(), Fixtures.server(Fixtures.LOCALHOST), "localhost")) {
            Fixtures.Async<Integer> blocked = async(() -> p.client().recv(new byte[10]));
            Thread.sleep(100); // let it block in recv(2)
            p.client().close();
            Throwable t = blocked.failure();
            assertTrue(t instanceof org.jsock.net.SocketClosedException, String.valueOf(t));
        }
    }
}
