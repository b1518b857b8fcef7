package org.jsock.server;

import org.jsock.net.SockAddr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** What the server suite shares: configs, bounded waits, seeded data, a handler probe, clients. */
final class Harness {
    private Harness() {}

    static final int KIB = 1024;
    static final int MIB = 1024 * 1024;
    /** The loop's read buffer: the most one onRead can add to a queue. */
    static final int READ_BUFFER = 64 * KIB;

    /** The server's log goes to the test's output file, tagged. */
    static final Consumer<String> LOG = msg -> System.err.println("[server] " + msg);

    /** A server on loopback, port chosen by the kernel, two loops for LOOPS, a 2 s drain. */
    static ServerConfig config(Model m) {
        return ServerConfig.on(SockAddr.Inet4.loopback(0)).withModel(m).withThreads(2)
                .withDrainTimeout(Duration.ofSeconds(2)).withLog(LOG);
    }

    /** ITERATIVE serves one client at a time: its tests drive clients one after another. */
    static boolean concurrent(Model m) { return m != Model.ITERATIVE; }

    /** Waits (bounded) for {@code cond}; fails with {@code what} and the value of {@code state}. */
    static void await(String what, Duration timeout, BooleanSupplier cond, Supplier<?> state) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - end > 0) throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what + "; now " + state.get());
            sleep(5);
        }
    }

    /** Waits until no connection is open. */
    static void awaitOpen(Server s, int n) {
        await("open connections == " + n, Duration.ofSeconds(10), () -> s.openConnections() == n, s::stats);
    }

    /**
     * Runs a check that once failed on {@code affected} models because of a server bug, now fixed
     * (each call site has a comment starting "Regression"). It is an ordinary assertion now; the
     * wrapper stays to keep the history readable at the call sites.
     */
    static void knownBug(boolean affected, String bug, org.junit.jupiter.api.function.Executable check) throws Throwable {
        check.execute();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** CPU time of the whole process so far: clock_gettime(CLOCK_PROCESS_CPUTIME_ID), which needs no fd. */
    static long cpuNanos() {
        return ProcessClock.cpuNanos();
    }

    /**
     * Sends {@code data} in writes of random size (1 byte to 64 KiB, from {@code rng}) while reading
     * the echo in the same thread, half-closes when all is sent, and checks every byte that comes back
     * and that EOF follows the last one.
     */
    static void echoExchange(Peer p, byte[] data, Random rng, String who) throws IOException {
        long deadline = Peer.deadline(Peer.IO_TIMEOUT);
        byte[] in = new byte[64 * KIB];
        int sent = 0;
        int got = 0;
        boolean shut = false;
        while (true) {
            boolean progress = false;
            if (sent < data.length) {
                int want = 1 + rng.nextInt(Math.min(64 * KIB, data.length - sent));
                int n = p.trySend(ByteBuffer.wrap(data, sent, want));
                sent += n;
                progress = n > 0;
            } else if (!shut) {
                p.shutdownOutput();
                shut = true;
            }
            int r = p.tryRecv(ByteBuffer.wrap(in));
            if (r < 0) break;
            if (r > 0) {
                if (got + r > data.length) throw new AssertionError(who + ": " + (got + r) + " bytes came back, only " + data.length + " were sent");
                int bad = Arrays.mismatch(in, 0, r, data, got, got + r);
                if (bad >= 0) throw new AssertionError(who + ": byte " + (got + bad) + " differs: sent " + data[got + bad] + ", got " + in[bad]);
                got += r;
                progress = true;
            }
            if (!progress) {
                if (System.nanoTime() - deadline > 0) throw new AssertionError(who + ": timed out, sent " + sent + " got " + got + " of " + data.length);
                p.await(true, sent < data.length, Math.max(1, Math.min(100, Peer.millisLeft(deadline))));
            }
        }
        if (got != data.length) throw new AssertionError(who + ": EOF after " + got + " of " + data.length + " bytes");
    }

    /** Runs {@code tasks} on {@code threads} platform threads (blocking FFM calls would pin carriers). */
    static void runAll(List<Callable<Void>> tasks, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("test-client-", 0).factory());
        try {
            List<Future<Void>> fs = new ArrayList<>();
            for (Callable<Void> t : tasks) fs.add(pool.submit(t));
            AssertionError failure = null;
            for (Future<Void> f : fs) {
                try {
                    f.get(); // each task is bounded by its own deadlines
                } catch (ExecutionException e) {
                    if (failure == null) failure = new AssertionError("a client failed: " + e.getCause(), e.getCause());
                    else failure.addSuppressed(e.getCause());
                }
            }
            if (failure != null) throw failure;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A {@link SoakClient} in a child JVM (its own fd limit), its output read by a thread of ours so
     * that every wait for it has a deadline. Closing it kills it if still running.
     */
    static final class Child implements AutoCloseable {
        private final Process process;
        private final java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        private final StringBuilder all = new StringBuilder();

        Child(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SoakClient.class.getName()));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread.ofPlatform().daemon(true).name("soak-client-output").start(() -> {
                try (java.io.BufferedReader r = process.inputReader()) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (all) {
                            all.append(line).append('\n');
                        }
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
        }

        /** The next line that starts with {@code prefix}, waiting at most {@code timeout}. */
        String awaitLine(String prefix, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() - end < 0) {
                String l = lines.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (l != null && l.startsWith(prefix)) return l;
                if (l != null && l.startsWith("FAIL")) throw new AssertionError("soak client: " + output());
                if (l == null && !process.isAlive() && lines.isEmpty()) break;
            }
            throw new AssertionError("soak client: no '" + prefix + "' line within " + timeout + "; output:\n" + output());
        }

        void send(String line) throws IOException {
            process.outputWriter().write(line + "\n");
            process.outputWriter().flush();
        }

        /** Waits for the exit (bounded) and fails unless it is 0. */
        void awaitSuccess(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new AssertionError("soak client still running after " + timeout + "; output:\n" + output());
            }
            if (process.exitValue() != 0) throw new AssertionError("soak client exited " + process.exitValue() + ":\n" + output());
        }

        String output() {
            synchronized (all) {
                return all.toString();
            }
        }

        @Override public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            process.getOutputStream().close();
            process.getInputStream().close();
        }
    }

    /** The clients a test opens; closes them all at the end. */
    static final class Clients implements AutoCloseable {
        private final Queue<Peer> peers = new ConcurrentLinkedQueue<>();

        Peer connect(Peer.Kind kind, SockAddr to) throws IOException {
            Peer p = kind.connect(to);
            peers.add(p);
            return p;
        }

        Peer connect(SockAddr to) throws IOException { return connect(Peer.Kind.JSOCK, to); }

        Peer adopt(Peer p) {
            peers.add(p);
            return p;
        }

        @Override public void close() {
            for (Peer p : peers) p.close();
            peers.clear();
        }
    }

    /**
     * Wraps each connection's handler and records what the server did: bytes read, the largest write
     * queue seen, peer shutdowns, and each close with its cause.
     */
    static final class Probe {
        final AtomicLong bytesIn = new AtomicLong();
        final AtomicLong maxQueued = new AtomicLong();
        final AtomicInteger accepts = new AtomicInteger();
        final AtomicInteger peerShutdowns = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        final Queue<Throwable> closeCauses = new ConcurrentLinkedQueue<>();

        Supplier<Handler> wrap(Supplier<Handler> inner) {
            return () -> new Recording(inner.get());
        }

        private void queued(Connection c) {
            maxQueued.accumulateAndGet(c.queued(), Math::max);
        }

        private final class Recording implements Handler {
            private final Handler h;

            Recording(Handler h) { this.h = h; }

            @Override public void onAccept(Connection c) throws IOException {
                accepts.incrementAndGet();
                h.onAccept(c);
                queued(c);
            }

            @Override public void onRead(Connection c, ByteBuffer in) throws IOException {
                bytesIn.addAndGet(in.remaining());
                h.onRead(c, in);
                queued(c);
            }

            @Override public void onWritable(Connection c) throws IOException {
                h.onWritable(c);
                queued(c);
            }

            @Override public void onPeerShutdown(Connection c) throws IOException {
                peerShutdowns.incrementAndGet();
                h.onPeerShutdown(c);
            }

            @Override public void onClose(Connection c, Throwable cause) {
                if (cause != null) closeCauses.add(cause);
                closes.incrementAndGet();
                h.onClose(c, cause);
            }
        }

        @Override public String toString() {
            return "probe[in=" + bytesIn + ", maxQueued=" + maxQueued + ", accepts=" + accepts + ", peerShutdowns=" + peerShutdowns
                    + ", closes=" + closes + ", causes=" + closeCauses + "]";
        }
    }
}
