package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code struct linger} (8 bytes): {@code int l_onoff; int l_linger;} for SO_LINGER. */
public final class linger extends Struct {
    public static final int SIZEOF = 8;

    public linger() { this(Arena.ofAuto()); }
    public linger(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private linger(MemorySegment seg) { super(seg, SIZEOF); }

    public static linger at(MemorySegment seg) { return new linger(seg); }

    public int l_onoff() { return seg.get(ValueLayout.JAVA_INT, 0); }
    public void l_onoff(int v) { seg.set(ValueLayout.JAVA_INT, 0, v); }
    public int l_linger() { return seg.get(ValueLayout.JAVA_INT, 4); }
    public void l_linger(int v) { seg.set(ValueLayout.JAVA_INT, 4, v); }
}
