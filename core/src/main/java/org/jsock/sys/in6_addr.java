package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code struct in6_addr}: an IPv6 address, 16 bytes in network order. */
public final class in6_addr extends Struct {
    public static final int SIZEOF = 16;

    public in6_addr() { this(Arena.ofAuto()); }
    public in6_addr(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private in6_addr(MemorySegment seg) { super(seg, SIZEOF); }

    public static in6_addr at(MemorySegment seg) { return new in6_addr(seg); }

    /** {@code s6_addr}: a copy of the 16 bytes. */
    public byte[] s6_addr() { return seg.toArray(ValueLayout.JAVA_BYTE); }

    public void s6_addr(byte[] bytes) {
        if (bytes.length != SIZEOF) throw new IllegalArgumentException("s6_addr needs 16 bytes, got " + bytes.length);
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, SIZEOF);
    }
}
