package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A C struct in native memory, read and written in place through named accessors.
 *
 * <p>Subclasses carry the C names ({@code sockaddr_in}, {@code linger}) so that seed programs port line
 * by line. Memory from the no-argument constructors is zeroed and freed by the GC; pass an {@link Arena}
 * to own it explicitly.
 */
public abstract class Struct {
    protected final MemorySegment seg;

    protected Struct(MemorySegment seg, long size) {
        if (seg.byteSize() < size) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs " + size
                    + " bytes, segment has " + seg.byteSize());
        }
        this.seg = seg.asSlice(0, size);
    }

    protected static MemorySegment alloc(Arena arena, long size) {
        return arena.allocate(size, 8);
    }

    /** The struct's memory: pass it where C would pass {@code &s}. */
    public final MemorySegment segment() {
        return seg;
    }

    /** {@code sizeof} this struct. */
    public final int sizeof() {
        return (int) seg.byteSize();
    }

    /** The struct's bytes, as C holds them in memory. */
    public final byte[] bytes() {
        return seg.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }
}
