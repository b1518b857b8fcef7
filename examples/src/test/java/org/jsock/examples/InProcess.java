package org.jsock.examples;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs programs inside the test's JVM, each on a thread of its own, as {@code jsock demo} does:
 * System.out and System.err are routed by thread, so each program's output is kept apart.
 */
final class InProcess implements AutoCloseable {
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    /** Each running program's [stdout, stderr], by its thread. */
    private final Map<Thread, Task> tasks = new ConcurrentHashMap<>();

    InProcess() {
        System.setOut(new PrintStream(new Router(originalOut, false), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Router(originalErr, true), true, StandardCharsets.UTF_8));
    }

    /** Starts {@code name} at {@code level} on a new thread. */
    Task start(Examples.Level level, String name, Object... args) {
        String[] argv = new String[args.length];
        for (int i = 0; i < args.length; i++) argv[i] = args[i].toString();
        Example program = Examples.get(name).at(level);
        Task t = new Task(level + " " + name);
        Thread th = Thread.ofPlatform().daemon().name(t.label).unstarted(() -> {
            int status;
            try {
                status = program.run(argv);
            } catch (Throwable e) {
                System.err.println("threw " + e);
                status = -1;
            }
            System.out.flush();
            synchronized (t) {
                t.exit = status;
                t.done = true;
                t.notifyAll();
            }
        });
        t.thread = th;
        tasks.put(th, t);
        th.start();
        return t;
    }

    /** Runs {@code name} to its end. */
    Proc.Result run(Examples.Level level, String name, Object... args) throws InterruptedException {
        return start(level, name, args).finish();
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    /** One program on its thread. */
    static final class Task {
        final String label;
        Thread thread;
        final ByteArrayOutputStream out = new ByteArrayOutputStream(); // guarded by this
        final ByteArrayOutputStream err = new ByteArrayOutputStream(); // guarded by this
        int exit; // guarded by this
        boolean done; // guarded by this

        Task(String label) { this.label = label; }

        /** Waits until its stdout holds a whole line containing {@code text} (ignoring case). */
        synchronized void awaitLine(String text) throws InterruptedException {
            long deadline = System.nanoTime() + Proc.TIMEOUT.toNanos();
            while (true) {
                String all = out.toString(StandardCharsets.ISO_8859_1);
                if (all.substring(0, all.lastIndexOf('\n') + 1).toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT))) return;
                if (done) fail(label + " ended without printing '" + text + "'\n" + snapshot());
                long left = deadline - System.nanoTime();
                if (left <= 0) fail(label + " printed no '" + text + "' within " + Proc.TIMEOUT.toSeconds() + " s\n" + snapshot());
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** Waits for the program to return. A thread cannot be killed: on timeout the test fails. */
        Proc.Result finish() throws InterruptedException {
            thread.join(Proc.TIMEOUT.toMillis());
            synchronized (this) {
                if (!done) fail(label + " did not return within " + Proc.TIMEOUT.toSeconds() + " s\n" + snapshot());
                return new Proc.Result(label, exit, out.toByteArray(), err.toByteArray());
            }
        }

        private synchronized String snapshot() {
            return "--- stdout ---\n" + out.toString(StandardCharsets.ISO_8859_1) + "--- stderr ---\n" + err.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Sends each byte to the buffer of the program whose thread writes it, or else where it went before. */
    private final class Router extends OutputStream {
        private final OutputStream fallback;
        private final boolean isErr;

        Router(OutputStream fallback, boolean isErr) {
            this.fallback = fallback;
            this.isErr = isErr;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Task t = tasks.get(Thread.currentThread());
            if (t == null) {
                try {
                    fallback.write(b, off, len);
                } catch (java.io.IOException ignored) {
                    // the original stream is System.out or System.err: it does not throw
                }
                return;
            }
            synchronized (t) {
                (isErr ? t.err : t.out).write(b, off, len);
                t.notifyAll();
            }
        }
    }
}
