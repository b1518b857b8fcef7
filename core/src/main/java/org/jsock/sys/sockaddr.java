package org.jsock.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct sockaddr}: the generic address the calls take. Concrete addresses are
 * {@link sockaddr_in}, {@link sockaddr_in6}, {@link sockaddr_un} and {@link sockaddr_storage}; where C
 * casts, Java passes any of them.
 */
public abstract class sockaddr extends Struct {
    protected static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    protected static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;

    protected sockaddr(MemorySegment seg, long size) {
        super(seg, size);
    }

    /** {@code sa_family}, the first field of every socket address. */
    public final int sa_family() {
        return Short.toUnsignedInt(seg.get(U16, 0));
    }

    public final void sa_family(int family) {
        seg.set(U16, 0, (short) family);
    }
}
