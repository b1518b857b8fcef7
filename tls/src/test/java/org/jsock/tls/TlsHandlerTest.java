package org.jsock.tls;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.server.Connection;
import org.jsock.server.Handler;
import org.jsock.server.Model;
import org.jsock.server.Server;
import org.jsock.server.ServerConfig;
import org.jsock.server.Services;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(FdLeakCheck.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsHandlerTest {
    private static final TlsConfig SERVER = TlsConfig.server();
    private static final TlsConfig CLIENT = TlsConfig.client().withPin(SERVER.fingerprint());

    private static Server start(Model model, Supplier<Handler> handlers, List<String> log) throws Exception {
        ServerConfig cfg = ServerConfig.on(SockAddr.Inet4.loopback(0)).withModel(model).withThreads(2).withLog(log::add);
        return Server.start(cfg, TlsHandler.wrap(handlers, SERVER, log::add));
    }

    private static TlsSocket connect(Server s, TlsConfig client) throws Exception {
        return Fixtures.connect(s.address(), "localhost", client);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void encryptedEchoRunsOnEveryModel(Model model) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        byte[] data = new byte[300_000];
        new Random(model.ordinal()).nextBytes(data);
        try (Server s = start(model, Services::echo, log); TlsSocket t = connect(s, CLIENT)) {
            Fixtures.Async<Integer> writer = Fixtures.async(() -> {
                t.sendAll(data, 0, data.length);
                return 0;
            });
            byte[] back = new byte[data.length];
            assertEquals(data.length, t.recvFully(back, 0, back.length));
            writer.get();
            assertArrayEquals(data, back);
            t.shutdownOutput();
            assertEquals(TlsSocket.EOF, t.recv(new byte[1]), "the server answers close_notify with close_notify");
        }
        assertTrue(log.isEmpty(), log.toString());
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void helloIsSentAfterTheHandshakeAndEndsWithCloseNotify(Model model) throws Exception {
        try (Server s = start(model, Services::hello, new CopyOnWriteArrayList<>()); TlsSocket t = connect(s, CLIENT.withProtocols("TLSv1.2"))) {
            byte[] b = new byte[100];
            int n = t.recvFully(b, 0, b.length);
            assertEquals("Hello from server!\n", new String(b, 0, n, StandardCharsets.US_ASCII));
            assertEquals(TlsSocket.EOF, t.recv(b));
            assertEquals("TLSv1.2", t.session().protocol());
        }
    }

    @Test
    void theInnerHandlerSeesTheSessionAndATruncation() throws Exception {
        CompletableFuture<TlsSession> session = new CompletableFuture<>();
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        Supplier<Handler> inner = () -> new Handler() {
            @Override public void onAccept(Connection c) { session.complete(TlsHandler.session(c)); }
            @Override public void onRead(Connection c, ByteBuffer in) { c.write(in); }
            @Override public void onClose(Connection c, Throwable cause) { closed.complete(cause); }
        };
        try (Server s = start(Model.LOOP, inner, new CopyOnWriteArrayList<>())) {
            TlsSocket t = connect(s, CLIENT.withAlpn("echo").withServerName("localhost"));
            t.sendAll(new byte[] {1, 2, 3}, 0, 3);
            assertEquals(3, t.recvFully(new byte[3], 0, 3));
            ((SocketTransport) t.transport()).socket().close(); // FIN without close_notify
            t.close();
            TlsSession ss = session.get(20, TimeUnit.SECONDS);
            assertEquals("localhost", ss.serverName());
            assertEquals("TLSv1.3", ss.protocol());
            Throwable cause = closed.get(20, TimeUnit.SECONDS);
            assertInstanceOf(TlsTruncationException.class, cause);
        }
    }

    @Test
    void aClientThatRefusesTheCertificateIsLoggedInOneLine() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (Server s = start(Model.LOOP, Services::echo, log)) {
            SSLException e = assertThrows(SSLException.class, () -> connect(s, TlsConfig.client()));
            assertEquals("certificate is not trusted: CN=localhost is self-signed and not in the trust store", TlsErrors.describe(e));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (log.isEmpty() && System.nanoTime() < end) Thread.sleep(10);
            assertEquals(1, log.size(), log.toString());
            assertTrue(log.getFirst().matches("TLS handshake with 127\\.0\\.0\\.1:\\d+ failed: the peer rejected our certificate .*"), log.getFirst());
        }
    }

    @Test
    void plaintextOnTheTlsPortFailsTheHandshakeOnly() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (Server s = start(Model.VIRTUAL, Services::echo, log); Socket raw = Socket.connectTo(s.address())) {
            Fixtures.bound(raw);
            byte[] get = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            raw.sendAll(get, 0, get.length);
            byte[] b = new byte[1024];
            int n;
            while ((n = raw.recv(b)) > 0) { /* an alert, then the close */ }
            assertEquals(Socket.EOF, n);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (log.isEmpty() && System.nanoTime() < end) Thread.sleep(10);
            assertTrue(log.getFirst().contains("failed: "), log.toString());
            // and the server goes on serving
            try (TlsSocket t = connect(s, CLIENT)) {
                t.sendAll(new byte[] {9}, 0, 1);
                assertEquals(1, t.recvFully(new byte[1], 0, 1));
            }
        }
    }
}
