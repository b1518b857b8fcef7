package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct mmsghdr} (64 bytes on 64-bit Linux), one message of {@link Sys#sendmmsg} and
 * {@link Sys#recvmmsg}: a {@link msghdr} and the byte count the call reports for it.
 * <pre>
 *  0 msg_hdr (struct msghdr, 56 bytes)   56 msg_len (unsigned int)   60 padding
 * </pre>
 * The calls take an array: make one with {@link #array(int)}, or lay the structs out yourself in
 * native memory {@link #SIZEOF} bytes apart.
 */
public final class mmsghdr extends Struct {
    public static final int SIZEOF = 64;
    /** {@code offsetof(struct mmsghdr, msg_len)}. */
    public static final int MSG_LEN_OFFSET = 56;

    private final msghdr hdr;

    public mmsghdr() { this(Arena.ofAuto()); }
    public mmsghdr(Arena arena) { this(alloc(arena, SIZEOF)); }
    private mmsghdr(MemorySegment seg) {
        super(seg, SIZEOF);
        hdr = msghdr.at(this.seg);
    }

    /** A view of {@code struct mmsghdr} at the start of {@code seg}. */
    public static mmsghdr at(MemorySegment seg) { return new mmsghdr(seg); }

    /** {@code struct mmsghdr msgvec[n]}: n views over one contiguous, zeroed array. */
    public static mmsghdr[] array(int n) {
        return array(Arena.ofAuto(), n);
    }

    /** {@code struct mmsghdr msgvec[n]} in memory {@code arena} owns. */
    public static mmsghdr[] array(Arena arena, int n) {
        if (n < 1) throw new IllegalArgumentException("an mmsghdr array needs at least one element, got " + n);
        MemorySegment all = arena.allocate((long) SIZEOF * n, 8);
        mmsghdr[] v = new mmsghdr[n];
        for (int i = 0; i < n; i++) v[i] = new mmsghdr(all.asSlice((long) SIZEOF * i, SIZEOF));
        return v;
    }

    /** {@code msg_hdr}: a view into this struct, as {@code &m.msg_hdr} is in C. */
    public msghdr msg_hdr() { return hdr; }

    /**
     * {@code msg_len}: after sendmmsg the bytes sent of this message, after recvmmsg the bytes
     * received (the datagram's full length when MSG_TRUNC was passed in the call's flags).
     */
    public int msg_len() { return seg.get(ValueLayout.JAVA_INT, MSG_LEN_OFFSET); }
    public void msg_len(int v) { seg.set(ValueLayout.JAVA_INT, MSG_LEN_OFFSET, v); }
}
