package org.jsock.net;

import org.jsock.sys.Sys;
import org.jsock.sys.tcp_info;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

/**
 * A typed socket option: its C level and name, and how its value is encoded.
 * <pre>{@code
 * s.set(SockOpt.SO_REUSEADDR, true);
 * TcpInfo info = s.get(SockOpt.TCP_INFO);
 * }</pre>
 * Options without a constant here stay reachable through {@link Socket#setIntOption} and
 * {@link Socket#getOption(int, int, byte[])}.
 */
public final class SockOpt<T> {
    /** How a value is written to and read from native memory. */
    sealed interface Codec<T> permits IntCodec, BoolCodec, LingerCodec, TimevalCodec, MillisCodec, TcpInfoCodec, TypeCodec {
        int size();
        int encode(T value, MemorySegment dst);
        T decode(MemorySegment src, int len);
    }

    record IntCodec() implements Codec<Integer> {
        public int size() { return 4; }
        public int encode(Integer v, MemorySegment d) { d.set(ValueLayout.JAVA_INT, 0, v); return 4; }
        public Integer decode(MemorySegment s, int len) { return s.get(ValueLayout.JAVA_INT, 0); }
    }

    record BoolCodec() implements Codec<Boolean> {
        public int size() { return 4; }
        public int encode(Boolean v, MemorySegment d) { d.set(ValueLayout.JAVA_INT, 0, v ? 1 : 0); return 4; }
        public Boolean decode(MemorySegment s, int len) { return s.get(ValueLayout.JAVA_INT, 0) != 0; }
    }

    record LingerCodec() implements Codec<Linger> {
        public int size() { return 8; }
        public int encode(Linger v, MemorySegment d) {
            d.set(ValueLayout.JAVA_INT, 0, v.on() ? 1 : 0);
            d.set(ValueLayout.JAVA_INT, 4, v.seconds());
            return 8;
        }
        public Linger decode(MemorySegment s, int len) {
            return new Linger(s.get(ValueLayout.JAVA_INT, 0) != 0, s.get(ValueLayout.JAVA_INT, 4));
        }
    }

    /** struct timeval; Duration.ZERO means "no timeout", as the kernel reads it. */
    record TimevalCodec() implements Codec<Duration> {
        public int size() { return 16; }
        public int encode(Duration v, MemorySegment d) {
            if (v.isNegative()) throw new IllegalArgumentException("timeout must be >= 0, got " + v);
            d.set(ValueLayout.JAVA_LONG, 0, v.getSeconds());
            d.set(ValueLayout.JAVA_LONG, 8, v.getNano() / 1000);
            return 16;
        }
        public Duration decode(MemorySegment s, int len) {
            return Duration.ofSeconds(s.get(ValueLayout.JAVA_LONG, 0), s.get(ValueLayout.JAVA_LONG, 8) * 1000);
        }
    }

    /** An int of milliseconds (TCP_USER_TIMEOUT). */
    record MillisCodec() implements Codec<Duration> {
        public int size() { return 4; }
        public int encode(Duration v, MemorySegment d) {
            long ms = v.toMillis();
            if (ms < 0 || ms > Integer.MAX_VALUE) throw new IllegalArgumentException("timeout out of range: " + v);
            d.set(ValueLayout.JAVA_INT, 0, (int) ms);
            return 4;
        }
        public Duration decode(MemorySegment s, int len) { return Duration.ofMillis(Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT, 0))); }
    }

    record TcpInfoCodec() implements Codec<TcpInfo> {
        public int size() { return tcp_info.SIZEOF; }
        public int encode(TcpInfo v, MemorySegment d) { throw new UnsupportedOperationException("TCP_INFO is read-only"); }
        public TcpInfo decode(MemorySegment s, int len) {
            // A long[] backing, not byte[]: tcp_info's aligned int/long reads need an 8-aligned heap segment.
            MemorySegment copy = MemorySegment.ofArray(new long[(tcp_info.SIZEOF + 7) / 8]);
            MemorySegment.copy(s, 0, copy, 0, Math.min(len, tcp_info.SIZEOF));
            return new TcpInfo(tcp_info.at(copy), len);
        }
    }

    record TypeCodec() implements Codec<SockType> {
        public int size() { return 4; }
        public int encode(SockType v, MemorySegment d) { throw new UnsupportedOperationException("SO_TYPE is read-only"); }
        public SockType decode(MemorySegment s, int len) { return SockType.of(s.get(ValueLayout.JAVA_INT, 0)); }
    }

    private static final IntCodec INT = new IntCodec();
    private static final BoolCodec BOOL = new BoolCodec();

    public static final SockOpt<Boolean> SO_REUSEADDR = new SockOpt<>("SO_REUSEADDR", Sys.SOL_SOCKET, Sys.SO_REUSEADDR, BOOL, false);
    public static final SockOpt<Boolean> SO_REUSEPORT = new SockOpt<>("SO_REUSEPORT", Sys.SOL_SOCKET, Sys.SO_REUSEPORT, BOOL, false);
    public static final SockOpt<Boolean> SO_KEEPALIVE = new SockOpt<>("SO_KEEPALIVE", Sys.SOL_SOCKET, Sys.SO_KEEPALIVE, BOOL, false);
    public static final SockOpt<Boolean> SO_BROADCAST = new SockOpt<>("SO_BROADCAST", Sys.SOL_SOCKET, Sys.SO_BROADCAST, BOOL, false);
    public static final SockOpt<Linger> SO_LINGER = new SockOpt<>("SO_LINGER", Sys.SOL_SOCKET, Sys.SO_LINGER, new LingerCodec(), false);
    /** Receive buffer size; the kernel doubles what is set, and reports the doubled value. */
    public static final SockOpt<Integer> SO_RCVBUF = new SockOpt<>("SO_RCVBUF", Sys.SOL_SOCKET, Sys.SO_RCVBUF, INT, false);
    public static final SockOpt<Integer> SO_SNDBUF = new SockOpt<>("SO_SNDBUF", Sys.SOL_SOCKET, Sys.SO_SNDBUF, INT, false);
    /** Blocking recv gives up after this long (a SocketTimeoutException); zero waits forever. */
    public static final SockOpt<Duration> SO_RCVTIMEO = new SockOpt<>("SO_RCVTIMEO", Sys.SOL_SOCKET, Sys.SO_RCVTIMEO, new TimevalCodec(), false);
    public static final SockOpt<Duration> SO_SNDTIMEO = new SockOpt<>("SO_SNDTIMEO", Sys.SOL_SOCKET, Sys.SO_SNDTIMEO, new TimevalCodec(), false);
    /** The pending error, cleared by reading it: how a non-blocking connect reports failure. */
    public static final SockOpt<Integer> SO_ERROR = new SockOpt<>("SO_ERROR", Sys.SOL_SOCKET, Sys.SO_ERROR, INT, true);
    public static final SockOpt<SockType> SO_TYPE = new SockOpt<>("SO_TYPE", Sys.SOL_SOCKET, Sys.SO_TYPE, new TypeCodec(), true);
    public static final SockOpt<Boolean> TCP_NODELAY = new SockOpt<>("TCP_NODELAY", Sys.IPPROTO_TCP, Sys.TCP_NODELAY, BOOL, false);
    public static final SockOpt<Integer> TCP_KEEPIDLE = new SockOpt<>("TCP_KEEPIDLE", Sys.IPPROTO_TCP, Sys.TCP_KEEPIDLE, INT, false);
    public static final SockOpt<Integer> TCP_KEEPINTVL = new SockOpt<>("TCP_KEEPINTVL", Sys.IPPROTO_TCP, Sys.TCP_KEEPINTVL, INT, false);
    public static final SockOpt<Integer> TCP_KEEPCNT = new SockOpt<>("TCP_KEEPCNT", Sys.IPPROTO_TCP, Sys.TCP_KEEPCNT, INT, false);
    public static final SockOpt<Duration> TCP_USER_TIMEOUT = new SockOpt<>("TCP_USER_TIMEOUT", Sys.IPPROTO_TCP, Sys.TCP_USER_TIMEOUT, new MillisCodec(), false);
    public static final SockOpt<Boolean> TCP_CORK = new SockOpt<>("TCP_CORK", Sys.IPPROTO_TCP, Sys.TCP_CORK, BOOL, false);
    public static final SockOpt<Integer> TCP_NOTSENT_LOWAT = new SockOpt<>("TCP_NOTSENT_LOWAT", Sys.IPPROTO_TCP, Sys.TCP_NOTSENT_LOWAT, INT, false);
    /** On a listening socket: the length of the queue of pending TFO requests (0 turns it off). */
    public static final SockOpt<Integer> TCP_FASTOPEN = new SockOpt<>("TCP_FASTOPEN", Sys.IPPROTO_TCP, Sys.TCP_FASTOPEN, INT, false);
    public static final SockOpt<TcpInfo> TCP_INFO = new SockOpt<>("TCP_INFO", Sys.IPPROTO_TCP, Sys.TCP_INFO, new TcpInfoCodec(), true);
    public static final SockOpt<Boolean> IPV6_V6ONLY = new SockOpt<>("IPV6_V6ONLY", Sys.IPPROTO_IPV6, Sys.IPV6_V6ONLY, BOOL, false);
    public static final SockOpt<Integer> IP_TTL = new SockOpt<>("IP_TTL", Sys.IPPROTO_IP, Sys.IP_TTL, INT, false);
    public static final SockOpt<Integer> IP_TOS = new SockOpt<>("IP_TOS", Sys.IPPROTO_IP, Sys.IP_TOS, INT, false);

    private final String name;
    private final int level;
    private final int optname;
    final Codec<T> codec;
    private final boolean readOnly;

    private SockOpt(String name, int level, int optname, Codec<T> codec, boolean readOnly) {
        this.name = name;
        this.level = level;
        this.optname = optname;
        this.codec = codec;
        this.readOnly = readOnly;
    }

    public String name() { return name; }
    public int level() { return level; }
    public int optname() { return optname; }
    public boolean readOnly() { return readOnly; }

    @Override public String toString() { return name; }
}
