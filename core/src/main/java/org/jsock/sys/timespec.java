package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code struct timespec} (16 bytes): {@code time_t tv_sec; long tv_nsec;}. */
public final class timespec extends Struct {
    public static final int SIZEOF = 16;

    public timespec() { this(Arena.ofAuto()); }
    public timespec(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private timespec(MemorySegment seg) { super(seg, SIZEOF); }

    public static timespec at(MemorySegment seg) { return new timespec(seg); }

    public long tv_sec() { return seg.get(ValueLayout.JAVA_LONG, 0); }
    public void tv_sec(long v) { seg.set(ValueLayout.JAVA_LONG, 0, v); }
    public long tv_nsec() { return seg.get(ValueLayout.JAVA_LONG, 8); }
    public void tv_nsec(long v) { seg.set(ValueLayout.JAVA_LONG, 8, v); }
}
