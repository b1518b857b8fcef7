package org.jsock.rudp.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** A connection ID: 0 to 20 bytes on the wire, 8 random bytes when jsock makes one (docs/rudp.md). */
public final class Cid {
    public static final int LENGTH = 8;
    public static final int MAX_LENGTH = 20;
    public static final Cid EMPTY = new Cid(new byte[0]);

    private final byte[] bytes;
    private final int hash;

    private Cid(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static Cid of(byte[] bytes) {
        if (bytes.length > MAX_LENGTH) throw new IllegalArgumentException("connection ID longer than " + MAX_LENGTH + " bytes");
        return new Cid(bytes.clone());
    }

    /** An ID over {@code bytes} without copying them: the caller hands them over. */
    static Cid wrap(byte[] bytes) {
        if (bytes.length > MAX_LENGTH) throw new IllegalArgumentException("connection ID longer than " + MAX_LENGTH + " bytes");
        return bytes.length == 0 ? EMPTY : new Cid(bytes);
    }

    /** A fresh 8-byte ID from {@code random} (seeded in the simulator, secure otherwise). */
    public static Cid random(RandomGenerator random) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        return new Cid(b);
    }

    public int length() { return bytes.length; }

    public byte[] bytes() { return bytes.clone(); }

    /** Copies the ID into {@code dst} at {@code off}. */
    public void copyTo(byte[] dst, int off) { System.arraycopy(bytes, 0, dst, off, bytes.length); }

    @Override public boolean equals(Object o) { return o instanceof Cid c && Arrays.equals(bytes, c.bytes); }

    @Override public int hashCode() { return hash; }

    @Override public String toString() { return HexFormat.of().formatHex(bytes); }
}
