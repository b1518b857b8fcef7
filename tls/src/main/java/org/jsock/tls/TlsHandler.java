package org.jsock.tls;

import org.jsock.net.SockAddr;
import org.jsock.server.Connection;
import org.jsock.server.Handler;
import org.jsock.server.Model;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * TLS for any server {@link Handler}, on every {@link Model}, with no thread of its own: the SSLEngine
 * runs inside the server's callbacks. The inner handler sees plaintext and a {@link Connection} that
 * encrypts what it writes.
 * <pre>
 *   outer onRead(ciphertext) -> netIn -> unwrap -> inner.onRead(view, plaintext)
 *   inner view.write(plain)  -> wrap  -> outer.write(ciphertext)      (queued by the server as usual)
 *   handshake done           -> inner.onAccept(view)
 *   peer's close_notify      -> inner.onPeerShutdown(view);  view.close() -> close_notify, outer.close()
 *   transport EOF, no close_notify -> outer.abort(); inner.onClose(view, TlsTruncationException)
 * </pre>
 * <pre>{@code
 * Server.start(ServerConfig.on(addr).withModel(Model.LOOP), TlsHandler.wrap(Services::echo, TlsConfig.server()));
 * }</pre>
 * Delegated tasks (certificate checks, key exchange) run inline on the callback's thread. A failed
 * handshake is logged in one line, the alert is sent, and the connection closes; the inner handler
 * never hears of it.
 */
public final class TlsHandler implements Handler {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Handler inner;
    private final SSLEngine engine;
    private final Consumer<String> log;
    private final View view = new View();
    /** The server's connection: ciphertext goes through it. */
    private Connection outer;
    /** Ciphertext received, not yet unwrapped; write mode. */
    private ByteBuffer netIn;
    /** Plaintext unwrapped, handed to the inner handler and cleared; write mode. */
    private ByteBuffer appIn;
    /** Scratch for one wrap; handed to outer.write, which takes or copies all of it. */
    private ByteBuffer netOut;
    /** Plaintext written while a renegotiation keeps the engine from wrapping it. */
    private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
    private boolean handshakeDone;
    /** inner.onAccept ran, so inner.onClose must run too. */
    private boolean accepted;
    /** The peer's close_notify arrived. */
    private boolean peerEnded;
    /** Our close_notify went out. */
    private boolean outputShut;
    /** close or abort was asked for: nothing more is read or written. */
    private boolean closing;
    /** Why the connection failed, for inner.onClose. */
    private Throwable failure;
    private TlsSession session;
    private long handshakeStart;

    private TlsHandler(Handler inner, SSLEngine engine, Consumer<String> log) {
        this.inner = inner;
        this.engine = engine;
        this.log = log;
        this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /**
     * Handlers that serve {@code inner}'s over TLS with {@code config} (a server config). Failed
     * handshakes are logged to stderr as {@code jsock: TLS handshake with PEER failed: WHY}.
     * Builds the config's context now, so a bad certificate fails here, and an ephemeral one exists
     * (and has its fingerprint) before the first client comes.
     */
    public static Supplier<Handler> wrap(Supplier<Handler> inner, TlsConfig config) throws IOException {
        return wrap(inner, config, msg -> System.err.println("jsock: " + msg));
    }

    /** As {@link #wrap(Supplier, TlsConfig)}, logging to {@code log} (the server's log, say). */
    public static Supplier<Handler> wrap(Supplier<Handler> inner, TlsConfig config, Consumer<String> log) throws IOException {
        if (config.isClient()) throw new IllegalArgumentException("TlsHandler needs a server config, got " + config);
        config.sslContext();
        return () -> {
            try {
                return new TlsHandler(inner.get(), config.newEngine(null, -1), log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** The TLS session of a connection a {@link TlsHandler} serves, or null (not TLS, or still handshaking). */
    public static TlsSession session(Connection c) {
        return c instanceof View v ? v.owner().session : null;
    }

    // ==== the outer connection's callbacks ===================================================

    @Override
    public void onAccept(Connection c) throws IOException {
        outer = c;
        try {
            handshakeStart = System.currentTimeMillis();
            engine.beginHandshake();
            pump();
        } catch (SSLException e) {
            fail(e);
        }
    }

    @Override
    public void onRead(Connection c, ByteBuffer in) throws IOException {
        try {
            while (in.hasRemaining() && !closing) {
                if (!netIn.hasRemaining()) netIn = TlsSocket.growWriteMode(netIn, netIn.capacity() * 2);
                int n = Math.min(in.remaining(), netIn.remaining());
                netIn.put(netIn.position(), in, in.position(), n);
                netIn.position(netIn.position() + n);
                in.position(in.position() + n);
                pump();
            }
        } catch (SSLException e) {
            fail(e);
        }
        in.position(in.limit());
    }

    @Override
    public void onWritable(Connection c) throws IOException {
        if (accepted && !closing) inner.onWritable(view);
    }

    @Override
    public void onPeerShutdown(Connection c) {
        if (peerEnded || closing) return; // after close_notify the transport's end says nothing new
        if (!handshakeDone) {
            failure = new PeerClosedException("the peer closed the connection during the TLS handshake");
            log.accept("TLS handshake with " + peerName() + " failed: " + failure.getMessage());
        } else {
            SSLException why = null;
            try {
                engine.closeInbound();
            } catch (SSLException e) {
                why = e;
            }
            failure = new TlsTruncationException("TLS connection truncated: the peer closed the connection without "
                    + "close_notify, so the data received may be incomplete", why);
        }
        closing = true;
        c.abort();
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        closing = true;
        if (accepted) inner.onClose(view, cause != null ? cause : failure);
    }

    // ==== the engine =========================================================================

    /** Runs the engine on what has arrived until it needs more bytes. */
    private void pump() throws IOException {
        while (!closing) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
                continue;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                if (wrapOut(EMPTY).bytesProduced() == 0) return;
                continue;
            }
            if (hs == HandshakeStatus.NOT_HANDSHAKING) {
                if (!handshakeDone) {
                    handshakeFinished();
                    continue;
                }
                if (!held.isEmpty()) releaseHeld();
            }
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (r.getStatus()) {
                case OK -> {
                    if (appIn.position() > 0) deliver();
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                            && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) return;
                }
                case BUFFER_UNDERFLOW -> {
                    int need = engine.getSession().getPacketBufferSize();
                    if (netIn.capacity() < need) netIn = TlsSocket.growWriteMode(netIn, need);
                    return;
                }
                case BUFFER_OVERFLOW -> {
                    if (appIn.position() > 0) deliver();
                    else appIn = ByteBuffer.allocate(Math.max(appIn.capacity() * 2, engine.getSession().getApplicationBufferSize()));
                }
                case CLOSED -> {
                    if (appIn.position() > 0) deliver();
                    peerEnded = true;
                    if (!handshakeDone) throw new PeerClosedException("the peer ended the TLS session during the handshake");
                    // TLS 1.2 answers close_notify with its own; the engine asks to wrap it.
                    while (!closing && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        if (wrapOut(EMPTY).bytesProduced() == 0) break;
                    }
                    if (engine.isOutboundDone()) outputShut = true;
                    if (!closing) inner.onPeerShutdown(view);
                    return;
                }
            }
        }
    }

    private void handshakeFinished() throws IOException {
        handshakeDone = true;
        session = TlsSession.of(engine, handshakeStart);
        accepted = true;
        inner.onAccept(view);
    }

    private void deliver() throws IOException {
        appIn.flip();
        try {
            if (!handshakeDone && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) handshakeFinished();
            if (accepted && !closing) inner.onRead(view, appIn);
        } finally {
            appIn.clear();
        }
    }

    /** Wraps {@code src} into one record and hands it to the server's connection. */
    private SSLEngineResult wrapOut(ByteBuffer src) throws SSLException {
        while (true) {
            netOut.clear();
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2, engine.getSession().getPacketBufferSize()));
                continue;
            }
            netOut.flip();
            if (netOut.hasRemaining()) outer.write(netOut);
            if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) runTasks();
            return r;
        }
    }

    private void releaseHeld() throws SSLException {
        while (!held.isEmpty() && !closing) {
            ByteBuffer b = held.peek();
            encrypt(b);
            if (b.hasRemaining()) return;
            held.poll();
        }
    }

    /** Encrypts and sends all of {@code data}, or keeps the rest while a renegotiation blocks wrapping. */
    private void encrypt(ByteBuffer data) throws SSLException {
        while (data.hasRemaining()) {
            SSLEngineResult r = wrapOut(data);
            if (r.getStatus() == Status.CLOSED) {
                data.position(data.limit());
                return;
            }
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) return; // renegotiating: the caller holds the rest
        }
    }

    /** A fatal TLS error: log it, send the engine's alert, close. */
    private void fail(SSLException e) {
        if (failure == null) failure = e;
        log.accept((handshakeDone ? "TLS error with " : "TLS handshake with ") + peerName() + " failed: " + TlsErrors.describe(e));
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                if (wrapOut(EMPTY).bytesProduced() == 0) break;
            }
        } catch (SSLException ignored) {
            // no alert then; the close says enough
        }
        outputShut = true;
        closing = true;
        outer.close();
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) task.run();
    }

    private String peerName() {
        SockAddr p = outer == null ? null : outer.peer();
        return p == null ? "the peer" : p.toString();
    }

    /** The connection as the inner handler sees it: plaintext in, plaintext out. */
    private final class View implements Connection {
        TlsHandler owner() { return TlsHandler.this; }

        @Override public SockAddr peer() { return outer.peer(); }

        @Override
        public void write(ByteBuffer data) {
            if (closing || outputShut || !outer.isOpen()) {
                data.position(data.limit());
                return;
            }
            try {
                if (held.isEmpty()) encrypt(data);
                if (data.hasRemaining()) {
                    ByteBuffer copy = ByteBuffer.allocate(data.remaining());
                    copy.put(data).flip();
                    held.add(copy);
                }
            } catch (SSLException e) {
                data.position(data.limit());
                fail(e);
            }
        }

        @Override public boolean writable() { return !closing && !outputShut && outer.writable(); }

        @Override public long queued() { return outer.queued(); }

        @Override
        public void shutdownOutput() {
            if (closing || outputShut) return;
            closeNotify();
            outer.shutdownOutput();
        }

        @Override
        public void close() {
            if (closing) return;
            if (!outputShut) closeNotify();
            closing = true;
            outer.close();
        }

        private void closeNotify() {
            outputShut = true;
            if (!handshakeDone) return;
            try {
                engine.closeOutbound();
                for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                    if (wrapOut(EMPTY).bytesProduced() == 0) break;
                }
            } catch (SSLException e) {
                // the close goes ahead; the peer will see a truncation
            }
        }

        @Override
        public void abort() {
            closing = true;
            outer.abort();
        }

        @Override public boolean isOpen() { return !closing && outer.isOpen(); }

        @Override public String toString() { return "TLS " + outer; }
    }
}
