package org.jsock.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A peer program (openssl, ncat) with its stdout and stderr collected line by line, every wait
 * bounded, and every pipe closed at the end (the fd-leak check counts pipes).
 */
final class Proc implements AutoCloseable {
    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();
    private final Process p;
    private final Thread outReader;
    private final Thread errReader;

    private Proc(Process p) {
        this.p = p;
        this.outReader = Thread.ofPlatform().daemon().start(() -> pump(p.getInputStream(), out));
        this.errReader = Thread.ofPlatform().daemon().start(() -> pump(p.getErrorStream(), err));
    }

    static Proc start(String... cmd) throws IOException {
        return new Proc(new ProcessBuilder(cmd).start());
    }

    /** Skips a test when the program is not installed. */
    static boolean installed(String path) {
        return Files.isExecutable(Path.of(path));
    }

    private static void pump(InputStream in, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) lines.add(line);
        } catch (IOException e) {
            // the stream closed under us: done
        }
    }

    OutputStream stdin() { return p.getOutputStream(); }

    void send(String text) throws IOException {
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
    }

    void closeStdin() {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Waits until a line of stdout or stderr matches. */
    boolean awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (out.stream().anyMatch(match) || err.stream().anyMatch(match)) return true;
            if (!p.isAlive() && !outReader.isAlive() && !errReader.isAlive()) {
                return out.stream().anyMatch(match) || err.stream().anyMatch(match);
            }
            Thread.sleep(10);
        }
        return false;
    }

    /** The exit code, or -1 if it had to be killed after {@code timeout}. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return -1;
        }
        return p.exitValue();
    }

    String transcript() {
        return "stdout=" + out + " stderr=" + err;
    }

    @Override
    public void close() {
        closeStdin();
        try {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            outReader.join(5000);
            errReader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        try {
            p.getInputStream().close();
            p.getErrorStream().close();
        } catch (IOException ignored) {
            // closed
        }
    }
}
