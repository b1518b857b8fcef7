package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct ifreq} (40 bytes, net/if.h): an interface name, {@code ifr_name[IFNAMSIZ]}, then a
 * union at offset 16 whose members C reaches through macros: {@code ifr_flags} (a short),
 * {@code ifr_ifindex} and {@code ifr_mtu} (ints). The accessors bear those macro names.
 *
 * <p>Creating a TUN device as C does:
 * <pre>{@code
 * int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
 * ifreq ifr = new ifreq();
 * ifr.ifr_name("tun%d");                  // the kernel picks the number
 * ifr.ifr_flags(IFF_TUN | IFF_NO_PI);
 * ioctl(fd, TUNSETIFF, ifr);
 * String name = ifr.ifr_name();           // "tun0": the kernel wrote the name it chose
 * }</pre>
 */
public final class ifreq extends Struct {
    public static final int SIZEOF = 40;
    /** {@code offsetof(struct ifreq, ifr_ifru)}: where the union (flags, ifindex, mtu) starts. */
    public static final int UNION_OFFSET = 16;
    private static final int NAME_SIZE = 16;

    public ifreq() { this(Arena.ofAuto()); }
    public ifreq(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private ifreq(MemorySegment seg) { super(seg, SIZEOF); }

    public static ifreq at(MemorySegment seg) { return new ifreq(seg); }

    /** The interface name, up to the first NUL. */
    public String ifr_name() {
        return seg.asSlice(0, NAME_SIZE).getString(0, StandardCharsets.US_ASCII);
    }

    /** Sets the name, NUL-terminated (so at most IFNAMSIZ - 1 = 15 bytes); the rest of the field is zeroed. */
    public void ifr_name(String name) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        if (b.length >= NAME_SIZE) {
            throw new IllegalArgumentException("an interface name is at most 15 bytes, got " + b.length + ": " + name);
        }
        seg.asSlice(0, NAME_SIZE).fill((byte) 0);
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
    }

    /** {@code ifr_flags}: IFF_TUN | IFF_NO_PI for TUNSETIFF, IFF_UP and friends for SIOCGIFFLAGS. */
    public int ifr_flags() { return Short.toUnsignedInt(seg.get(ValueLayout.JAVA_SHORT, UNION_OFFSET)); }
    public void ifr_flags(int v) { seg.set(ValueLayout.JAVA_SHORT, UNION_OFFSET, (short) v); }

    public int ifr_ifindex() { return seg.get(ValueLayout.JAVA_INT, UNION_OFFSET); }
    public void ifr_ifindex(int v) { seg.set(ValueLayout.JAVA_INT, UNION_OFFSET, v); }

    public int ifr_mtu() { return seg.get(ValueLayout.JAVA_INT, UNION_OFFSET); }
    public void ifr_mtu(int v) { seg.set(ValueLayout.JAVA_INT, UNION_OFFSET, v); }
}
