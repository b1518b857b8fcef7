package org.jsock.net;

import org.jsock.sys.Sys;

/**
 * Flags for one send or recv call ({@code MSG_PEEK}, {@code MSG_DONTWAIT}, ...) or batch of them. Immutable; combine
 * with {@link #and}, and keep the combination in a constant on hot paths so no call allocates.
 */
public final class MsgFlags {
    public static final MsgFlags NONE = new MsgFlags(0);
    /** Look at queued data without taking it. */
    public static final MsgFlags PEEK = new MsgFlags(Sys.MSG_PEEK);
    /** Do not block for this call only; EAGAIN becomes {@link Socket#WOULD_BLOCK}. */
    public static final MsgFlags DONTWAIT = new MsgFlags(Sys.MSG_DONTWAIT);
    /** Block until the whole buffer is filled (or EOF, error, signal). */
    public static final MsgFlags WAITALL = new MsgFlags(Sys.MSG_WAITALL);
    /** No SIGPIPE when the peer is gone: EPIPE instead. jsock's sends always add it. */
    public static final MsgFlags NOSIGNAL = new MsgFlags(Sys.MSG_NOSIGNAL);
    /** Urgent (out-of-band) data. */
    public static final MsgFlags OOB = new MsgFlags(Sys.MSG_OOB);
    /** More data follows: hold the segment back (like TCP_CORK, for one call). */
    public static final MsgFlags MORE = new MsgFlags(Sys.MSG_MORE);
    /** For a batch receive: wait for the first datagram only, then take what else is queued. */
    public static final MsgFlags WAITFORONE = new MsgFlags(Sys.MSG_WAITFORONE);

    private final int bits;

    private MsgFlags(int bits) { this.bits = bits; }

    /** Flags from raw C bits. */
    public static MsgFlags of(int bits) { return bits == 0 ? NONE : new MsgFlags(bits); }

    public MsgFlags and(MsgFlags other) { return new MsgFlags(bits | other.bits); }

    public boolean has(MsgFlags other) { return (bits & other.bits) == other.bits; }

    /** The C bits. */
    public int bits() { return bits; }

    @Override public boolean equals(Object o) { return o instanceof MsgFlags m && m.bits == bits; }
    @Override public int hashCode() { return bits; }
    @Override public String toString() { return org.jsock.sys.internal.Platform.flags("msg", bits); }
}
