package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code struct timeval} (16 bytes on 64-bit Linux): {@code time_t tv_sec; suseconds_t tv_usec;}. */
public final class timeval extends Struct {
    public static final int SIZEOF = 16;

    public timeval() { this(Arena.ofAuto()); }
    public timeval(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private timeval(MemorySegment seg) { super(seg, SIZEOF); }

    public static timeval at(MemorySegment seg) { return new timeval(seg); }

    public long tv_sec() { return seg.get(ValueLayout.JAVA_LONG, 0); }
    public void tv_sec(long v) { seg.set(ValueLayout.JAVA_LONG, 0, v); }
    public long tv_usec() { return seg.get(ValueLayout.JAVA_LONG, 8); }
    public void tv_usec(long v) { seg.set(ValueLayout.JAVA_LONG, 8, v); }
}
