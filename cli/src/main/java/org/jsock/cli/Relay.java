package org.jsock.cli;

import org.jsock.net.ByteStream;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies bytes both ways between a connected socket and a pair of streams (the terminal, or a
 * process for --exec), the way netcat does: input EOF becomes {@code shutdown(SHUT_WR)}, and the
 * relay ends when the peer's side ends.
 */
final class Relay {
    static final int CHUNK = 64 * 1024;

    private Relay() {}

    /** How long input must stay quiet, after the peer's EOF, before the relay stops waiting for it. */
    static final long QUIET_NANOS = 500_000_000L;

    /**
     * Relays a stream socket both ways, as nc does. Input EOF becomes {@code shutdown(SHUT_WR)}
     * (after close_notify for TLS), and reading goes on until the peer's EOF. After the peer's EOF,
     * input still flowing is sent in full (an upload to a server that has half-closed arrives
     * whole); the relay ends when input ends or stays quiet for half a second, as a terminal or an
     * idle pipe does. With {@code processOutput} (--exec) the output is a process's stdin: it is
     * closed at the peer's EOF, and the relay waits for the process's whole output. A null
     * {@code in} relays one way only (listen -k broadcasts stdin itself).
     */
    static void stream(ByteStream s, InputStream in, OutputStream out, boolean processOutput, String peer) throws IOException {
        AtomicReference<IOException> sendError = new AtomicReference<>();
        // When the input thread last finished a read or a send, and whether it now waits in a read.
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicBoolean reading = new AtomicBoolean();
        Thread up = in == null ? null : Thread.ofPlatform().daemon(true).name("stdin->socket").start(() -> {
            byte[] buf = new byte[CHUNK];
            try {
                int n;
                while (true) {
                    reading.set(true);
                    n = in.read(buf);
                    reading.set(false);
                    lastProgress.set(System.nanoTime());
                    if (n <= 0) break;
                    s.sendAll(buf, 0, n);
                    lastProgress.set(System.nanoTime());
                }
                if (!s.isClosed()) s.shutdownOutput();
            } catch (SocketClosedException e) {
                // closed after an error in the other direction, which is reported there
            } catch (IOException e) {
                sendError.set(e);
            } finally {
                reading.set(false);
            }
        });
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        byte[] heap = new byte[CHUNK];
        try {
            while (true) {
                buf.clear();
                int n = s.recv(buf);
                if (n == Socket.EOF) break;
                buf.flip();
                buf.get(heap, 0, n);
                out.write(heap, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // A failed send breaks the connection too; report the cause, which is the send's.
            if (sendError.get() == null) throw CliException.network("recv " + peer, e);
        }
        out.flush();
        if (processOutput) out.close(); // the process sees EOF on its stdin
        while (up != null && up.isAlive()) {
            boolean quiet = reading.get() && System.nanoTime() - lastProgress.get() > QUIET_NANOS;
            if (quiet && !processOutput) break;
            try {
                up.join(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        IOException e = sendError.get();
        if (e != null) throw CliException.network("send " + peer, e);
    }

    /**
     * Relays a connected datagram socket: each read of the input is one datagram; each datagram
     * received is written out. After input EOF it keeps printing replies until none comes for
     * {@code linger}.
     */
    static void datagram(Socket s, InputStream in, OutputStream out, java.time.Duration linger, String peer) throws IOException {
        AtomicReference<IOException> sendError = new AtomicReference<>();
        java.util.concurrent.CountDownLatch inputDone = new java.util.concurrent.CountDownLatch(1);
        Thread.ofPlatform().daemon(true).name("stdin->socket").start(() -> {
            byte[] buf = new byte[CHUNK];
            try {
                int n;
                while ((n = in.read(buf)) > 0) s.send(buf, 0, n);
            } catch (SocketClosedException e) {
                // closed by the receiving side
            } catch (IOException e) {
                sendError.set(e);
            } finally {
                inputDone.countDown();
            }
        });
        byte[] buf = new byte[65536];
        long lastActivity = System.nanoTime();
        while (true) {
            if (sendError.get() != null) throw CliException.network("send " + peer, sendError.get());
            if (s.await(org.jsock.sys.Sys.POLLIN, java.time.Duration.ofMillis(100))) {
                int n;
                try {
                    n = s.recv(buf);
                } catch (IOException e) {
                    // ECONNREFUSED: an ICMP port-unreachable came back for an earlier datagram.
                    throw CliException.network("recv " + peer, e);
                }
                out.write(buf, 0, n);
                out.flush();
                lastActivity = System.nanoTime();
            } else if (inputDone.getCount() == 0 && System.nanoTime() - lastActivity > linger.toNanos()) {
                return;
            }
        }
    }
}
