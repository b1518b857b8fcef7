package org.jsock.bench.rudp;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.RudpException;
import org.jsock.rudp.RudpListener;
import org.jsock.rudp.RudpSocket;
import org.jsock.rudp.RudpStats;
import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.impair.Relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An rudp server behind an impairing {@link Relay}, both in this process on 127.0.0.1. Every connection
 * the server accepts must send it {@code up} exactly; the server checks it byte for byte, answers with
 * {@code down}, and closes. Clients connect through the relay with {@link #exchange}.
 *
 * <p>Every socket opened here is tracked, so {@link #abortAll} can end a run that overstays its time
 * limit: blocked reads and writes then fail within a second.
 */
final class RudpRig implements AutoCloseable {
    /** What the server saw of one connection. */
    record Served(boolean ok, String error, long lastByteNanos, RudpStats stats, String sha256) {}

    /** What a client saw of one connection; times are System.nanoTime(). */
    record Exchanged(boolean ok, String error, long startNanos, long connectedNanos, long lastByteNanos, RudpStats stats) {
        double connectSeconds() { return (connectedNanos - startNanos) / 1e9; }

        double seconds() { return (lastByteNanos - startNanos) / 1e9; }
    }

    private final RudpListener listener;
    private final Relay relay;
    private final Payload up;
    private final Payload down;
    private final Thread acceptor;
    private final Set<RudpSocket> open = ConcurrentHashMap.newKeySet();
    final ConcurrentLinkedQueue<Served> served = new ConcurrentLinkedQueue<>();
    private volatile boolean closing;

    private RudpRig(RudpListener listener, Relay relay, Payload up, Payload down) {
        this.listener = listener;
        this.relay = relay;
        this.up = up;
        this.down = down;
        this.acceptor = Thread.ofPlatform().daemon().name("bench rudp acceptor").unstarted(this::acceptLoop);
    }

    static RudpRig start(Impairment link, long seed, RudpConfig server, Payload up, Payload down) throws IOException {
        RudpListener l = RudpSocket.listen(SockAddr.Inet4.loopback(0), server);
        Relay r;
        try {
            r = Relay.start(SockAddr.Inet4.loopback(0), l.localAddress(), link, seed);
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
        RudpRig rig = new RudpRig(l, r, up, down);
        rig.acceptor.start();
        return rig;
    }

    Relay relay() { return relay; }

    RudpListener listener() { return listener; }

    /** Where clients connect: the relay. */
    SockAddr address() { return relay.localAddress(); }

    private void acceptLoop() {
        while (!closing) {
            RudpSocket s;
            try {
                s = listener.accept(Duration.ofMillis(500));
            } catch (IOException e) {
                return; // closed
            }
            if (s == null) continue;
            open.add(s);
            Thread.ofPlatform().daemon().name("bench rudp server").start(() -> serve(s));
        }
    }

    private void serve(RudpSocket s) {
        Payload.Check check = up.check();
        byte[] buf = new byte[64 * 1024];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        long last = 0;
        try {
            while (true) {
                bb.clear();
                int n = s.recv(bb);
                if (n == Socket.EOF) break;
                if (!check.accept(buf, 0, n)) break;
                last = System.nanoTime();
            }
            String verdict = check.verdict();
            if (verdict != null) {
                s.abort("bench: " + verdict);
                served.add(new Served(false, verdict, last, s.stats(), check.sha256()));
                return;
            }
            if (down.size() > 0) s.sendAll(down.bytes(), 0, down.size());
            s.shutdownOutput();
            s.close();
            RudpException closeFailure = s.closeFailure();
            served.add(new Served(closeFailure == null, closeFailure == null ? null : "server close: " + closeFailure.getMessage(),
                    last, s.stats(), check.sha256()));
        } catch (IOException | RuntimeException e) {
            s.abort("bench: " + e);
            served.add(new Served(false, "server: " + describe(e), last, s.stats(), check.sha256()));
        } finally {
            open.remove(s);
        }
    }

    /**
     * One client connection through the relay: connect, send {@code up}, end the stream, read {@code down}
     * to the end checking every byte, close (which waits until the server has acknowledged everything).
     */
    Exchanged exchange(RudpConfig config) {
        long start = System.nanoTime();
        long connected = 0, last = start;
        RudpSocket s = null;
        try {
            s = RudpSocket.connect(address(), config);
            open.add(s);
            if (closing) throw new SocketClosedException("bench: time limit");
            connected = System.nanoTime();
            last = connected;
            s.sendAll(up.bytes(), 0, up.size());
            s.shutdownOutput();
            Payload.Check check = down.check();
            byte[] buf = new byte[64 * 1024];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (true) {
                bb.clear();
                int n = s.recv(bb);
                if (n == Socket.EOF) break;
                if (!check.accept(buf, 0, n)) break;
                last = System.nanoTime();
            }
            String verdict = check.verdict();
            if (verdict != null) {
                s.abort("bench: " + verdict);
                return new Exchanged(false, "client: " + verdict, start, connected, last, s.stats());
            }
            s.close();
            RudpException closeFailure = s.closeFailure();
            return new Exchanged(closeFailure == null, closeFailure == null ? null : "client close: " + closeFailure.getMessage(),
                    start, connected, last, s.stats());
        } catch (IOException | RuntimeException e) {
            if (s != null) s.abort("bench: " + e);
            return new Exchanged(false, "client: " + describe(e), start, connected, last, s == null ? null : s.stats());
        } finally {
            if (s != null) open.remove(s);
        }
    }

    /** The exception, its root cause, and where in rudp that was thrown: the evidence a failure report needs. */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName()).append(e.getMessage() == null ? "" : ": " + e.getMessage());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root != e) b.append(" (cause ").append(root).append(')');
        int frames = 0;
        for (StackTraceElement f : root.getStackTrace()) {
            if (!f.getClassName().startsWith("org.jsock.rudp") || frames == 4) continue;
            b.append(frames++ == 0 ? " at " : " < ").append(f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1))
                    .append('.').append(f.getMethodName()).append(':').append(f.getLineNumber());
        }
        return b.toString();
    }

    /** Ends every connection at once: the run is over its time limit. */
    void abortAll() {
        closing = true;
        for (RudpSocket s : open) s.abort("bench: time limit");
    }

    @Override
    public void close() {
        closing = true;
        listener.close();
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (RudpSocket s : open) s.abort("bench: rig closed");
        relay.close();
    }
}
