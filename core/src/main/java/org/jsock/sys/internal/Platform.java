package org.jsock.sys.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one place that knows which platform we run on and what its C constants are.
 *
 * <p>Values come from a table per platform ({@code linux.constants}), generated from the C headers and
 * re-checked against gcc by the test suite, so no constant is ever guessed. The table keeps groups
 * ({@code family}, {@code so}, {@code msg}, ...) so the trace can print values back as names.
 */
public final class Platform {
    public enum Arch { X86_64, AARCH64 }

    /** The architecture; decides struct layouts that differ (epoll_event). */
    public static final Arch ARCH;

    private static final Map<String, Long> BY_NAME = new HashMap<>();
    private static final Map<String, Map<String, Long>> BY_GROUP = new LinkedHashMap<>();

    static {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new UnsupportedOperationException(unsupported(os, arch));
        }
        ARCH = switch (arch) {
            case "amd64", "x86_64" -> Arch.X86_64;
            case "aarch64", "arm64" -> Arch.AARCH64;
            default -> throw new UnsupportedOperationException(unsupported(os, arch));
        };
        load("linux.constants");
    }

    private Platform() {}

    private static String unsupported(String os, String arch) {
        return "jsock supports Linux on x86_64 and aarch64; this machine is " + os + " on " + arch;
    }

    /**
     * Fails with a clear message when this platform is not supported. Call early (the CLI does) so the
     * failure is one line rather than an ExceptionInInitializerError.
     */
    public static void check() {
        // Touching ARCH runs the static initializer, which throws on an unsupported platform.
        if (ARCH == null) throw new IllegalStateException();
    }

    private static void load(String resource) {
        try (InputStream in = Platform.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing constants table " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] f = line.split("\\s+");
                long v = Long.parseLong(f[2]);
                BY_NAME.put(f[1], v);
                BY_GROUP.computeIfAbsent(f[0], g -> new LinkedHashMap<>()).putIfAbsent(f[1], v);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read constants table " + resource, e);
        }
    }

    /** The value of a C constant, as C's int would hold it (INADDR_NONE is -1). */
    public static int constant(String name) {
        Long v = BY_NAME.get(name);
        if (v == null) throw new IllegalStateException("no constant " + name + " on this platform");
        return (int) (long) v;
    }

    /** All names and values of one group, in table order. */
    public static Map<String, Long> group(String group) {
        Map<String, Long> g = BY_GROUP.get(group);
        return g == null ? Map.of() : Collections.unmodifiableMap(g);
    }

    /** The first name in {@code group} whose value is {@code value}, or null. */
    public static String name(String group, long value) {
        for (Map.Entry<String, Long> e : group(group).entrySet()) {
            if (e.getValue() == value) return e.getKey();
        }
        return null;
    }

    /** Renders a bit set as strace does: {@code MSG_PEEK|MSG_DONTWAIT}, leftover bits in hex, 0 as "0". */
    public static String flags(String group, long value) {
        if (value == 0) return "0";
        StringBuilder sb = new StringBuilder();
        long left = value;
        for (Map.Entry<String, Long> e : group(group).entrySet()) {
            long bit = e.getValue();
            if (bit != 0 && (left & bit) == bit) {
                if (!sb.isEmpty()) sb.append('|');
                sb.append(e.getKey());
                left &= ~bit;
            }
        }
        if (left != 0) {
            if (!sb.isEmpty()) sb.append('|');
            sb.append("0x").append(Long.toHexString(left));
        }
        return sb.toString();
    }
}
