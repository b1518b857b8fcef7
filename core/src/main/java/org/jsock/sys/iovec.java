package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code struct iovec} (16 bytes): {@code void *iov_base; size_t iov_len;}. */
public final class iovec extends Struct {
    public static final int SIZEOF = 16;

    public iovec() { this(Arena.ofAuto()); }
    public iovec(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private iovec(MemorySegment seg) { super(seg, SIZEOF); }

    public static iovec at(MemorySegment seg) { return new iovec(seg); }

    /** {@code struct iovec iov[n]}: n views over one contiguous, zeroed array. */
    public static iovec[] array(int n) {
        MemorySegment all = Arena.ofAuto().allocate((long) SIZEOF * n, 8);
        iovec[] v = new iovec[n];
        for (int i = 0; i < n; i++) v[i] = new iovec(all.asSlice((long) SIZEOF * i, SIZEOF));
        return v;
    }

    /** The buffer's address as stored; the memory itself must be native. */
    public MemorySegment iov_base() { return seg.get(ValueLayout.ADDRESS, 0); }

    public void iov_base(MemorySegment buf) {
        if (!buf.isNative()) throw new IllegalArgumentException("iov_base must be native memory (a heap array cannot be pointed to)");
        seg.set(ValueLayout.ADDRESS, 0, buf);
    }

    public long iov_len() { return seg.get(ValueLayout.JAVA_LONG, 8); }
    public void iov_len(long v) { seg.set(ValueLayout.JAVA_LONG, 8, v); }
}
