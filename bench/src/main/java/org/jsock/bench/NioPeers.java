package org.jsock.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * The java.nio peers, written as a careful application would: a blocking SocketChannel server with
 * a thread per connection, a one-thread Selector server, and a blocking DatagramChannel echo.
 * TCP_NODELAY is set on accepted connections, as the C peers and Netty do.
 */
final class NioPeers {
    private NioPeers() {}

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static ServerSocketChannel listen(boolean blocking) throws IOException {
        ServerSocketChannel ss = ServerSocketChannel.open();
        ss.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ss.bind(new InetSocketAddress(LOOPBACK, 0), 4096);
        ss.configureBlocking(blocking);
        return ss;
    }

    private static int port(ServerSocketChannel ss) throws IOException {
        return ((InetSocketAddress) ss.getLocalAddress()).getPort();
    }

    // ==== blocking, a thread per connection ===================================================

    static Peer.Running blocking() throws IOException {
        ServerSocketChannel echo = listen(true);
        ServerSocketChannel discard = listen(true);
        Thread.ofPlatform().name("nio-accept-echo").start(() -> acceptLoop(echo, false));
        Thread.ofPlatform().name("nio-accept-discard").start(() -> acceptLoop(discard, true));
        String ports = "echo=" + port(echo) + " discard=" + port(discard);
        return new Peer.Running() {
            @Override public String ports() { return ports; }
            @Override public void close() throws IOException {
                echo.close();
                discard.close();
            }
        };
    }

    private static void acceptLoop(ServerSocketChannel ss, boolean discard) {
        while (ss.isOpen()) {
            SocketChannel c;
            try {
                c = ss.accept();
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                System.err.println("nio-block: accept: " + e);
                sleepQuietly();
                continue;
            }
            Thread.ofPlatform().start(() -> serve(c, discard));
        }
    }

    private static void serve(SocketChannel c, boolean discard) {
        ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        try (c) {
            while (true) {
                buf.clear();
                if (c.read(buf) < 0) return;
                if (discard) continue;
                buf.flip();
                while (buf.hasRemaining()) c.write(buf);
            }
        } catch (IOException e) {
            // the client reset the connection: done with it
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ==== one Selector thread ==================================================================

    static Peer.Running selector() throws IOException {
        Selector sel = Selector.open();
        ServerSocketChannel echo = listen(false);
        ServerSocketChannel discard = listen(false);
        echo.register(sel, SelectionKey.OP_ACCEPT, Boolean.FALSE);
        discard.register(sel, SelectionKey.OP_ACCEPT, Boolean.TRUE);
        Thread t = Thread.ofPlatform().name("nio-selector").start(() -> selectLoop(sel));
        String ports = "echo=" + port(echo) + " discard=" + port(discard);
        return new Peer.Running() {
            @Override public String ports() { return ports; }
            @Override public void close() throws IOException {
                sel.close();
                try {
                    t.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** A connection's state on the selector: echo or discard, and the bytes not yet written. */
    private static final class Conn {
        final boolean discard;
        ByteBuffer pending;

        Conn(boolean discard) { this.discard = discard; }
    }

    private static void selectLoop(Selector sel) {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (sel.isOpen()) {
                sel.select();
                Iterator<SelectionKey> it = sel.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    try {
                        if (!k.isValid()) continue;
                        if (k.isAcceptable()) accept(sel, k);
                        else if (k.isWritable()) flush(k);
                        else if (k.isReadable()) read(k, buf);
                    } catch (IOException e) {
                        k.cancel();
                        k.channel().close();
                    }
                }
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // closed: done
        }
    }

    private static void accept(Selector sel, SelectionKey k) throws IOException {
        ServerSocketChannel ss = (ServerSocketChannel) k.channel();
        boolean discard = (Boolean) k.attachment();
        for (int i = 0; i < 64; i++) {
            SocketChannel c = ss.accept();
            if (c == null) return;
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.register(sel, SelectionKey.OP_READ, new Conn(discard));
        }
    }

    private static void read(SelectionKey k, ByteBuffer buf) throws IOException {
        SocketChannel c = (SocketChannel) k.channel();
        Conn conn = (Conn) k.attachment();
        for (int i = 0; i < 16; i++) {
            buf.clear();
            int n = c.read(buf);
            if (n < 0) {
                k.cancel();
                c.close();
                return;
            }
            if (n == 0) return;
            if (!conn.discard) {
                buf.flip();
                c.write(buf);
                if (buf.hasRemaining()) {
                    // The socket is full: keep the rest and stop reading until it drains.
                    conn.pending = ByteBuffer.allocate(buf.remaining()).put(buf).flip();
                    k.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
            }
            if (n < buf.capacity()) return;
        }
    }

    private static void flush(SelectionKey k) throws IOException {
        SocketChannel c = (SocketChannel) k.channel();
        Conn conn = (Conn) k.attachment();
        c.write(conn.pending);
        if (!conn.pending.hasRemaining()) {
            conn.pending = null;
            k.interestOps(SelectionKey.OP_READ);
        }
    }

    // ==== UDP ==================================================================================

    static Peer.Running udp() throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
        ch.bind(new InetSocketAddress(LOOPBACK, 0));
        Thread.ofPlatform().name("nio-udp").start(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            try {
                while (true) {
                    buf.clear();
                    SocketAddress from = ch.receive(buf);
                    buf.flip();
                    ch.send(buf, from);
                }
            } catch (IOException e) {
                // closed: done
            }
        });
        String ports = "udp=" + ((InetSocketAddress) ch.getLocalAddress()).getPort();
        return new Peer.Running() {
            @Override public String ports() { return ports; }
            @Override public void close() throws IOException { ch.close(); }
        };
    }
}
