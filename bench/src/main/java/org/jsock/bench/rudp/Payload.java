package org.jsock.bench.rudp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The bytes a transfer sends: random from a seed, so a run can be replayed, and compared byte for byte
 * on arrival ({@link Check}) and summed up with SHA-256.
 */
final class Payload {
    private final byte[] bytes;

    private Payload(byte[] bytes) {
        this.bytes = bytes;
    }

    static Payload of(long seed, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return new Payload(b);
    }

    byte[] bytes() { return bytes; }

    int size() { return bytes.length; }

    String sha256() { return Check.hex(digest().digest(bytes)); }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Checks what arrives against the payload, in order: the first differing byte, or too many, is a failure. */
    final class Check {
        private final MessageDigest sha = digest();
        private long received;
        private String failure;

        /** Takes {@code len} received bytes; false (and {@link #failure()} says why) when they are not the payload's next ones. */
        boolean accept(byte[] b, int off, int len) {
            if (failure != null) return false;
            if (received + len > bytes.length) {
                failure = "received " + (received + len) + " bytes, more than the " + bytes.length + " sent";
                return false;
            }
            int at = Arrays.mismatch(b, off, off + len, bytes, (int) received, (int) received + len);
            if (at >= 0) {
                failure = "byte " + (received + at) + " differs from what was sent";
                return false;
            }
            sha.update(b, off, len);
            received += len;
            return true;
        }

        long received() { return received; }

        boolean complete() { return failure == null && received == bytes.length; }

        /** Why the data is wrong, or null if every byte so far matched. */
        String failure() { return failure; }

        /** At the end: null if the whole payload arrived intact, else why not. */
        String verdict() {
            if (failure != null) return failure;
            if (received != bytes.length) return "received " + received + " of " + bytes.length + " bytes";
            return null;
        }

        /** SHA-256 of what arrived. */
        String sha256() { return hex(sha.digest()); }

        static String hex(byte[] b) { return HexFormat.of().formatHex(b); }
    }

    Check check() { return new Check(); }
}
