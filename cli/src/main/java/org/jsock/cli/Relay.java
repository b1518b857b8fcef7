package org.jsock.cli;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies bytes both ways between a connected socket and a pair of streams (the terminal, or a
 * process for --exec), the way netcat does: input EOF becomes {@code shutdown(SHUT_WR)}, and the
 * relay ends when the peer's side ends.
 */
final class Relay {
    static final int CHUNK = 64 * 1024;

    private Relay() {}

    /**
     * Relays a stream socket. Returns when the socket reaches EOF and, if {@code waitForInput}, when
     * the input has ended too (for --exec, so a process's last output is not cut off). A null
     * {@code in} relays one way only.
     */
    static void stream(Duplex s, InputStream in, OutputStream out, boolean waitForInput, String peer) throws IOException {
        AtomicReference<IOException> sendError = new AtomicReference<>();
        // No input (listen -k, where stdin is broadcast elsewhere): only the socket-to-output direction.
        Thread up = in == null ? null : Thread.ofPlatform().daemon(true).name("stdin->socket").start(() -> {
            byte[] buf = new byte[CHUNK];
            try {
                int n;
                while ((n = in.read(buf)) > 0) s.sendAll(buf, 0, n);
                if (!s.isClosed()) s.shutdownOutput();
            } catch (SocketClosedException e) {
                // the other direction ended first and closed the socket
            } catch (IOException e) {
                sendError.set(e);
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
            if (sendError.get() == null) throw CliException.network("recv " + peer, e);
        } finally {
            if (!waitForInput) out.flush();
        }
        if (waitForInput && up != null) {
            out.close(); // the process sees EOF on its stdin
            try {
                up.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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

    static String describe(SockAddr a) {
        return a.toString();
    }
}
