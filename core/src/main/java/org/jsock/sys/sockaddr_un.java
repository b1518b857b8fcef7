package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct sockaddr_un} (110 bytes): family, then {@code sun_path[108]}.
 *
 * <p>A path name is NUL-terminated. An abstract name starts with a NUL byte and is not terminated:
 * its length is given by the address length, {@code offsetof(sun_path) + 1 + strlen(name)}.
 */
public final class sockaddr_un extends sockaddr {
    public static final int SIZEOF = 110;
    /** {@code offsetof(struct sockaddr_un, sun_path)}. */
    public static final int SUN_PATH_OFFSET = 2;
    /** {@code sizeof(sun_path)}. */
    public static final int SUN_PATH_SIZE = 108;

    public sockaddr_un() { this(Arena.ofAuto()); }
    public sockaddr_un(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private sockaddr_un(MemorySegment seg) { super(seg, SIZEOF); }

    public static sockaddr_un at(MemorySegment seg) { return new sockaddr_un(seg); }

    public int sun_family() { return sa_family(); }
    public void sun_family(int family) { sa_family(family); }

    /** Copies raw bytes into {@code sun_path} (a leading 0 makes it abstract); the rest is zeroed. */
    public void sun_path(byte[] path) {
        if (path.length > SUN_PATH_SIZE) {
            throw new IllegalArgumentException("sun_path holds at most 108 bytes, got " + path.length);
        }
        seg.asSlice(SUN_PATH_OFFSET, SUN_PATH_SIZE).fill((byte) 0);
        MemorySegment.copy(path, 0, seg, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, path.length);
    }

    /** Sets a filesystem path, NUL-terminated (so at most 107 bytes). */
    public void sun_path(String path) {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        if (b.length >= SUN_PATH_SIZE) {
            throw new IllegalArgumentException("unix socket path is " + b.length + " bytes; the limit is 107: " + path);
        }
        sun_path(b);
    }

    /** The {@code sun_path} bytes up to the first NUL (a path), or empty for an abstract name. */
    public String sun_path() {
        return seg.getString(SUN_PATH_OFFSET, StandardCharsets.UTF_8);
    }

    /** The raw {@code sun_path} bytes, for {@code len} bytes of address (an abstract name's length). */
    public byte[] sun_path_bytes(int addrlen) {
        int n = Math.max(0, Math.min(SUN_PATH_SIZE, addrlen - SUN_PATH_OFFSET));
        return seg.asSlice(SUN_PATH_OFFSET, n).toArray(ValueLayout.JAVA_BYTE);
    }
}
