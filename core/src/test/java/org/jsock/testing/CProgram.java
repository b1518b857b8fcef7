package org.jsock.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compiles a small C program with gcc at test time and runs it, so tests compare jsock with what C
 * itself says (struct bytes, offsetof, constants). Binaries go under {@code target/c-tests}, named by
 * a hash of their source so an unchanged program is built once. When gcc is absent the calling test
 * is skipped, not failed: CI installs gcc.
 */
public final class CProgram {
    private CProgram() {}

    private static final Path DIR = Path.of(System.getProperty("basedir", "."), "target", "c-tests");
    private static volatile Boolean gcc;

    /** Whether {@code gcc} runs on this machine. */
    public static boolean gccAvailable() {
        Boolean g = gcc;
        if (g == null) {
            try {
                Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                try (var in = p.getInputStream()) {
                    in.readAllBytes();
                }
                g = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                g = false;
            }
            gcc = g;
        }
        return g;
    }

    /** Skips the calling test when gcc is missing. */
    public static void assumeGcc() {
        Assumptions.assumeTrue(gccAvailable(), "gcc is not installed: C comparison skipped");
    }

    /**
     * Builds {@code source} with {@code gcc -D_GNU_SOURCE} and runs it; returns its stdout. Skips the
     * test when gcc is missing; fails it when the program does not compile or exits non-zero.
     */
    public static String run(String name, String source) throws Exception {
        assumeGcc();
        Files.createDirectories(DIR);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(source.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        Path c = DIR.resolve(name + "-" + hash + ".c");
        Path exe = DIR.resolve(name + "-" + hash);
        if (!Files.isExecutable(exe)) {
            Files.writeString(c, source);
            Path tmp = DIR.resolve(name + "-" + hash + ".tmp" + ProcessHandle.current().pid());
            String out = exec(List.of("gcc", "-D_GNU_SOURCE", "-std=gnu11", "-O0", "-o", tmp.toString(), c.toString()));
            Files.move(tmp, exe, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            if (!out.isBlank()) System.err.println("gcc " + c + ":\n" + out);
        }
        return exec(List.of(exe.toString()));
    }

    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        // No stdin pipe, and stdout closed once read: nothing is left for FdLeakCheck to find.
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + ": timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
        return text;
    }

    /** Parses lines of {@code key value...} output into a map of key to the rest of the line. */
    public static java.util.Map<String, String> lines(String output) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String line : output.split("\n")) {
            line = line.strip();
            if (line.isEmpty()) continue;
            int sp = line.indexOf(' ');
            if (sp < 0) m.put(line, "");
            else m.put(line.substring(0, sp), line.substring(sp + 1).strip());
        }
        return m;
    }

    /** The bytes of a hex string as C's {@code printf("%02x")} wrote them. */
    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.strip());
    }
}
