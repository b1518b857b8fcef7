package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct addrinfo} (48 bytes on 64-bit Linux): hints for getaddrinfo, and each node of its result.
 * <pre>
 *  0 ai_flags  4 ai_family  8 ai_socktype  12 ai_protocol  16 ai_addrlen  24 ai_addr  32 ai_canonname  40 ai_next
 * </pre>
 * A result list is a copy in memory jsock owns: after {@link Sys#freeaddrinfo} any access throws
 * {@link IllegalStateException} instead of reading freed memory.
 */
public final class addrinfo extends Struct {
    public static final int SIZEOF = 48;

    /** The arena holding a result list (null for hints): freeaddrinfo closes it. */
    final Arena owner;

    public addrinfo() { this(Arena.ofAuto()); }
    public addrinfo(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); this.owner = null; }
    private addrinfo(MemorySegment seg, Arena owner) { super(seg, SIZEOF); this.owner = owner; }

    static addrinfo node(MemorySegment seg, Arena owner) { return new addrinfo(seg, owner); }

    /** A pointer read from this node, scoped to the list's arena so a freed list cannot be read. */
    private MemorySegment deref(MemorySegment p, long size) {
        return owner == null ? p.reinterpret(size) : p.reinterpret(size, owner, null);
    }

    public int ai_flags() { return seg.get(ValueLayout.JAVA_INT, 0); }
    public void ai_flags(int v) { seg.set(ValueLayout.JAVA_INT, 0, v); }
    public int ai_family() { return seg.get(ValueLayout.JAVA_INT, 4); }
    public void ai_family(int v) { seg.set(ValueLayout.JAVA_INT, 4, v); }
    public int ai_socktype() { return seg.get(ValueLayout.JAVA_INT, 8); }
    public void ai_socktype(int v) { seg.set(ValueLayout.JAVA_INT, 8, v); }
    public int ai_protocol() { return seg.get(ValueLayout.JAVA_INT, 12); }
    public void ai_protocol(int v) { seg.set(ValueLayout.JAVA_INT, 12, v); }
    public int ai_addrlen() { return seg.get(ValueLayout.JAVA_INT, 16); }

    /** {@code ai_addr}, viewed as the struct its family names, or null. */
    public sockaddr ai_addr() {
        MemorySegment p = seg.get(ValueLayout.ADDRESS, 24);
        if (p.equals(MemorySegment.NULL)) return null;
        MemorySegment a = deref(p, Math.max(ai_addrlen(), 2));
        int family = Short.toUnsignedInt(a.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        if (family == Sys.AF_INET) return sockaddr_in.at(a);
        if (family == Sys.AF_INET6) return sockaddr_in6.at(a);
        return sockaddr_storage.at(deref(p, sockaddr_storage.SIZEOF));
    }

    /** {@code ai_canonname}, or null. */
    public String ai_canonname() {
        MemorySegment p = seg.get(ValueLayout.ADDRESS, 32);
        return p.equals(MemorySegment.NULL) ? null : deref(p, Long.MAX_VALUE).getString(0);
    }

    /** The next node, or null at the end of the list. */
    public addrinfo ai_next() {
        MemorySegment p = seg.get(ValueLayout.ADDRESS, 40);
        return p.equals(MemorySegment.NULL) ? null : new addrinfo(deref(p, SIZEOF), owner);
    }
}
