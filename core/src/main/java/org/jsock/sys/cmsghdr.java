package org.jsock.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code struct cmsghdr} (16-byte header, data follows): one ancillary message inside msg_control. */
public final class cmsghdr extends Struct {
    public static final int SIZEOF = 16;

    private cmsghdr(MemorySegment seg) { super(seg, SIZEOF); }

    /** A view of a cmsghdr at {@code seg}, which must reach to the end of the control buffer. */
    public static cmsghdr at(MemorySegment seg) { return new cmsghdr(seg); }

    public long cmsg_len() { return seg.get(ValueLayout.JAVA_LONG, 0); }
    public void cmsg_len(long v) { seg.set(ValueLayout.JAVA_LONG, 0, v); }
    public int cmsg_level() { return seg.get(ValueLayout.JAVA_INT, 8); }
    public void cmsg_level(int v) { seg.set(ValueLayout.JAVA_INT, 8, v); }
    public int cmsg_type() { return seg.get(ValueLayout.JAVA_INT, 12); }
    public void cmsg_type(int v) { seg.set(ValueLayout.JAVA_INT, 12, v); }
}
