package org.jsock.bench;

import org.jsock.net.DatagramBatch;
import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.server.Model;
import org.jsock.server.Server;
import org.jsock.server.ServerConfig;
import org.jsock.server.Services;
import org.jsock.tls.TlsConfig;
import org.jsock.tls.TlsHandler;
import org.jsock.tls.TlsSocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The jsock peers: Services.echo and Services.discard on each server model as jsock ships it (no
 * option changed but the model, and for LOOPS the loop count and SO_REUSEPORT), UDP echoes on a
 * plain {@link Socket} (one datagram per call, or batches of up to 64 with sendmmsg/recvmmsg), and TLS
 * discard servers on {@link TlsHandler} (one loop) and on blocking
 * {@link TlsSocket}s (a thread per connection).
 */
final class JsockPeers {
    private JsockPeers() {}

    /** Event loops for LOOPS: set with -Djsock.bench.loops (default 2). */
    static final int LOOPS = Integer.getInteger("jsock.bench.loops", 2);

    private static final SockAddr ANY_PORT = SockAddr.Inet4.loopback(0);

    static Peer.Running tcp(String model) throws IOException {
        ServerConfig base = ServerConfig.on(ANY_PORT);
        ServerConfig cfg = switch (model) {
            case "loops-reuseport" -> base.withModel(Model.LOOPS).withThreads(LOOPS).withReusePort(true);
            case "loops-acceptor" -> base.withModel(Model.LOOPS).withThreads(LOOPS).withReusePort(false);
            default -> base.withModel(Model.valueOf(model.toUpperCase(Locale.ROOT)));
        };
        Server echo = Server.start(cfg, Services::echo);
        Server discard = Server.start(cfg, Services::discard);
        String ports = "echo=" + port(echo.address()) + " discard=" + port(discard.address());
        return new Peer.Running() {
            @Override public String ports() { return ports; }
            @Override public void close() {
                echo.close();
                discard.close();
            }
        };
    }

    private static int port(SockAddr a) {
        return ((SockAddr.Inet4) a).port();
    }

    static Peer.Running udp() throws IOException {
        Socket s = Socket.udp(Family.INET);
        s.set(SockOpt.SO_RCVBUF, 4 * 1024 * 1024);
        s.bind(ANY_PORT);
        Thread.ofPlatform().name("jsock-udp").start(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            try {
                while (true) {
                    buf.clear();
                    SockAddr from = s.recvFrom(buf);
                    buf.flip();
                    s.sendTo(buf, from);
                }
            } catch (IOException e) {
                // closed: done
            }
        });
        String ports = "udp=" + port(s.localAddress());
        return new Peer.Running() {
            @Override public String ports() { return ports; }
            @Override public void close() { s.close(); }
        };
    }

    /** Datagrams per recvmmsg/sendmmsg in jsock-udp-batch: the same as C's udp_echo batch. */
    static final int UDP_BATCH = 64;

    /**
     * UDP echo in batches: recvBatch waits for one datagram and takes up to 64 that are queued
     * (recvmmsg with MSG_WAITFORONE), sendBatch sends their echoes back to each sender (sendmmsg), as
     * bench/c/udp_echo.c batch does.
     */
    static Peer.Running udpBatch() throws IOException {
        Socket s = Socket.udp(Family.INET);
        s.set(SockOpt.SO_RCVBUF, 4 * 1024 * 1024);
        s.bind(ANY_PORT);
        Thread.ofPlatform().name("jsock-udp-batch").start(() -> {
            DatagramBatch batch = new DatagramBatch(UDP_BATCH, 2048);
            try {
                while (true) {
                    int n = s.recvBatch(batch);
                    for (int sent = 0; sent < n; ) {
                        int k = s.sendBatch(batch, sent, n - sent);
                        if (k <= 0) break;
                        sent += k;
                    }
                }
            } catch (IOException e) {
                // closed: done
            }
        });
        String ports = "udp=" + port(s.localAddress());
        return new Peer.Running() {
            @Override public String ports() { return ports; }
            @Override public void close() { s.close(); }
        };
    }

    private static TlsConfig serverConfig(Path cert, Path key) throws IOException {
        return TlsConfig.server().withCertificate(cert, key);
    }

    /** TLS discard in one event loop: TlsHandler around Services.discard. */
    static Peer.Running tlsLoop(Path cert, Path key) throws IOException {
        ServerConfig cfg = ServerConfig.on(ANY_PORT).withModel(Model.LOOP);
        Server s = Server.start(cfg, TlsHandler.wrap(Services::discard, serverConfig(cert, key)));
        String ports = "tls=" + port(s.address());
        return new Peer.Running() {
            @Override public String ports() { return ports; }
            @Override public void close() { s.close(); }
        };
    }

    /** TLS discard on blocking TlsSockets: an accept loop and a platform thread per connection. */
    static Peer.Running tlsSocket(Path cert, Path key) throws IOException {
        TlsConfig cfg = serverConfig(cert, key);
        cfg.sslContext();
        Socket listener = Socket.listenOn(ANY_PORT, 4096);
        Thread.ofPlatform().name("jsock-tls-accept").start(() -> {
            while (true) {
                Socket c;
                try {
                    c = listener.accept();
                } catch (SocketClosedException e) {
                    return;
                } catch (IOException e) {
                    continue;
                }
                Thread.ofPlatform().start(() -> drain(c, cfg));
            }
        });
        String ports = "tls=" + port(listener.localAddress());
        return new Peer.Running() {
            @Override public String ports() { return ports; }
            @Override public void close() { listener.close(); }
        };
    }

    private static void drain(Socket c, TlsConfig cfg) {
        byte[] buf = new byte[64 * 1024];
        try (c; TlsSocket t = TlsSocket.server(c, cfg)) {
            t.handshake();
            while (t.recv(buf, 0, buf.length) != TlsSocket.EOF) {
                // discard
            }
        } catch (IOException e) {
            // a client that closed without close_notify, or reset: done with it
        }
    }
}
