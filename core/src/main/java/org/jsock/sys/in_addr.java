package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code struct in_addr}: an IPv4 address, {@code s_addr} in network byte order. */
public final class in_addr extends Struct {
    public static final int SIZEOF = 4;

    public in_addr() { this(Arena.ofAuto()); }
    public in_addr(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private in_addr(MemorySegment seg) { super(seg, SIZEOF); }

    /** A view of {@code in_addr} at the start of {@code seg}. */
    public static in_addr at(MemorySegment seg) { return new in_addr(seg); }

    /** {@code s_addr} as stored: network byte order, as {@code htonl} gives it. */
    public int s_addr() { return seg.get(ValueLayout.JAVA_INT_UNALIGNED, 0); }

    public void s_addr(int networkOrder) { seg.set(ValueLayout.JAVA_INT_UNALIGNED, 0, networkOrder); }
}
