package org.jsock.examples;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.SockType;
import org.jsock.net.Socket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The programs as the tests run them: the C originals compiled with gcc into {@code target/c-bin/},
 * and the Java versions through {@link Run} in a JVM of their own. Also free ports to run them on.
 */
final class Programs {
    private Programs() {}

    /** The examples module: surefire runs the tests there. */
    static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    static final Path C_SOURCES = MODULE.resolve("c");
    static final Path C_BIN = MODULE.resolve("target/c-bin");
    private static final Path LINEBUF = MODULE.resolve("src/test/c/linebuf.c");

    private static Map<String, Path> binaries; // guarded by Programs.class
    private static String buildFailure; // guarded by Programs.class

    /** A program to run: a label for messages, and its command line. */
    record Cmd(String label, List<String> command) {
        Proc start() throws IOException { return Proc.start(label, command); }
        Proc.Result run() throws Exception { return Proc.run(label, command); }
    }

    /**
     * The C original of example {@code name}, with {@code argv[0]} set to that name (through bash's
     * {@code exec -a}), so that usage lines read as the Java versions print them.
     */
    static Cmd c(String name, Object... args) {
        Path bin = binary(Examples.get(name).cFile());
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "exec -a \"$0\" \"$@\"", name, bin.toString()));
        for (Object a : args) cmd.add(a.toString());
        return new Cmd("C " + name, cmd);
    }

    /** The Java version of example {@code name} at {@code level} ("sys" or "net"), in its own JVM. */
    static Cmd java(String level, String name, Object... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", // these programs live for milliseconds: start fast
                "-cp", System.getProperty("java.class.path"),
                Run.class.getName(), level, name));
        for (Object a : args) cmd.add(a.toString());
        return new Cmd("Java/" + level + " " + name, cmd);
    }

    /** "c", "sys" or "net": the C original or a Java version. */
    static Cmd program(String impl, String name, Object... args) {
        return impl.equals("c") ? c(name, args) : java(impl, name, args);
    }

    /** The compiled binary of a C file in {@code examples/c}; every C file is compiled on first use. */
    static synchronized Path binary(String cFile) {
        if (binaries == null && buildFailure == null) build();
        if (buildFailure != null) fail(buildFailure);
        Path p = binaries.get(cFile);
        if (p == null) fail("no C program " + cFile + " in " + C_SOURCES);
        return p;
    }

    /** The C sources, by file name. */
    static List<Path> cSources() throws IOException {
        try (Stream<Path> s = Files.list(C_SOURCES)) {
            return s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
        }
    }

    private static void build() {
        assumeTrue(gccAvailable(), "gcc is not installed: the C originals cannot be built (CI installs it)");
        Map<String, Path> built = new LinkedHashMap<>();
        StringBuilder failures = new StringBuilder();
        try {
            Files.createDirectories(C_BIN);
            for (Path src : cSources()) {
                String file = src.getFileName().toString();
                Path bin = C_BIN.resolve(file.substring(0, file.length() - 2));
                Proc.Result r = Proc.run("gcc " + file, List.of("gcc", "-O2", "-Wall", "-Wextra",
                        "-o", bin.toString(), src.toString(), LINEBUF.toString()));
                if (r.exit() != 0) failures.append(r).append('\n');
                else built.put(file, bin);
            }
        } catch (Exception e) {
            failures.append("building the C programs failed: ").append(e);
        }
        if (!failures.isEmpty()) buildFailure = "gcc failed:\n" + failures;
        binaries = built;
    }

    private static boolean gccAvailable() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A TCP port that was free a moment ago: bind 127.0.0.1:0 and ask the kernel which port it chose. */
    static int freeTcpPort() throws IOException {
        return freePort(SockType.STREAM);
    }

    static int freeUdpPort() throws IOException {
        return freePort(SockType.DGRAM);
    }

    private static int freePort(SockType type) throws IOException {
        try (Socket s = Socket.open(Family.INET, type)) {
            s.bind(SockAddr.Inet4.loopback(0));
            return ((SockAddr.Inet4) s.localAddress()).port();
        }
    }

    /** Text as bytes, for messages. */
    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
