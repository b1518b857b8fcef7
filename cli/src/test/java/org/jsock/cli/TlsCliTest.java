package org.jsock.cli;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** --tls on the command: round trips, the trace's summary line, and each failure as one line with status 1. */
@ExtendWith(FdLeakCheck.class)
class TlsCliTest {
    private static final long START_MS = 20_000;
    private static final Pattern PIN = Pattern.compile("--pin ([0-9A-F:]{95})");

    @TempDir static Path dir;
    static Path cert;
    static Path key;

    /** A certificate for localhost and 127.0.0.1, made by openssl (a real peer's tool). */
    @BeforeAll
    static void makeCertificate() throws Exception {
        ChildProcess.freePort(); // java.net keeps one socket of its own for the JVM's life: open it before fds are counted
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl req failed");
    }

    @Test
    void connectPinsTheEphemeralCertificateAndTracesTheHandshake() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = ChildProcess.jsock("-v", "listen", "--tls", "127.0.0.1", "" + port)) {
            server.awaitStderr("listening on", START_MS);
            Matcher m = PIN.matcher(server.stderr());
            assertTrue(m.find(), server.describe());
            try (ChildProcess client = ChildProcess.jsock("--trace", "connect", "--tls", "--pin", m.group(1), "127.0.0.1", "" + port)) {
                client.input("over tls\n");
                server.awaitStdout("over tls\n", START_MS);
                server.closeInput();
                assertEquals(0, client.waitFor(30), client.describe());
                String err = client.stderr();
                assertTrue(err.contains("connect(") && err.contains("sendto("), "the handshake's socket calls are traced: " + err);
                assertTrue(err.lines().anyMatch(l -> l.matches("jsock: tls: TLSv1\\.[23] TLS_\\S+, peer CN=localhost.*")),
                        "one summary line: " + err);
            }
            assertEquals(0, server.waitFor(30), server.describe());
        }
    }

    @Test
    void anUntrustedCertificateIsOneLineAndStatusOne() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = ChildProcess.jsock("-v", "listen", "--tls", "127.0.0.1", "" + port)) {
            server.awaitStderr("listening on", START_MS);
            try (ChildProcess client = ChildProcess.jsock("connect", "--tls", "127.0.0.1", "" + port)) {
                client.closeInput();
                assertEquals(1, client.waitFor(30), client.describe());
                assertEquals(List.of("jsock: tls 127.0.0.1:" + port + ": certificate is not trusted: CN=localhost is self-signed and not in the trust store"),
                        client.stderr().lines().toList());
            }
        }
    }

    @Test
    void cafileTrustsTheServerAndAWrongNameIsRefused() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = ChildProcess.jsock("-v", "listen", "-k", "--tls", "--cert", cert.toString(), "--key", key.toString(),
                "127.0.0.1", "" + port)) {
            server.awaitStderr("listening on", START_MS);
            try (ChildProcess ok = ChildProcess.jsock("connect", "--tls", "--cafile", cert.toString(), "127.0.0.1", "" + port)) {
                ok.input("trusted\n");
                server.awaitStdout("trusted\n", START_MS);
                assertEquals(0, ok.waitFor(30), ok.describe());
            }
            try (ChildProcess wrong = ChildProcess.jsock("connect", "--tls", "--cafile", cert.toString(), "--sni", "other.example",
                    "127.0.0.1", "" + port)) {
                wrong.closeInput();
                assertEquals(1, wrong.waitFor(30), wrong.describe());
                String line = wrong.stderr().strip();
                assertTrue(line.startsWith("jsock: tls 127.0.0.1:" + port + ": hostname mismatch: ") && !line.contains("\n")
                        && line.contains("'other.example'"), line);
            }
        }
    }

    @Test
    void insecureWarnsAndConnects() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = ChildProcess.jsock("-v", "listen", "--tls", "127.0.0.1", "" + port)) {
            server.awaitStderr("listening on", START_MS);
            try (ChildProcess client = ChildProcess.jsock("connect", "--tls", "--insecure", "127.0.0.1", "" + port)) {
                client.input("anyway\n");
                server.awaitStdout("anyway\n", START_MS);
                server.closeInput();
                assertEquals(0, client.waitFor(30), client.describe());
                assertTrue(client.stderr().toLowerCase().contains("warning"), client.describe());
            }
        }
    }

    @Test
    void serveEchoOverTlsOnTheEventLoop() throws Exception {
        int port = ChildProcess.freePort();
        try (ChildProcess server = ChildProcess.jsock("serve", "echo", "--port", "" + port, "--host", "127.0.0.1", "--tls",
                "--cert", cert.toString(), "--key", key.toString(), "--model", "loop")) {
            server.awaitStderr("serving echo over TLS", START_MS);
            try (ChildProcess client = ChildProcess.jsock("connect", "--tls", "--cafile", cert.toString(), "127.0.0.1", "" + port)) {
                client.input("echo me\n");
                assertEquals(0, client.waitFor(30), client.describe());
                assertEquals("echo me\n", new String(client.stdoutBytes()));
            }
        }
    }

    @Test
    void tlsOptionsWithoutTlsAreAUsageError() throws Exception {
        try (ChildProcess c = ChildProcess.jsock("connect", "--cafile", "x.pem", "127.0.0.1", "1")) {
            c.closeInput();
            assertEquals(2, c.waitFor(30), c.describe());
            assertEquals("jsock: TLS options need --tls", c.stderr().strip());
        }
        try (ChildProcess c = ChildProcess.jsock("connect", "--tls", "-u", "127.0.0.1", "1")) {
            c.closeInput();
            assertEquals(2, c.waitFor(30), c.describe());
        }
    }
}
