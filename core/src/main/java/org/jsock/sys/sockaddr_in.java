package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code struct sockaddr_in} (16 bytes): family, port and address, the last two in network byte order.
 * <pre>
 *  0        2        4                 8                 16
 *  +--------+--------+-----------------+-----------------+
 *  | family |  port  |     s_addr      |  sin_zero (0)   |
 *  +--------+--------+-----------------+-----------------+
 * </pre>
 */
public final class sockaddr_in extends sockaddr {
    public static final int SIZEOF = 16;

    public sockaddr_in() { this(Arena.ofAuto()); }
    public sockaddr_in(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private sockaddr_in(MemorySegment seg) { super(seg, SIZEOF); }

    /** A view of {@code sockaddr_in} at the start of {@code seg} (C's cast). */
    public static sockaddr_in at(MemorySegment seg) { return new sockaddr_in(seg); }

    public int sin_family() { return sa_family(); }
    public void sin_family(int family) { sa_family(family); }

    /** {@code sin_port} as stored, in network byte order: read it with {@code ntohs}. */
    public short sin_port() { return seg.get(U16, 2); }
    /** Stores a port already in network byte order: pass {@code htons(port)}. */
    public void sin_port(short networkOrder) { seg.set(U16, 2, networkOrder); }

    /** {@code sin_addr}, a view into this struct. */
    public in_addr sin_addr() { return in_addr.at(seg.asSlice(4, 4)); }
}
