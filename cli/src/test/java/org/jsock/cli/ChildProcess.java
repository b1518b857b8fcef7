package org.jsock.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process for the CLI tests: jsock (through {@link JsockProcess#command}) or a peer such as
 * nc, ncat or socat. Unlike {@link JsockProcess}, its stdin can stay open while the test talks to it,
 * and stdin/stdout can be files (for the large transfers). Every wait is bounded; on timeout the
 * process is killed and the test fails with what the process wrote.
 */
final class ChildProcess implements AutoCloseable {
    final String name;
    final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;
    private OutputStream stdin;

    private ChildProcess(String name, Process p) {
        this.name = name;
        this.process = p;
        this.stdin = p.getOutputStream();
        this.outPump = pump(p.getInputStream(), out);
        this.errPump = pump(p.getErrorStream(), err);
    }

    /** Starts {@code cmd} with stdin and stdout piped to the test. */
    static ChildProcess start(String name, List<String> cmd) throws IOException {
        return start(name, cmd, ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.PIPE);
    }

    static ChildProcess start(String name, List<String> cmd, ProcessBuilder.Redirect in, ProcessBuilder.Redirect out)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(in).redirectOutput(out);
        return new ChildProcess(name, pb.start());
    }

    /** jsock with {@code args}, stdin and stdout piped. */
    static ChildProcess jsock(String... args) throws IOException {
        return start("jsock " + String.join(" ", args), JsockProcess.command(List.of(), args));
    }

    static ChildProcess jsock(ProcessBuilder.Redirect in, ProcessBuilder.Redirect out, String... args) throws IOException {
        return start("jsock " + String.join(" ", args), JsockProcess.command(List.of(), args), in, out);
    }

    /** Writes to stdin and flushes; stdin stays open. */
    ChildProcess send(byte[] data) throws IOException {
        stdin.write(data);
        stdin.flush();
        return this;
    }

    ChildProcess send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Closes stdin: the process reads EOF. */
    ChildProcess closeInput() throws IOException {
        stdin.close();
        return this;
    }

    /** Writes {@code data} and closes stdin. */
    ChildProcess input(byte[] data) throws IOException {
        return send(data).closeInput();
    }

    ChildProcess input(String text) throws IOException {
        return send(text).closeInput();
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

    /** Waits (bounded) until stderr contains {@code text}; fails the test if it never does. */
    void awaitStderr(String text, long millis) throws InterruptedException {
        if (!await(() -> stderr().contains(text), millis)) {
            throw new AssertionError(name + ": no '" + text + "' on stderr within " + millis + " ms" + describe());
        }
    }

    /** Waits (bounded) until stdout holds exactly {@code expected} (or more); fails if it never does. */
    void awaitStdout(byte[] expected, long millis) throws InterruptedException {
        if (!await(() -> stdoutBytes().length >= expected.length, millis)) {
            throw new AssertionError(name + ": expected " + expected.length + " bytes on stdout within " + millis
                    + " ms" + describe());
        }
    }

    void awaitStdout(String expected, long millis) throws InterruptedException {
        awaitStdout(expected.getBytes(StandardCharsets.UTF_8), millis);
    }

    /** Polls {@code condition} until it holds or {@code millis} pass (also stops once the process died). */
    private boolean await(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            if (!process.isAlive()) {
                // let the pumps drain what the process wrote before it ended
                outPump.join(1000);
                errPump.join(1000);
                return condition.getAsBoolean();
            }
            Thread.sleep(10);
        }
        return false;
    }

    /** Waits for exit (bounded); kills the process and fails if it does not end in time. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError(name + ": did not exit within " + seconds + " s" + describe());
        }
        outPump.join(5000);
        errPump.join(5000);
        return process.exitValue();
    }

    boolean isAlive() { return process.isAlive(); }

    /**
     * Sends a signal with kill(1): "TERM", "STOP", "CONT". (Process.destroy also sends SIGTERM, but
     * it closes our ends of the pipes first, so what the process writes as it stops is lost.)
     */
    ChildProcess signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
        return this;
    }

    /** stdout and stderr so far, for failure messages. */
    String describe() {
        byte[] o = stdoutBytes();
        String shown = o.length > 400 ? new String(o, 0, 400, StandardCharsets.ISO_8859_1) + "...(" + o.length + " bytes)"
                : new String(o, StandardCharsets.ISO_8859_1);
        return "\n  [" + name + "] stdout: " + shown + "\n  [" + name + "] stderr: " + stderr();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        return Thread.ofPlatform().daemon(true).start(() -> {
            byte[] buf = new byte[8192];
            try (in) {
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

    // ---- helpers shared by the CLI tests ----

    /** A port that was free a moment ago on {@code host} (bind port 0, read it, close). */
    static int freePort(String host, boolean udp) throws IOException {
        InetAddress a = InetAddress.getByName(host);
        if (udp) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(a, 0))) {
                return s.getLocalPort();
            }
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(a, 0));
            return s.getLocalPort();
        }
    }

    static int freePort() throws IOException {
        return freePort("127.0.0.1", false);
    }

    /**
     * Waits (bounded) until some socket listens on TCP {@code port} (from /proc/net/tcp and tcp6),
     * for servers that say nothing when they are ready.
     */
    static void awaitTcpListening(int port, long millis) throws IOException, InterruptedException {
        String hexPort = String.format(":%04X", port);
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("nothing listens on TCP port " + port + " after " + millis + " ms");
    }

    /** True if {@code program} is an executable on PATH. */
    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Arrays.stream(path.split(":")).map(d -> Path.of(d, program)).anyMatch(Files::isExecutable);
    }
}
