package org.jsock.server;

import org.jsock.net.Linger;
import org.jsock.net.Shutdown;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;
import org.jsock.sys.Sys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The client side of a test connection: a jsock {@link Socket} or a java.nio {@link SocketChannel}
 * (the reference peer), both non-blocking underneath so that every wait here has a deadline. The
 * behaviour tests are written once against this and run with either kind of client.
 */
abstract class Peer implements AutoCloseable {
    /** How long a single helper call may wait before the test fails instead of hanging. */
    static final Duration IO_TIMEOUT = Duration.ofSeconds(20);

    enum Kind {
        JSOCK {
            @Override Peer connect(SockAddr to) throws IOException { return new JsockPeer(Socket.connectTo(to)); }
        },
        NIO {
            @Override Peer connect(SockAddr to) throws IOException { return new NioPeer(to); }
        };

        abstract Peer connect(SockAddr to) throws IOException;
    }

    /**
     * java.nio keeps one socket of its own for as long as the JVM runs (the dead end its close
     * dup2s over a closing fd). Made here, before a test counts fds, it is not taken for a leak.
     */
    static void warmUpNio() {
        try {
            SocketChannel.open().close();
            Selector.open().close();
        } catch (IOException e) {
            throw new IllegalStateException("java.nio does not work here", e);
        }
    }

    /** How a read to the end of the stream ended. */
    enum End { EOF, RESET, TIMEOUT }

    record Received(byte[] bytes, End end, IOException error) {
        String text() { return new String(bytes, StandardCharsets.ISO_8859_1); }
    }

    // ---- the primitives, all non-blocking ------------------------------------------------------

    /** Bytes the socket took (0 when its send buffer is full). */
    abstract int trySend(ByteBuffer src) throws IOException;

    /** Bytes received, 0 when none are there, -1 at EOF. */
    abstract int tryRecv(ByteBuffer dst) throws IOException;

    /** Waits up to {@code millis} for readability (and writability when {@code write}). */
    abstract boolean await(boolean read, boolean write, long millis) throws IOException;

    abstract void shutdownOutput() throws IOException;

    /** SO_LINGER {on, 0} and close: the server gets a RST, not a FIN. */
    abstract void reset() throws IOException;

    @Override public abstract void close();

    // ---- blocking helpers, each bounded by a deadline --------------------------------------------

    static long deadline(Duration d) { return System.nanoTime() + d.toNanos(); }

    static long millisLeft(long deadline) {
        return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
    }

    void sendAll(byte[] b) throws IOException { sendAll(b, 0, b.length, deadline(IO_TIMEOUT)); }

    void sendAll(String s) throws IOException { sendAll(s.getBytes(StandardCharsets.ISO_8859_1)); }

    void sendAll(byte[] b, int off, int len, long deadline) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(b, off, len);
        while (src.hasRemaining()) {
            if (trySend(src) > 0) continue;
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("send timed out with " + src.remaining() + " of " + len + " bytes unsent");
            }
            await(false, true, Math.max(1, Math.min(100, millisLeft(deadline))));
        }
    }

    /** Reads exactly {@code b.length} bytes unless the stream ends first; returns how many came. */
    int readFully(byte[] b) throws IOException {
        ByteBuffer dst = ByteBuffer.wrap(b);
        long deadline = deadline(IO_TIMEOUT);
        while (dst.hasRemaining()) {
            int n = tryRecv(dst);
            if (n < 0) break;
            if (n > 0) continue;
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("read timed out with " + dst.position() + " of " + b.length + " bytes");
            }
            await(true, false, Math.max(1, Math.min(100, millisLeft(deadline))));
        }
        return dst.position();
    }

    /** Sends {@code msg} and checks that exactly it comes back. */
    void roundTrip(String msg) throws IOException {
        byte[] out = msg.getBytes(StandardCharsets.ISO_8859_1);
        sendAll(out);
        byte[] in = new byte[out.length];
        int n = readFully(in);
        assertArrayEquals(out, in, "echo of '" + msg.strip() + "' (" + n + " of " + out.length + " bytes came back)");
    }

    /** Reads until EOF, a reset or {@code timeout}, keeping at most {@code max} bytes (more fails). */
    Received readToEnd(int max, Duration timeout) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long deadline = deadline(timeout);
        try {
            while (true) {
                buf.clear();
                int n = tryRecv(buf);
                if (n < 0) return new Received(got.toByteArray(), End.EOF, null);
                if (n > 0) {
                    got.write(buf.array(), 0, n);
                    if (got.size() > max) throw new AssertionError("more than " + max + " bytes arrived");
                    continue;
                }
                if (System.nanoTime() - deadline > 0) return new Received(got.toByteArray(), End.TIMEOUT, null);
                await(true, false, Math.max(1, Math.min(100, millisLeft(deadline))));
            }
        } catch (IOException e) {
            return new Received(got.toByteArray(), End.RESET, e);
        }
    }

    // ---- the two kinds -------------------------------------------------------------------------

    /** A jsock socket, non-blocking, waiting with poll(2). */
    static final class JsockPeer extends Peer {
        final Socket socket;

        JsockPeer(Socket s) throws IOException {
            this.socket = s;
            try {
                s.configureBlocking(false);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        @Override int trySend(ByteBuffer src) throws IOException {
            int n = socket.send(src);
            return n == Socket.WOULD_BLOCK ? 0 : n;
        }

        @Override int tryRecv(ByteBuffer dst) throws IOException {
            int n = socket.recv(dst);
            if (n == Socket.EOF) return -1;
            return n == Socket.WOULD_BLOCK ? 0 : n;
        }

        @Override boolean await(boolean read, boolean write, long millis) throws IOException {
            int ev = (read ? Sys.POLLIN : 0) | (write ? Sys.POLLOUT : 0);
            return socket.await(ev, Duration.ofMillis(millis));
        }

        @Override void shutdownOutput() throws IOException { socket.shutdown(Shutdown.WRITE); }

        @Override void reset() throws IOException {
            socket.set(SockOpt.SO_LINGER, Linger.reset());
            socket.close();
        }

        @Override public void close() { socket.close(); }

        @Override public String toString() { return "jsock " + socket; }
    }

    /** A java.nio SocketChannel, non-blocking, with its own selector. */
    static final class NioPeer extends Peer {
        final SocketChannel channel;
        final Selector selector;
        final SelectionKey key;

        NioPeer(SockAddr to) throws IOException {
            channel = SocketChannel.open(to.toJava());
            Selector sel = null;
            try {
                channel.configureBlocking(false);
                sel = Selector.open();
                key = channel.register(sel, 0);
                selector = sel;
            } catch (IOException | RuntimeException e) {
                if (sel != null) sel.close();
                channel.close();
                throw e;
            }
        }

        @Override int trySend(ByteBuffer src) throws IOException { return channel.write(src); }

        @Override int tryRecv(ByteBuffer dst) throws IOException { return channel.read(dst); }

        @Override boolean await(boolean read, boolean write, long millis) throws IOException {
            key.interestOps((read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0));
            int n = selector.select(Math.max(1, millis));
            selector.selectedKeys().clear();
            return n > 0;
        }

        @Override void shutdownOutput() throws IOException { channel.shutdownOutput(); }

        @Override void reset() throws IOException {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            close();
        }

        @Override public void close() {
            try {
                selector.close();
            } catch (IOException ignored) {
                // the channel still closes
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do in a test
            }
        }

        @Override public String toString() { return "nio " + channel; }
    }
}
