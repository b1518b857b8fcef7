package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code struct sockaddr_in6} (28 bytes).
 * <pre>
 *  0        2        4                 8                                   24           28
 *  +--------+--------+-----------------+-----------------------------------+------------+
 *  | family |  port  |    flowinfo     |          sin6_addr (16)           |  scope_id  |
 *  +--------+--------+-----------------+-----------------------------------+------------+
 * </pre>
 * Port and flowinfo are in network byte order; {@code sin6_scope_id} is in host order.
 */
public final class sockaddr_in6 extends sockaddr {
    public static final int SIZEOF = 28;

    public sockaddr_in6() { this(Arena.ofAuto()); }
    public sockaddr_in6(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private sockaddr_in6(MemorySegment seg) { super(seg, SIZEOF); }

    public static sockaddr_in6 at(MemorySegment seg) { return new sockaddr_in6(seg); }

    public int sin6_family() { return sa_family(); }
    public void sin6_family(int family) { sa_family(family); }

    public short sin6_port() { return seg.get(U16, 2); }
    public void sin6_port(short networkOrder) { seg.set(U16, 2, networkOrder); }

    public int sin6_flowinfo() { return seg.get(U32, 4); }
    public void sin6_flowinfo(int networkOrder) { seg.set(U32, 4, networkOrder); }

    public in6_addr sin6_addr() { return in6_addr.at(seg.asSlice(8, 16)); }

    public int sin6_scope_id() { return seg.get(U32, 24); }
    public void sin6_scope_id(int scopeId) { seg.set(U32, 24, scopeId); }
}
