package org.jsock.net;

import org.jsock.sys.Sys;

/** Socket type: a byte stream (TCP), datagrams (UDP), or sequenced packets (Unix). */
public enum SockType {
    STREAM(Sys.SOCK_STREAM), DGRAM(Sys.SOCK_DGRAM), SEQPACKET(Sys.SOCK_SEQPACKET), RAW(Sys.SOCK_RAW);

    private final int value;

    SockType(int value) { this.value = value; }

    public int value() { return value; }

    public static SockType of(int type) {
        int base = type & ~(Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC);
        for (SockType t : values()) if (t.value == base) return t;
        throw new IllegalArgumentException("unsupported socket type " + type);
    }
}
