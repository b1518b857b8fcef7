package org.jsock.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Starting, talking to and stopping the processes of a benchmark: servers and load generators. */
final class Procs {
    private Procs() {}

    /** A child process whose stdout lines are read into a queue; stderr goes to a log file. */
    static final class Child implements AutoCloseable {
        final String name;
        final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final OutputStream stdin;

        Child(String name, List<String> cmd, Path log) throws IOException {
            this(name, cmd, log, false);
        }

        /** {@code discardOutput}: stdout goes to /dev/null (openssl s_server prints what it receives). */
        Child(String name, List<String> cmd, Path log, boolean discardOutput) throws IOException {
            this.name = name;
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            if (discardOutput) pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            this.process = pb.start();
            this.stdin = process.getOutputStream();
            Thread.ofPlatform().daemon().name("out-" + name).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) lines.add(l);
                } catch (IOException ignored) {
                    // the process ended
                }
                lines.add("\u0000EOF");
            });
        }

        long pid() { return process.pid(); }

        /** The next line starting with {@code prefix}, or an exception after {@code seconds}. */
        String await(String prefix, double seconds) throws IOException, InterruptedException {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (true) {
                long left = end - System.nanoTime();
                String l = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (l == null) throw new IOException(name + ": no '" + prefix + "' line within " + seconds + " s");
                if (l.equals("\u0000EOF")) throw new IOException(name + ": exited (code " + exitCode() + ") before '" + prefix + "'");
                if (l.startsWith(prefix)) return l;
            }
        }

        private String exitCode() {
            try {
                return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
            } catch (InterruptedException e) {
                return "?";
            }
        }

        void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        }

        /** Waits for the process to end by itself; kills it after {@code seconds}. Returns its exit code. */
        int waitFor(double seconds) throws InterruptedException {
            if (!process.waitFor((long) (seconds * 1000), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return -1;
            }
            return process.exitValue();
        }

        /** Ends the process: closes its input (Java peers exit on that), SIGTERM, then SIGKILL. */
        @Override
        public void close() {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // already gone
            }
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(3, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(5, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs {@code cmd} to its end (killed after {@code seconds}); returns its stdout. */
    static String run(List<String> cmd, double seconds, Path log) throws IOException, InterruptedException {
        try (Child c = new Child(cmd.getFirst(), cmd, log)) {
            int code = c.waitFor(seconds);
            StringBuilder out = new StringBuilder();
            String l;
            while ((l = c.lines.poll(1, TimeUnit.SECONDS)) != null && !l.equals("\u0000EOF")) out.append(l).append('\n');
            if (code != 0) throw new IOException(String.join(" ", cmd) + ": exit " + code + (code == -1 ? " (killed after " + seconds + " s)" : "") + "; see " + log);
            return out.toString();
        }
    }

    /** The key=value pairs of the line starting with {@code prefix} (RESULT, READY, HEAP). */
    static Map<String, String> fields(String text, String prefix) throws IOException {
        for (String line : text.split("\n")) {
            if (!line.startsWith(prefix)) continue;
            Map<String, String> m = new LinkedHashMap<>();
            for (String part : line.substring(prefix.length()).trim().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq > 0) m.put(part.substring(0, eq), part.substring(eq + 1));
            }
            return m;
        }
        throw new IOException("no " + prefix + " line in: " + text.strip());
    }

    /** Resident set size of a process, from /proc (bytes). */
    static long rss(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    /** Threads of a process, from /proc. */
    static int threads(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("Threads:")) return Integer.parseInt(l.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    static String loadavg() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** A command pinned to one CPU with taskset. */
    static List<String> pinned(int cpu, List<String> cmd) {
        List<String> l = new ArrayList<>(List.of("taskset", "-c", String.valueOf(cpu)));
        l.addAll(cmd);
        return l;
    }

    /** A free TCP port on 127.0.0.1 (for servers that cannot report the one the kernel picked). */
    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until a TCP connect to 127.0.0.1:port succeeds. */
    static void awaitListening(int port, double seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            try {
                new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port).close();
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nothing listens on 127.0.0.1:" + port + " after " + seconds + " s");
    }
}
