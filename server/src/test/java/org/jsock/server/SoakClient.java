package org.jsock.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the soak tests, run as a child process: 10,000 connections need 20,000 fds
 * with client and server in one process, more than RLIMIT_NOFILE allows where the hard limit is
 * 20,000 and cannot be raised. java.nio, one selector for every connection.
 * <pre>
 *   echo HOST PORT N SEED MAXSIZE   open N connections, then each sends its seeded data in random
 *                                   writes, half-closes, and checks the echo byte for byte
 *   idle HOST PORT N                open N connections, print "OPEN", wait for a line on stdin,
 *                                   then check one round trip on each
 * </pre>
 * Prints "OK ..." and exits 0, or prints "FAIL ..." and exits 1. Every wait has a deadline.
 */
public final class SoakClient {
    private static final long DEADLINE = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);

    public static void main(String[] args) throws Exception {
        try {
            InetSocketAddress to = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
            int n = Integer.parseInt(args[3]);
            switch (args[0]) {
                case "echo" -> echo(to, n, Long.parseLong(args[4]), Integer.parseInt(args[5]));
                case "idle" -> idle(to, n);
                default -> throw new IllegalArgumentException(args[0]);
            }
        } catch (Throwable t) {
            System.out.println("FAIL " + t);
            t.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
        System.out.flush();
        System.exit(0);
    }

    private static List<SocketChannel> open(InetSocketAddress to, int n) throws IOException {
        List<SocketChannel> chs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) chs.add(SocketChannel.open(to));
        return chs;
    }

    private static void checkDeadline(String what) {
        if (System.nanoTime() - DEADLINE > 0) throw new IllegalStateException("timed out " + what);
    }

    /** One connection's exchange. */
    private static final class Conn {
        final SocketChannel ch;
        final byte[] data;
        final Random rng;
        int sent;
        int got;
        boolean shut;

        Conn(SocketChannel ch, long seed, int maxSize) {
            this.ch = ch;
            this.rng = new Random(seed);
            this.data = new byte[1 + rng.nextInt(maxSize)];
            rng.nextBytes(data);
        }
    }

    private static void echo(InetSocketAddress to, int n, long seed, int maxSize) throws IOException {
        List<SocketChannel> chs = open(to, n);
        int done = 0;
        long bytes = 0;
        try (Selector sel = Selector.open()) {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = chs.get(i);
                ch.configureBlocking(false);
                ch.register(sel, SelectionKey.OP_READ | SelectionKey.OP_WRITE, new Conn(ch, seed + i, maxSize));
            }
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (done < n) {
                checkDeadline("with " + done + " of " + n + " connections done");
                sel.select(1000);
                for (SelectionKey k : sel.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    if (k.isValid() && k.isWritable() && c.sent < c.data.length) {
                        int want = 1 + c.rng.nextInt(Math.min(64 * 1024, c.data.length - c.sent));
                        c.sent += c.ch.write(ByteBuffer.wrap(c.data, c.sent, want));
                        if (c.sent == c.data.length) {
                            c.ch.shutdownOutput();
                            c.shut = true;
                            k.interestOps(SelectionKey.OP_READ);
                        }
                    }
                    if (k.isValid() && k.isReadable()) {
                        in.clear();
                        int r = c.ch.read(in);
                        if (r < 0) {
                            if (c.got != c.data.length || !c.shut) {
                                throw new IllegalStateException("EOF after " + c.got + " of " + c.data.length + " bytes");
                            }
                            bytes += c.got;
                            k.cancel();
                            c.ch.close();
                            done++;
                        } else if (r > 0) {
                            if (c.got + r > c.data.length) throw new IllegalStateException("more came back than was sent");
                            int bad = Arrays.mismatch(in.array(), 0, r, c.data, c.got, c.got + r);
                            if (bad >= 0) throw new IllegalStateException("byte " + (c.got + bad) + " differs");
                            c.got += r;
                        }
                    }
                }
                sel.selectedKeys().clear();
            }
        } finally {
            for (SocketChannel ch : chs) ch.close();
        }
        System.out.println("OK " + done + " connections, " + bytes + " bytes echoed");
    }

    private static void idle(InetSocketAddress to, int n) throws IOException {
        List<SocketChannel> chs = open(to, n);
        try {
            System.out.println("OPEN " + n);
            System.out.flush();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            if (stdin.readLine() == null) throw new IllegalStateException("stdin closed before the go");
            for (int i = 0; i < n; i++) {
                checkDeadline("at connection " + i);
                SocketChannel ch = chs.get(i);
                byte[] msg = ("ping " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                ByteBuffer out = ByteBuffer.wrap(msg);
                while (out.hasRemaining()) ch.write(out);
                ByteBuffer back = ByteBuffer.allocate(msg.length);
                ch.socket().setSoTimeout(10_000);
                var is = ch.socket().getInputStream();
                while (back.hasRemaining()) {
                    int r = is.read(back.array(), back.position(), back.remaining());
                    if (r < 0) throw new IllegalStateException("EOF on connection " + i);
                    back.position(back.position() + r);
                }
                if (!Arrays.equals(msg, back.array())) throw new IllegalStateException("wrong echo on connection " + i);
            }
        } finally {
            for (SocketChannel ch : chs) ch.close();
        }
        System.out.println("OK " + n + " idle connections echoed");
    }
}
