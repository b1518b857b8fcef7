package org.jsock.net;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;
import org.jsock.sys.sockaddr_un;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A socket address: IPv4, IPv6 (with scope id) or Unix (path or abstract name).
 *
 * <p>Text form round-trips through {@link #parse} and {@link #toString}: {@code 127.0.0.1:8080},
 * {@code [::1]:8080}, {@code [fe80::1%2]:8080}, {@code unix:/run/app.sock}, {@code unix:@name}.
 * Malformed text and ports outside 0-65535 are rejected here, before any system call.
 */
public sealed interface SockAddr permits SockAddr.Inet4, SockAddr.Inet6, SockAddr.Unix {

    Family family();

    /** Writes the C struct ({@code sockaddr_in}, ...) at {@code dst} and returns its length. */
    int encode(MemorySegment dst);

    /** The equivalent {@code java.net} address. */
    java.net.SocketAddress toJava();

    /** IPv4: {@code address} in host order ({@code 0x7f000001} is 127.0.0.1). */
    record Inet4(int address, int port) implements SockAddr {
        public Inet4 {
            checkPort(port);
        }

        public static Inet4 of(String ip, int port) {
            return new Inet4(ipv4(ip), port);
        }

        public static Inet4 loopback(int port) { return new Inet4(0x7f000001, port); }

        public static Inet4 any(int port) { return new Inet4(0, port); }

        public byte[] addressBytes() {
            return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        }

        public String host() {
            return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
        }

        @Override public Family family() { return Family.INET; }

        @Override public int encode(MemorySegment dst) {
            dst.asSlice(0, 16).fill((byte) 0);
            dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Sys.AF_INET);
            dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, Sys.htons(port));
            dst.set(ValueLayout.JAVA_INT_UNALIGNED, 4, Sys.htonl(address));
            return 16;
        }

        @Override public InetSocketAddress toJava() {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(addressBytes()), port);
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }

        @Override public String toString() { return host() + ":" + port; }
    }

    /** IPv6: 16 address bytes, port, scope id (interface index, 0 for none) and flow label. */
    record Inet6(byte[] address, int port, int scopeId, int flowInfo) implements SockAddr {
        public Inet6 {
            if (address.length != 16) throw new IllegalArgumentException("an IPv6 address has 16 bytes, got " + address.length);
            checkPort(port);
            address = address.clone();
        }

        public static Inet6 of(String ip, int port) {
            return parseInet6(ip, port);
        }

        public static Inet6 loopback(int port) {
            byte[] a = new byte[16];
            a[15] = 1;
            return new Inet6(a, port, 0, 0);
        }

        public static Inet6 any(int port) { return new Inet6(new byte[16], port, 0, 0); }

        @Override public byte[] address() { return address.clone(); }

        /** The address text as inet_ntop writes it, with {@code %scope} when there is one. */
        public String host() {
            String h = ip();
            return scopeId != 0 ? h + "%" + Integer.toUnsignedString(scopeId) : h;
        }

        /** The address text as inet_ntop writes it, without the scope. */
        public String ip() {
            return ntop(Sys.AF_INET6, address);
        }

        @Override public Family family() { return Family.INET6; }

        @Override public int encode(MemorySegment dst) {
            dst.asSlice(0, 28).fill((byte) 0);
            dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Sys.AF_INET6);
            dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, Sys.htons(port));
            dst.set(ValueLayout.JAVA_INT_UNALIGNED, 4, Sys.htonl(flowInfo));
            MemorySegment.copy(address, 0, dst, ValueLayout.JAVA_BYTE, 8, 16);
            dst.set(ValueLayout.JAVA_INT_UNALIGNED, 24, scopeId);
            return 28;
        }

        @Override public InetSocketAddress toJava() {
            try {
                return new InetSocketAddress(Inet6Address.getByAddress(null, address, scopeId), port);
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }

        @Override public boolean equals(Object o) {
            return o instanceof Inet6 i && Arrays.equals(address, i.address) && port == i.port
                    && scopeId == i.scopeId && flowInfo == i.flowInfo;
        }

        @Override public int hashCode() { return Arrays.hashCode(address) * 31 + port; }

        @Override public String toString() { return "[" + host() + "]:" + port; }
    }

    /**
     * Unix: a filesystem path, or an abstract name (Linux; no file, gone with the last socket).
     * An unnamed socket (from socketpair, or not bound) has an empty path.
     */
    record Unix(String path, boolean isAbstract) implements SockAddr {
        public Unix {
            int max = isAbstract ? sockaddr_un.SUN_PATH_SIZE - 1 : sockaddr_un.SUN_PATH_SIZE - 1;
            int len = path.getBytes(StandardCharsets.UTF_8).length;
            if (len > max) {
                throw new IllegalArgumentException("unix socket name is " + len + " bytes; the limit is " + max + ": " + path);
            }
            if (!isAbstract && path.indexOf('\0') >= 0) throw new IllegalArgumentException("unix socket path contains NUL");
        }

        public static Unix path(String path) { return new Unix(path, false); }

        public static Unix abstractName(String name) { return new Unix(name, true); }

        @Override public Family family() { return Family.UNIX; }

        @Override public int encode(MemorySegment dst) {
            byte[] b = path.getBytes(StandardCharsets.UTF_8);
            dst.asSlice(0, sockaddr_un.SIZEOF).fill((byte) 0);
            dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Sys.AF_UNIX);
            int off = sockaddr_un.SUN_PATH_OFFSET + (isAbstract ? 1 : 0);
            MemorySegment.copy(b, 0, dst, ValueLayout.JAVA_BYTE, off, b.length);
            // A path is NUL-terminated; an abstract name is exactly as long as the length says.
            if (b.length == 0 && !isAbstract) return sockaddr_un.SUN_PATH_OFFSET;
            return off + b.length + (isAbstract ? 0 : 1);
        }

        @Override public UnixDomainSocketAddress toJava() {
            if (isAbstract) throw new UnsupportedOperationException("java.net has no abstract unix addresses: " + this);
            return UnixDomainSocketAddress.of(path);
        }

        @Override public String toString() { return "unix:" + (isAbstract ? "@" : "") + path; }
    }

    // ---- parsing ------------------------------------------------------------------------------

    /**
     * Parses {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code [fe80::1%eth0]:80}, {@code unix:/path}
     * or {@code unix:@name}. Throws IllegalArgumentException naming what is wrong.
     */
    static SockAddr parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty address");
        if (text.startsWith("unix:")) {
            String rest = text.substring(5);
            if (rest.startsWith("@")) return Unix.abstractName(rest.substring(1));
            if (rest.isEmpty()) throw new IllegalArgumentException("unix address needs a path: " + text);
            return Unix.path(rest);
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("missing ']' in IPv6 address: " + text);
            if (close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("missing ':port' after IPv6 address: " + text);
            }
            return parseInet6(text.substring(1, close), parsePort(text.substring(close + 2)));
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("missing ':port' in address: " + text);
        if (text.indexOf(':') != colon) {
            throw new IllegalArgumentException("IPv6 addresses need brackets, as in [::1]:8080: " + text);
        }
        return Inet4.of(text.substring(0, colon), parsePort(text.substring(colon + 1)));
    }

    /** An IP address text (v4 or v6, no brackets) with a port. */
    static SockAddr ofIp(String ip, int port) {
        return ip.indexOf(':') >= 0 ? parseInet6(ip, port) : Inet4.of(ip, port);
    }

    /** From a java.net address; an unresolved InetSocketAddress is refused (resolve with Resolver). */
    static SockAddr of(java.net.SocketAddress a) {
        if (a instanceof InetSocketAddress isa) {
            if (isa.isUnresolved()) throw new IllegalArgumentException("unresolved address " + isa + ": resolve it first");
            InetAddress ia = isa.getAddress();
            if (ia instanceof Inet4Address) {
                byte[] b = ia.getAddress();
                return new Inet4(((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF), isa.getPort());
            }
            Inet6Address i6 = (Inet6Address) ia;
            return new Inet6(i6.getAddress(), isa.getPort(), i6.getScopeId(), 0);
        }
        if (a instanceof UnixDomainSocketAddress u) return Unix.path(u.getPath().toString());
        throw new IllegalArgumentException("unsupported address type " + a.getClass().getName());
    }

    /** Reads a C socket address of {@code len} bytes. */
    static SockAddr decode(MemorySegment src, int len) {
        if (len < 2) return new Unix("", false);
        int family = Short.toUnsignedInt(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        if (family == Sys.AF_INET && len >= 16) {
            return new Inet4(Sys.ntohl(src.get(ValueLayout.JAVA_INT_UNALIGNED, 4)), Sys.ntohs(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2)));
        }
        if (family == Sys.AF_INET6 && len >= 24) {
            byte[] a = src.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
            int scope = len >= 28 ? src.get(ValueLayout.JAVA_INT_UNALIGNED, 24) : 0;
            return new Inet6(a, Sys.ntohs(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2)), scope,
                    Sys.ntohl(src.get(ValueLayout.JAVA_INT_UNALIGNED, 4)));
        }
        if (family == Sys.AF_UNIX) {
            int n = len - sockaddr_un.SUN_PATH_OFFSET;
            if (n <= 0) return new Unix("", false);
            byte[] p = src.asSlice(sockaddr_un.SUN_PATH_OFFSET, n).toArray(ValueLayout.JAVA_BYTE);
            if (p[0] == 0) return new Unix(new String(p, 1, n - 1, StandardCharsets.UTF_8), true);
            int end = 0;
            while (end < n && p[end] != 0) end++;
            return new Unix(new String(p, 0, end, StandardCharsets.UTF_8), false);
        }
        throw new IllegalArgumentException("unsupported address family " + family);
    }

    static int parsePort(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad port '" + s + "': expected a number from 0 to 65535");
        }
        int p = Integer.parseInt(s);
        checkPort(p);
        return p;
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is out of range (0-65535)");
    }

    /** Dotted-quad text to a host-order int, with inet_pton's rules (four parts, no leading zeros). */
    private static int ipv4(String ip) {
        byte[] b = pton(Sys.AF_INET, ip);
        if (b == null) throw new IllegalArgumentException("bad IPv4 address '" + ip + "'");
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    private static Inet6 parseInet6(String ip, int port) {
        int scope = 0;
        int pct = ip.indexOf('%');
        String host = ip;
        if (pct >= 0) {
            host = ip.substring(0, pct);
            scope = scopeId(ip.substring(pct + 1), ip);
        }
        byte[] b = pton(Sys.AF_INET6, host);
        if (b == null) throw new IllegalArgumentException("bad IPv6 address '" + ip + "'");
        return new Inet6(b, port, scope, 0);
    }

    private static int scopeId(String s, String whole) {
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) return Integer.parseUnsignedInt(s);
        try {
            NetworkInterface ni = NetworkInterface.getByName(s);
            if (ni != null) return ni.getIndex();
        } catch (SocketException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("unknown interface '" + s + "' in " + whole);
    }

    // inet_pton and inet_ntop are libc functions, not system calls: parsing stays syscall-free.
    private static byte[] pton(int af, String text) {
        if (text.isEmpty() || text.length() > 64) return null;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dst = a.allocate(16);
            if (Sys.inet_pton(af, text, dst) != 1) return null;
            return dst.asSlice(0, af == Sys.AF_INET ? 4 : 16).toArray(ValueLayout.JAVA_BYTE);
        } catch (ErrnoException e) {
            return null;
        }
    }

    private static String ntop(int af, byte[] addr) {
        try {
            return Sys.inet_ntop(af, MemorySegment.ofArray(addr));
        } catch (ErrnoException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
