package org.jsock.rudp.conn;

import org.jsock.net.SockAddr;
import org.jsock.rudp.wire.Cid;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.random.RandomGenerator;

/**
 * The server's stateless address-validation cookies (RETRY tokens, docs/rudp.md): {@code issuedAt ‖
 * HMAC-SHA256(key, version ‖ address ‖ port ‖ issuedAt ‖ cid)[0..16]}. A client can present a valid
 * one only if it received the RETRY at the address it claims, so a spoofed source never gets state.
 */
final class Cookies {
    static final int TOKEN_LENGTH = 8 + 16;

    private final Mac mac;
    private final long lifetimeNanos;

    Cookies(RandomGenerator random, long lifetimeNanos) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
        this.lifetimeNanos = lifetimeNanos;
    }

    /** A token for a client at {@code from} that will use {@code cid} as the server's connection ID. */
    byte[] mint(long now, int version, SockAddr from, Cid cid) {
        byte[] token = new byte[TOKEN_LENGTH];
        ByteBuffer.wrap(token).putLong(now);
        System.arraycopy(tag(now, version, from, cid), 0, token, 8, 16);
        return token;
    }

    /** What a presented token turned out to be. */
    enum Check { VALID, EXPIRED, INVALID }

    /** Checks a token: VALID, EXPIRED (genuine, but from too long ago: worth a fresh RETRY), or INVALID. */
    Check verify(long now, int version, SockAddr from, Cid cid, byte[] token) {
        if (token.length != TOKEN_LENGTH) return Check.INVALID;
        long issuedAt = ByteBuffer.wrap(token).getLong();
        if (issuedAt > now) return Check.INVALID;   // the clock is the server's own and monotonic
        byte[] expected = tag(issuedAt, version, from, cid);
        if (!MessageDigest.isEqual(java.util.Arrays.copyOf(expected, 16), java.util.Arrays.copyOfRange(token, 8, 24))) {
            return Check.INVALID;
        }
        return now - issuedAt > lifetimeNanos ? Check.EXPIRED : Check.VALID;
    }

    private byte[] tag(long issuedAt, int version, SockAddr from, Cid cid) {
        ByteBuffer in = ByteBuffer.allocate(4 + 16 + 4 + 8 + Cid.MAX_LENGTH);
        in.putInt(version);
        switch (from) {
            case SockAddr.Inet4 a -> in.put(a.addressBytes()).putInt(a.port());
            case SockAddr.Inet6 a -> in.put(a.address()).putInt(a.port());
            case SockAddr.Unix u -> throw new IllegalArgumentException("rudp runs over IP, not " + u);
        }
        in.putLong(issuedAt);
        in.put(cid.bytes());
        mac.update(in.array(), 0, in.position());
        return mac.doFinal();
    }
}
