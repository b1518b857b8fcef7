package org.jsock.cli.bench;

import org.jsock.net.Socket;
import org.jsock.sys.Sys;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The control connection: state bytes and length-prefixed JSON. Every read is bounded by a
 * deadline; the peer closing or going quiet is a {@link BenchException} that says which.
 */
final class Control implements AutoCloseable {
    /** No state arrived before the deadline (from {@link #poll}). */
    static final int NONE = Integer.MIN_VALUE;
    /** The largest JSON document accepted: parameters and results are a few kilobytes. */
    private static final int MAX_JSON = 1 << 20;

    final Socket socket;
    private final String peer;
    private final PrintStream debug;
    private final long opened = System.nanoTime();

    /**
     * @param peer  who is at the other end, for messages: "server" or "client"
     * @param debug where --debug traces states and JSON, or null
     */
    Control(Socket socket, String peer, PrintStream debug) {
        this.socket = socket;
        this.peer = peer;
        this.debug = debug;
    }

    void writeState(byte state) throws IOException {
        trace("send state " + Protocol.name(state) + " (" + state + ")");
        socket.sendAll(new byte[] {state}, 0, 1);
    }

    /** Reads the next state byte, waiting at most {@code timeout}. */
    int readState(Duration timeout) throws IOException {
        int s = poll(timeout.toNanos());
        if (s == NONE) throw new BenchException("no word from the " + peer + " for " + timeout.toSeconds() + " s");
        return s;
    }

    /** A state byte if one arrives within {@code nanos}, else {@link #NONE}. */
    int poll(long nanos) throws IOException {
        if (!socket.await(Sys.POLLIN, Duration.ofNanos(Math.max(0, nanos)))) return NONE;
        byte[] b = new byte[1];
        int n = socket.recv(b);
        if (n == Socket.EOF) throw new BenchException("the " + peer + " has unexpectedly closed the connection");
        if (n <= 0) return NONE;
        trace("recv state " + Protocol.name(b[0]) + " (" + b[0] + ")");
        return b[0];
    }

    void writeJson(Map<String, Object> json) throws IOException {
        String text = Json.write(json);
        trace("send JSON " + text);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + body.length);
        b.putInt(body.length).put(body).flip();
        socket.sendAll(b);
    }

    Map<String, Object> readJson(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer len = ByteBuffer.allocate(4);
        readFully(len, deadline);
        int n = len.getInt(0);
        if (n < 2 || n > MAX_JSON) throw new BenchException("the " + peer + " sent a JSON length of " + n + " bytes");
        ByteBuffer body = ByteBuffer.allocate(n);
        readFully(body, deadline);
        String text = new String(body.array(), StandardCharsets.UTF_8);
        trace("recv JSON " + text);
        try {
            return Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw new BenchException("the " + peer + " sent malformed JSON: " + e.getMessage());
        }
    }

    /** Reads a 4-byte big-endian int (SERVER_ERROR's error numbers). */
    int readInt(Duration timeout) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4);
        readFully(b, System.nanoTime() + timeout.toNanos());
        return b.getInt(0);
    }

    void readFully(ByteBuffer dst, long deadline) throws IOException {
        while (dst.hasRemaining()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !socket.await(Sys.POLLIN, Duration.ofNanos(left))) {
                throw new BenchException("no word from the " + peer + " in time");
            }
            int n = socket.recv(dst);
            if (n == Socket.EOF) throw new BenchException("the " + peer + " has unexpectedly closed the connection");
        }
    }

    /** --debug: what happened, and when (milliseconds since the control connection was opened). */
    void trace(String what) {
        if (debug != null) {
            debug.printf(Locale.ROOT, "jsock: bench: %9.3f ms  %s%n", (System.nanoTime() - opened) / 1e6, what);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
