package org.jsock.net;

import org.jsock.sys.Sys;

/** Address family of a socket: {@code AF_INET}, {@code AF_INET6} or {@code AF_UNIX}. */
public enum Family {
    INET(Sys.AF_INET), INET6(Sys.AF_INET6), UNIX(Sys.AF_UNIX);

    private final int value;

    Family(int value) { this.value = value; }

    /** The C value ({@code AF_INET} is 2 on Linux). */
    public int value() { return value; }

    public static Family of(int af) {
        for (Family f : values()) if (f.value == af) return f;
        throw new IllegalArgumentException("unsupported address family " + af);
    }
}
