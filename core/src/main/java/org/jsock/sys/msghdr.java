package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct msghdr} (56 bytes on 64-bit Linux), for sendmsg and recvmsg.
 * <pre>
 *  0 msg_name   8 msg_namelen   16 msg_iov   24 msg_iovlen   32 msg_control   40 msg_controllen   48 msg_flags
 * </pre>
 * Pointers must point at native memory; ancillary data is walked with {@link Sys#CMSG_FIRSTHDR}.
 */
public final class msghdr extends Struct {
    public static final int SIZEOF = 56;

    public msghdr() { this(Arena.ofAuto()); }
    public msghdr(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private msghdr(MemorySegment seg) { super(seg, SIZEOF); }

    public static msghdr at(MemorySegment seg) { return new msghdr(seg); }

    public MemorySegment msg_name() { return seg.get(ValueLayout.ADDRESS, 0); }
    public void msg_name(sockaddr name) { seg.set(ValueLayout.ADDRESS, 0, name == null ? MemorySegment.NULL : name.segment()); }
    public int msg_namelen() { return seg.get(ValueLayout.JAVA_INT, 8); }
    public void msg_namelen(int v) { seg.set(ValueLayout.JAVA_INT, 8, v); }

    public MemorySegment msg_iov() { return seg.get(ValueLayout.ADDRESS, 16); }

    /** Points {@code msg_iov} at an array made by {@link iovec#array(int)} (C's array decays to a pointer). */
    public void msg_iov(iovec[] iov) {
        MemorySegment first = iov[0].segment();
        for (int i = 1; i < iov.length; i++) {
            if (iov[i].segment().address() != first.address() + (long) iovec.SIZEOF * i) {
                throw new IllegalArgumentException("msg_iov needs a contiguous array: make it with iovec.array(n)");
            }
        }
        seg.set(ValueLayout.ADDRESS, 16, first);
    }

    public long msg_iovlen() { return seg.get(ValueLayout.JAVA_LONG, 24); }
    public void msg_iovlen(long v) { seg.set(ValueLayout.JAVA_LONG, 24, v); }

    public MemorySegment msg_control() { return seg.get(ValueLayout.ADDRESS, 32); }
    public void msg_control(MemorySegment buf) {
        if (buf != null && !buf.isNative() && !buf.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("msg_control must be native memory");
        }
        seg.set(ValueLayout.ADDRESS, 32, buf == null ? MemorySegment.NULL : buf);
    }
    public long msg_controllen() { return seg.get(ValueLayout.JAVA_LONG, 40); }
    public void msg_controllen(long v) { seg.set(ValueLayout.JAVA_LONG, 40, v); }

    public int msg_flags() { return seg.get(ValueLayout.JAVA_INT, 48); }
    public void msg_flags(int v) { seg.set(ValueLayout.JAVA_INT, 48, v); }
}
