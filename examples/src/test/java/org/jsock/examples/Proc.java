package org.jsock.examples;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A program run as a process, its stdout and stderr collected as bytes. Every wait is bounded: on
 * timeout the process is killed and the test fails with what it printed so far.
 */
final class Proc implements AutoCloseable {
    /** Longer than any program here needs, short enough that a hang fails the test quickly. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** What a finished program did: exit status and its output, byte for byte. */
    record Result(String label, int exit, byte[] stdoutBytes, byte[] stderrBytes) {
        /** stdout as a string of the same length: ISO-8859-1 maps each byte to one char. */
        String out() { return new String(stdoutBytes, StandardCharsets.ISO_8859_1); }
        String err() { return new String(stderrBytes, StandardCharsets.ISO_8859_1); }
        @Override public String toString() {
            return label + " (exit " + exit + ")\n--- stdout ---\n" + out() + "--- stderr ---\n" + err();
        }
    }

    private final String label;
    private final Process process;
    private final Pump out;
    private final Pump err;

    private Proc(String label, Process process) {
        this.label = label;
        this.process = process;
        this.out = new Pump(process.getInputStream(), label + " stdout");
        this.err = new Pump(process.getErrorStream(), label + " stderr");
    }

    static Proc start(String label, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new Proc(label, pb.start());
    }

    /** Runs to the end: {@link #start} then {@link #finish}. */
    static Result run(String label, List<String> command) throws Exception {
        try (Proc p = start(label, command)) {
            return p.finish();
        }
    }

    /** Waits until stdout holds a whole line containing {@code text} (ignoring case). */
    void awaitLine(String text) throws InterruptedException {
        String want = text.toLowerCase(Locale.ROOT);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (out) {
            while (true) {
                String all = out.text();
                String whole = all.substring(0, all.lastIndexOf('\n') + 1); // whole lines only
                if (whole.toLowerCase(Locale.ROOT).contains(want)) return;
                if (out.eof) {
                    fail(label + " ended without printing a line containing '" + text + "'\n" + snapshot());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    kill();
                    fail(label + " printed no line containing '" + text + "' within " + TIMEOUT.toSeconds() + " s\n" + snapshot());
                }
                TimeUnit.NANOSECONDS.timedWait(out, left);
            }
        }
    }

    /** Waits for the exit (killing the process if it outlives the timeout) and for all its output. */
    Result finish() throws InterruptedException {
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            fail(label + " did not exit within " + TIMEOUT.toSeconds() + " s; killed\n" + snapshot());
        }
        out.join();
        err.join();
        return new Result(label, process.exitValue(), out.bytes(), err.bytes());
    }

    private String snapshot() {
        return "--- stdout ---\n" + out.text() + "--- stderr ---\n" + err.text();
    }

    private void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    /** Kills the process if it still runs (a test that failed halfway), and collects its streams. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) kill();
            out.join();
            err.join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Copies one stream into memory on its own thread, and closes it at EOF. */
    private static final class Pump {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Thread thread;
        boolean eof; // guarded by this

        Pump(InputStream in, String name) {
            thread = Thread.ofPlatform().daemon().name(name).start(() -> {
                byte[] b = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(b)) > 0) {
                        synchronized (this) {
                            buf.write(b, 0, n);
                            notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // the process was killed: keep what arrived
                } finally {
                    synchronized (this) {
                        eof = true;
                        notifyAll();
                    }
                }
            });
        }

        synchronized byte[] bytes() { return buf.toByteArray(); }

        synchronized String text() { return buf.toString(StandardCharsets.ISO_8859_1); }

        void join() throws InterruptedException {
            thread.join(TIMEOUT.toMillis());
            if (thread.isAlive()) fail(thread.getName() + " still open after " + TIMEOUT.toSeconds() + " s");
        }
    }
}
