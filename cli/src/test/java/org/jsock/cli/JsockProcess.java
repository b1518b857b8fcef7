package org.jsock.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the jsock command in a child JVM, as a user would (same classpath as the tests, native access
 * granted), optionally under a wrapper such as strace. Output is collected on background threads;
 * every wait is bounded.
 */
final class JsockProcess implements AutoCloseable {
    final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;

    private JsockProcess(Process p) {
        this.process = p;
        this.outPump = pump(p.getInputStream(), out);
        this.errPump = pump(p.getErrorStream(), err);
    }

    /** The command line that runs jsock with {@code args}, after an optional wrapper (strace ...). */
    static List<String> command(List<String> wrapper, String... args) {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.jsock.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    static JsockProcess start(String... args) throws IOException {
        return start(List.of(), args);
    }

    static JsockProcess start(List<String> wrapper, String... args) throws IOException {
        return new JsockProcess(new ProcessBuilder(command(wrapper, args)).start());
    }

    /** Writes {@code input} to stdin and closes it (EOF). */
    JsockProcess input(byte[] input) throws IOException {
        try (var in = process.getOutputStream()) {
            in.write(input);
        }
        return this;
    }

    JsockProcess input(String input) throws IOException {
        return input(input.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits for exit (bounded); kills the process and fails if it does not end in time. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("jsock did not exit within " + seconds + " s; stderr: " + stderr());
        }
        outPump.join(5000);
        errPump.join(5000);
        return process.exitValue();
    }

    byte[] stdoutBytes() {
        synchronized (out) {
            return out.toByteArray();
        }
    }

    String stdout() { return new String(stdoutBytes(), StandardCharsets.UTF_8); }

    String stderr() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits (bounded) until stderr contains {@code text}. */
    boolean awaitStderr(String text, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (stderr().contains(text)) return true;
            if (!process.isAlive()) return stderr().contains(text);
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        return Thread.ofPlatform().daemon(true).start(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }
}
