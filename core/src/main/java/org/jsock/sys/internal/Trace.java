package org.jsock.sys.internal;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Prints each socket call as strace prints it: {@code connect(3, {sa_family=AF_INET, ...}, 16) = 0}.
 *
 * <p>{@link #ON} is read once from the system property {@code jsock.trace}; being a static final it
 * lets the JIT remove every trace site when off. Call sites build their argument text only under
 * {@code if (Trace.ON)}. Output goes to stderr, or to {@link #sink(PrintStream)}; a thread may carry a
 * label ({@code [server]}), printed where strace -f prints {@code [pid N]}.
 */
public final class Trace {
    private Trace() {}

    /** Whether tracing is on for this JVM: {@code -Djsock.trace=true}. */
    public static final boolean ON = Boolean.getBoolean("jsock.trace");

    /** How many bytes of a buffer strace shows by default ({@code -s 32}). */
    public static final int STRSIZE = 32;

    private static volatile PrintStream sink = System.err;
    private static final ThreadLocal<String> LABEL = new ThreadLocal<>();

    public static void sink(PrintStream out) { sink = out; }

    /** Labels this thread's lines, e.g. {@code server}; null removes the label. */
    public static void label(String label) {
        if (label == null) LABEL.remove(); else LABEL.set(label);
    }

    /** Emits {@code call(args) = result}, with the errno name and text when the result is -1. */
    public static void line(String name, String args, long result, int errno) {
        emit(name + "(" + args + ") = " + result(result, errno));
    }

    /** Emits a line whose result part the caller rendered (poll, fcntl). */
    public static void raw(String name, String args, String result) {
        emit(name + "(" + args + ") = " + result);
    }

    private static void emit(String text) {
        String label = LABEL.get();
        PrintStream out = sink;
        synchronized (out) {
            out.println(label == null ? text : "[" + label + "] " + text);
            out.flush();
        }
    }

    public static String result(long result, int errno) {
        if (result >= 0) return Long.toString(result);
        String name = Platform.name("errno", errno);
        return result + " " + (name != null ? name : Integer.toString(errno)) + " (" + Libc.strerror(errno) + ")";
    }

    // ---- argument renderers -------------------------------------------------------------------

    public static String name(String group, int value) {
        String n = Platform.name(group, value);
        return n != null ? n : Integer.toString(value);
    }

    public static String flags(String group, int value) {
        return Platform.flags(group, Integer.toUnsignedLong(value));
    }

    /** {@code SOCK_STREAM|SOCK_CLOEXEC}: a type with its flag bits. */
    public static String sockType(int type) {
        int flagBits = Platform.constant("SOCK_NONBLOCK") | Platform.constant("SOCK_CLOEXEC");
        String base = name("socktype", type & ~flagBits);
        int f = type & flagBits;
        return f == 0 ? base : base + "|" + flags("sockflag", f);
    }

    /** The protocol argument of socket(): strace names it only for the inet families. */
    public static String protocol(int domain, int protocol) {
        if (domain == Platform.constant("AF_INET") || domain == Platform.constant("AF_INET6")) {
            return name("ipproto", protocol);
        }
        return Integer.toString(protocol);
    }

    /** The level argument of setsockopt/getsockopt. */
    public static String level(int level) {
        if (level == Platform.constant("SOL_SOCKET")) return "SOL_SOCKET";
        return name("ipproto", level);
    }

    /** The option name, looked up in the group of its level. */
    public static String option(int level, int name) {
        String group;
        if (level == Platform.constant("SOL_SOCKET")) group = "so";
        else if (level == Platform.constant("IPPROTO_TCP")) group = "tcp";
        else if (level == Platform.constant("IPPROTO_IP")) group = "ip";
        else if (level == Platform.constant("IPPROTO_IPV6")) group = "ipv6";
        else if (level == Platform.constant("IPPROTO_UDP")) group = "udp";
        else return Integer.toString(name);
        return name(group, name);
    }

    /** An option value as strace decodes it: {@code [1]}, {@code {l_onoff=1, l_linger=0}}, ... */
    public static String optval(int level, int name, MemorySegment val, int len) {
        if (val == null || val.equals(MemorySegment.NULL)) return "NULL";
        if (level == Platform.constant("SOL_SOCKET")) {
            if (name == Platform.constant("SO_LINGER") && len >= 8) {
                return "{l_onoff=" + val.get(ValueLayout.JAVA_INT, 0) + ", l_linger=" + val.get(ValueLayout.JAVA_INT, 4) + "}";
            }
            if ((name == Platform.constant("SO_RCVTIMEO") || name == Platform.constant("SO_SNDTIMEO")) && len >= 16) {
                return "{tv_sec=" + val.get(ValueLayout.JAVA_LONG, 0) + ", tv_usec=" + val.get(ValueLayout.JAVA_LONG, 8) + "}";
            }
            if (name == Platform.constant("SO_ERROR") && len >= 4) {
                int e = val.get(ValueLayout.JAVA_INT, 0);
                return "[" + (e == 0 ? "0" : name("errno", e)) + "]";
            }
            if (name == Platform.constant("SO_TYPE") && len >= 4) {
                return "[" + name("socktype", val.get(ValueLayout.JAVA_INT, 0)) + "]";
            }
        }
        if (len == 4) return "[" + val.get(ValueLayout.JAVA_INT, 0) + "]";
        return quote(val, len);
    }

    /** A data buffer, as strace quotes it, truncated after {@link #STRSIZE} bytes with {@code ...}. */
    public static String quote(MemorySegment buf, long len) {
        if (buf == null || buf.equals(MemorySegment.NULL)) return "NULL";
        long n = Math.max(0, Math.min(len, Math.min(STRSIZE, buf.byteSize())));
        byte[] b = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        return quote(b, 0, b.length, len > n);
    }

    /** strace's quoting: C escapes, other non-printables in octal (3 digits when a digit follows). */
    public static String quote(byte[] b, int off, int n, boolean truncated) {
        StringBuilder sb = new StringBuilder(n + 8).append('"');
        for (int i = off; i < off + n; i++) {
            int c = b[i] & 0xFF;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x0B -> sb.append("\\v");
                default -> {
                    if (c >= 0x20 && c < 0x7F) {
                        sb.append((char) c);
                    } else {
                        sb.append('\\');
                        boolean digitNext = i + 1 < off + n && b[i + 1] >= '0' && b[i + 1] <= '7';
                        if (digitNext || (c >> 6) != 0) sb.append((char) ('0' + (c >> 6)));
                        if (digitNext || (c >> 3) != 0) sb.append((char) ('0' + ((c >> 3) & 7)));
                        sb.append((char) ('0' + (c & 7)));
                    }
                }
            }
        }
        sb.append('"');
        if (truncated) sb.append("...");
        return sb.toString();
    }

    /** A socket address as strace decodes it, from {@code len} bytes at {@code addr}. */
    public static String sockaddr(MemorySegment addr, long len) {
        if (addr == null || addr.equals(MemorySegment.NULL)) return "NULL";
        if (len < 2) return "{}";
        MemorySegment a = addr.byteSize() >= len ? addr : addr.reinterpret(len);
        int family = Short.toUnsignedInt(a.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        String fam = name("family", family);
        StringBuilder sb = new StringBuilder("{sa_family=").append(fam);
        if (family == Platform.constant("AF_INET") && len >= 16) {
            sb.append(", sin_port=htons(").append(port(a)).append("), sin_addr=inet_addr(\"")
              .append(ip(a.asSlice(4, 4))).append("\")");
        } else if (family == Platform.constant("AF_INET6") && len >= 24) {
            sb.append(", sin6_port=htons(").append(port(a)).append("), sin6_flowinfo=htonl(")
              .append(Integer.toUnsignedString(Integer.reverseBytes(a.get(ValueLayout.JAVA_INT_UNALIGNED, 4))))
              .append("), inet_pton(AF_INET6, \"").append(ip(a.asSlice(8, 16))).append("\", &sin6_addr)");
            if (len >= 28) sb.append(", sin6_scope_id=").append(Integer.toUnsignedString(a.get(ValueLayout.JAVA_INT_UNALIGNED, 24)));
        } else if (family == Platform.constant("AF_UNIX")) {
            if (len > 2) {
                byte[] p = a.asSlice(2, len - 2).toArray(ValueLayout.JAVA_BYTE);
                sb.append(", sun_path=");
                if (p.length > 0 && p[0] == 0) {
                    sb.append('@').append(quote(p, 1, p.length - 1, false));
                } else {
                    int end = 0;
                    while (end < p.length && p[end] != 0) end++;
                    sb.append(quote(p, 0, end, false));
                }
            }
        } else {
            sb.append(", sa_data=").append(quote(a.asSlice(2, len - 2).toArray(ValueLayout.JAVA_BYTE), 0, (int) len - 2, false));
        }
        return sb.append('}').toString();
    }

    /** A value-result length: {@code [16]}, or {@code [128 => 16]} when the call changed it. */
    public static String lenInOut(int in, int out) {
        return in == out ? "[" + in + "]" : "[" + in + " => " + out + "]";
    }

    private static int port(MemorySegment a) {
        return Short.toUnsignedInt(Short.reverseBytes(a.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2)));
    }

    /** The address text exactly as libc's inet_ntop writes it. */
    private static String ip(MemorySegment bytes) {
        int af = bytes.byteSize() == 4 ? Platform.constant("AF_INET") : Platform.constant("AF_INET6");
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment src = arena.allocate(16);
            MemorySegment.copy(bytes, 0, src, 0, bytes.byteSize());
            MemorySegment dst = arena.allocate(64);
            MemorySegment r = Libc.inet_ntop(arena.allocate(Libc.CAPTURE_LAYOUT), af, src, dst, 64);
            return r.equals(MemorySegment.NULL) ? "?" : dst.getString(0);
        }
    }

}
