package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code struct pollfd} (8 bytes): {@code int fd; short events; short revents;}. */
public final class pollfd extends Struct {
    public static final int SIZEOF = 8;

    public pollfd() { this(Arena.ofAuto()); }
    public pollfd(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private pollfd(MemorySegment seg) { super(seg, SIZEOF); }

    public static pollfd at(MemorySegment seg) { return new pollfd(seg); }

    /** {@code struct pollfd fds[n]}: n views over one contiguous, zeroed array. */
    public static pollfd[] array(int n) {
        MemorySegment all = Arena.ofAuto().allocate((long) SIZEOF * n, 8);
        pollfd[] fds = new pollfd[n];
        for (int i = 0; i < n; i++) fds[i] = new pollfd(all.asSlice((long) SIZEOF * i, SIZEOF));
        return fds;
    }

    public int fd() { return seg.get(ValueLayout.JAVA_INT, 0); }
    public void fd(int v) { seg.set(ValueLayout.JAVA_INT, 0, v); }
    public short events() { return seg.get(ValueLayout.JAVA_SHORT, 4); }
    public void events(int v) { seg.set(ValueLayout.JAVA_SHORT, 4, (short) v); }
    public short revents() { return seg.get(ValueLayout.JAVA_SHORT, 6); }
    public void revents(int v) { seg.set(ValueLayout.JAVA_SHORT, 6, (short) v); }
}
