package org.jsock.tls;

import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A small PKI made once per run with BouncyCastle, and loopback plumbing with bounded waits. */
final class Fixtures {
    private Fixtures() {}

    static final Duration WAIT = Duration.ofSeconds(20);
    private static final Instant NOW = Instant.now();
    private static final Instant YESTERDAY = NOW.minus(Duration.ofDays(1));
    private static final Instant TOMORROW = NOW.plus(Duration.ofDays(1));

    static final Identity CA = CertGen.ca(CertGen.ecKeyPair(), "jsock test CA", YESTERDAY, NOW.plus(Duration.ofDays(30)));
    static final Identity OTHER_CA = CertGen.ca(CertGen.ecKeyPair(), "some other CA", YESTERDAY, TOMORROW);
    /** localhost, 127.0.0.1, ::1, signed by CA. */
    static final Identity LOCALHOST = CertGen.issued(CA, CertGen.ecKeyPair(), "localhost", CertGen.LOCAL_NAMES, YESTERDAY, TOMORROW);
    static final Identity RSA_LOCALHOST = CertGen.issued(CA, CertGen.rsaKeyPair(2048), "localhost", CertGen.LOCAL_NAMES, YESTERDAY, TOMORROW);
    /** Expired a day ago. */
    static final Identity EXPIRED = CertGen.issued(CA, CertGen.ecKeyPair(), "localhost", CertGen.LOCAL_NAMES,
            NOW.minus(Duration.ofDays(10)), YESTERDAY);
    /** For a name that is not ours. */
    static final Identity WRONG_HOST = CertGen.issued(CA, CertGen.ecKeyPair(), "other.example", List.of("other.example"), YESTERDAY, TOMORROW);

    static TlsConfig server(Identity id) { return TlsConfig.server().withIdentity(id); }

    static TlsConfig clientTrustingCa() { return TlsConfig.client().withTrusted(List.of(CA.leaf())); }

    /** A connected loopback TCP pair {client, server}, with receive and send timeouts so no wait is unbounded. */
    static Socket[] tcpPair() throws IOException {
        try (Socket l = Socket.listenOn(SockAddr.Inet4.loopback(0), 8)) {
            Socket c = Socket.connectTo(l.localAddress());
            Socket s;
            try {
                s = l.accept();
            } catch (IOException e) {
                c.close();
                throw e;
            }
            bound(c, s);
            return new Socket[] {c, s};
        }
    }

    static void bound(Socket... sockets) throws IOException {
        for (Socket s : sockets) {
            s.set(SockOpt.SO_RCVTIMEO, WAIT);
            s.set(SockOpt.SO_SNDTIMEO, WAIT);
        }
    }

    /** A TLS client connected to {@code addr} and past its handshake, every wait bounded by socket timeouts. */
    static TlsSocket connect(SockAddr addr, String host, TlsConfig config) throws IOException {
        Socket s = Socket.open(addr.family(), org.jsock.net.SockType.STREAM);
        try {
            bound(s);
            s.connect(addr, WAIT);
            int port = addr instanceof SockAddr.Inet4 a ? a.port() : -1;
            TlsSocket t = TlsSocket.client(s, config, host, port);
            t.handshake();
            return t;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Runs {@code body} on its own platform thread. */
    static <T> Async<T> async(Callable<T> body) {
        FutureTask<T> f = new FutureTask<>(body);
        Thread.ofPlatform().daemon().name("tls-test-peer").start(f);
        return new Async<>(f);
    }

    record Async<T>(FutureTask<T> task) {
        T get() throws Exception {
            try {
                return task.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception x) throw x;
                throw e;
            } catch (TimeoutException e) {
                task.cancel(true);
                throw e;
            }
        }

        /** What it threw, or null if it returned. */
        Throwable failure() throws Exception {
            try {
                task.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }

    /** Both ends of a handshake over a TCP pair. */
    record Pair(TlsSocket client, TlsSocket server) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            server.close();
        }
    }

    /** A TCP pair with TLS on both ends and the handshake done. */
    static Pair handshake(TlsConfig clientConfig, TlsConfig serverConfig, String host) throws Exception {
        Socket[] p = tcpPair();
        TlsSocket c = TlsSocket.client(p[0], clientConfig, host, 443);
        TlsSocket s = TlsSocket.server(p[1], serverConfig);
        try {
            Async<Integer> sh = async(s::handshake);
            c.handshake();
            sh.get();
            return new Pair(c, s);
        } catch (Exception e) {
            c.close();
            s.close();
            throw e;
        }
    }

    /** The exceptions each end's handshake threw, when it is meant to fail. */
    record Failure(Throwable client, Throwable server) {}

    static Failure failedHandshake(TlsConfig clientConfig, TlsConfig serverConfig, String host) throws Exception {
        Socket[] p = tcpPair();
        try (TlsSocket c = TlsSocket.client(p[0], clientConfig, host, 443); TlsSocket s = TlsSocket.server(p[1], serverConfig)) {
            Async<Integer> sh = async(() -> {
                s.handshake();
                // A TLS 1.3 server finishes before the client has checked its certificate: read to see the alert.
                s.recv(new byte[1]);
                return 0;
            });
            Throwable client = null;
            try {
                c.handshake();
                c.recv(new byte[1]);
            } catch (Exception e) {
                client = e;
            }
            return new Failure(client, sh.failure());
        }
    }

    static Path write(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.US_ASCII);
        return f;
    }

    static String pem(Identity id) {
        StringBuilder sb = new StringBuilder();
        for (var c : id.chain()) sb.append(Pem.certificate(c));
        return sb.toString();
    }
}
