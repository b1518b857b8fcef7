package org.jsock.tls;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Certificates and keys from files: PEM (PKCS#8, PKCS#1, SEC1), PKCS#12, CA files; and the errors. */
@ExtendWith(FdLeakCheck.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsConfigTest {
    @TempDir
    Path dir;

    private void handshakeWith(TlsConfig server) throws Exception {
        try (Fixtures.Pair p = Fixtures.handshake(Fixtures.clientTrustingCa(), server, "localhost")) {
            p.client().sendAll(new byte[] {1}, 0, 1);
            assertEquals(1, p.server().recvFully(new byte[1], 0, 1));
        }
    }

    @Test
    void pemCertificateAndPkcs8KeysLoadForEcAndRsa() throws Exception {
        for (Identity id : new Identity[] {Fixtures.LOCALHOST, Fixtures.RSA_LOCALHOST}) {
            Path cert = Fixtures.write(dir, "cert.pem", Fixtures.pem(id));
            Path key = Fixtures.write(dir, "key.pem", Pem.privateKey(id.key()));
            TlsConfig server = TlsConfig.server().withCertificate(cert, key);
            assertFalse(server.isEphemeral());
            assertEquals(TlsConfig.fingerprint(id.leaf()), server.fingerprint());
            handshakeWith(server);
        }
    }

    @Test
    void aKeyForAnotherCertificateIsRefused() throws Exception {
        Path cert = Fixtures.write(dir, "cert.pem", Fixtures.pem(Fixtures.LOCALHOST));
        Path key = Fixtures.write(dir, "key.pem", Pem.privateKey(Fixtures.WRONG_HOST.key()));
        IOException e = assertThrows(IOException.class, () -> TlsConfig.server().withCertificate(cert, key));
        assertEquals("key file " + key + " does not match the certificate in " + cert, e.getMessage());
    }

    @Test
    void missingAndMalformedFilesSayWhichFile() throws Exception {
        Path none = dir.resolve("nope.pem");
        IOException e = assertThrows(IOException.class, () -> TlsConfig.client().withCaFile(none));
        assertTrue(e.getMessage().startsWith("cannot read certificate file " + none), e.getMessage());
        Path junk = Fixtures.write(dir, "junk.pem", "not a certificate\n");
        e = assertThrows(IOException.class, () -> TlsConfig.client().withCaFile(junk));
        assertTrue(e.getMessage().contains(junk.toString()), e.getMessage());
        Path cert = Fixtures.write(dir, "cert.pem", Fixtures.pem(Fixtures.LOCALHOST));
        e = assertThrows(IOException.class, () -> TlsConfig.server().withCertificate(cert, cert));
        assertEquals("no private key in " + cert + " (expected a '-----BEGIN PRIVATE KEY-----' block)", e.getMessage());
        Path enc = Fixtures.write(dir, "enc.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
        e = assertThrows(IOException.class, () -> TlsConfig.server().withCertificate(cert, enc));
        assertTrue(e.getMessage().startsWith("key file " + enc + " is encrypted"), e.getMessage());
    }

    @Test
    void aPkcs12KeystoreLoadsAndAWrongPasswordIsSaidSo() throws Exception {
        char[] pass = "s3cret".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", Fixtures.RSA_LOCALHOST.key(), pass, Fixtures.RSA_LOCALHOST.chain().toArray(new Certificate[0]));
        Path p12 = dir.resolve("server.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, pass);
        }
        TlsConfig server = TlsConfig.server().withPkcs12(p12, pass);
        assertEquals(TlsConfig.fingerprint(Fixtures.RSA_LOCALHOST.leaf()), server.fingerprint());
        handshakeWith(server);
        IOException e = assertThrows(IOException.class, () -> TlsConfig.server().withPkcs12(p12, "wrong".toCharArray()));
        assertEquals("cannot open PKCS#12 file " + p12 + ": wrong password", e.getMessage());
    }

    @Test
    void aCaFileMayHoldSeveralCertificates() throws Exception {
        Path cas = Fixtures.write(dir, "cas.pem", Pem.certificate(Fixtures.OTHER_CA.leaf()) + Pem.certificate(Fixtures.CA.leaf()));
        TlsConfig client = TlsConfig.client().withCaFile(cas);
        try (Fixtures.Pair p = Fixtures.handshake(client, Fixtures.server(Fixtures.LOCALHOST), "localhost")) {
            assertEquals("CN=localhost", p.client().session().peerSubject());
        }
    }

    @Test
    void opensslTraditionalKeyFormatsLoadToo() throws Exception {
        assumeTrue(Proc.installed("/usr/bin/openssl"), "openssl not installed");
        for (String alg : new String[] {"RSA", "EC"}) {
            Path pk8 = dir.resolve(alg + "-pk8.pem");
            Path trad = dir.resolve(alg + "-trad.pem");
            Path cert = dir.resolve(alg + "-cert.pem");
            String[] gen = alg.equals("RSA")
                    ? new String[] {"/usr/bin/openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pk8.toString()}
                    : new String[] {"/usr/bin/openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pk8.toString()};
            run(gen);
            run("/usr/bin/openssl", "pkey", "-in", pk8.toString(), "-traditional", "-out", trad.toString());
            run("/usr/bin/openssl", "req", "-x509", "-key", pk8.toString(), "-subj", "/CN=localhost", "-days", "1",
                    "-addext", "subjectAltName=DNS:localhost", "-out", cert.toString());
            String header = Files.readAllLines(trad).getFirst();
            assertEquals("-----BEGIN " + alg + " PRIVATE KEY-----", header);
            for (Path key : new Path[] {pk8, trad}) {
                TlsConfig server = TlsConfig.server().withCertificate(cert, key);
                try (Fixtures.Pair p = Fixtures.handshake(TlsConfig.client().withCaFile(cert), server, "localhost")) {
                    assertEquals(alg, p.client().session().sslSession().getPeerCertificates()[0].getPublicKey().getAlgorithm());
                }
            }
        }
    }

    private static void run(String... cmd) throws Exception {
        try (Proc p = Proc.start(cmd)) {
            assertEquals(0, p.waitFor(Duration.ofSeconds(20)), String.join(" ", cmd) + ": " + p.transcript());
        }
    }

    @Test
    void configsAreValuesThatSayWhatTheyAre() throws Exception {
        TlsConfig c = TlsConfig.client().withAlpn("h2").withServerName("example.org").withProtocols("TLSv1.3");
        assertEquals("TlsConfig[CLIENT [TLSv1.3] alpn=[h2] sni=example.org system-trust]", c.toString());
        assertTrue(TlsConfig.client().withInsecure().isInsecure());
        assertFalse(TlsConfig.client().withInsecure().withPin("00".repeat(32)).isInsecure(), "a pin is not insecure");
        assertThrows(IllegalArgumentException.class, () -> TlsConfig.client().withProtocols("SSLv3"));
        assertThrows(IllegalArgumentException.class, () -> TlsConfig.client().withServerName("bad name!"));
        org.jsock.net.Socket[] pair = org.jsock.net.Socket.pair(org.jsock.net.SockType.STREAM);
        try {
            assertThrows(IllegalArgumentException.class, () -> TlsSocket.server(pair[0], c), "a client config on a server end");
        } finally {
            pair[0].close();
            pair[1].close();
        }
        assertEquals(32, TlsConfig.parseFingerprint("SHA256 Fingerprint=" + "AB:".repeat(31) + "AB").length);
        assertEquals(null, TlsConfig.client().fingerprint());
    }
}
