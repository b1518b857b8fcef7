package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code struct sockaddr_storage} (128 bytes): room for any socket address. Read {@link #sa_family()}
 * and view it as the concrete type with {@code sockaddr_in.at(ss.segment())}, as C casts.
 */
public final class sockaddr_storage extends sockaddr {
    public static final int SIZEOF = 128;

    public sockaddr_storage() { this(Arena.ofAuto()); }
    public sockaddr_storage(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private sockaddr_storage(MemorySegment seg) { super(seg, SIZEOF); }

    public static sockaddr_storage at(MemorySegment seg) { return new sockaddr_storage(seg); }
}
