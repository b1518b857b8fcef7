package org.jsock.sys;

import org.jsock.sys.internal.Platform;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct epoll_event}: {@code uint32_t events; epoll_data_t data;}. Its layout differs by
 * architecture: on x86_64 the kernel declares it packed, 12 bytes with {@code data} at offset 4; on
 * aarch64 it is 16 bytes with {@code data} at offset 8. A test checks both against gcc.
 */
public final class epoll_event extends Struct {
    /** sizeof(struct epoll_event) on this machine. */
    public static final int SIZEOF = Platform.ARCH == Platform.Arch.X86_64 ? 12 : 16;
    /** offsetof(struct epoll_event, data). */
    public static final int DATA_OFFSET = Platform.ARCH == Platform.Arch.X86_64 ? 4 : 8;

    public epoll_event() { this(Arena.ofAuto()); }
    public epoll_event(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private epoll_event(MemorySegment seg) { super(seg, SIZEOF); }

    public static epoll_event at(MemorySegment seg) { return new epoll_event(seg); }

    /** {@code struct epoll_event evs[n]}: n views over one contiguous array. */
    public static epoll_event[] array(int n) {
        MemorySegment all = Arena.ofAuto().allocate((long) SIZEOF * n, 8);
        epoll_event[] v = new epoll_event[n];
        for (int i = 0; i < n; i++) v[i] = new epoll_event(all.asSlice((long) SIZEOF * i, SIZEOF));
        return v;
    }

    public int events() { return seg.get(ValueLayout.JAVA_INT_UNALIGNED, 0); }
    public void events(int v) { seg.set(ValueLayout.JAVA_INT_UNALIGNED, 0, v); }

    /** {@code data.u64}. */
    public long data_u64() { return seg.get(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET); }
    public void data_u64(long v) { seg.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, v); }

    /** {@code data.fd} (the low 32 bits of the union). */
    public int data_fd() { return seg.get(ValueLayout.JAVA_INT_UNALIGNED, DATA_OFFSET); }
    public void data_fd(int fd) { data_u64(Integer.toUnsignedLong(fd)); }

    /** Reads events at index {@code i} of a native epoll_event array. */
    public static int events(MemorySegment array, int i) {
        return array.get(ValueLayout.JAVA_INT_UNALIGNED, (long) SIZEOF * i);
    }

    /** Reads data.u64 at index {@code i} of a native epoll_event array. */
    public static long data(MemorySegment array, int i) {
        return array.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) SIZEOF * i + DATA_OFFSET);
    }
}
