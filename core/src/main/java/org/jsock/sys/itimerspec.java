package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** {@code struct itimerspec} (32 bytes): {@code it_interval} then {@code it_value}, for timerfd_settime. */
public final class itimerspec extends Struct {
    public static final int SIZEOF = 32;

    public itimerspec() { this(Arena.ofAuto()); }
    public itimerspec(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private itimerspec(MemorySegment seg) { super(seg, SIZEOF); }

    public static itimerspec at(MemorySegment seg) { return new itimerspec(seg); }

    /** Period after the first expiry; zero for a one-shot timer. */
    public timespec it_interval() { return timespec.at(seg.asSlice(0, 16)); }
    /** First expiry; zero disarms the timer. */
    public timespec it_value() { return timespec.at(seg.asSlice(16, 16)); }
}
