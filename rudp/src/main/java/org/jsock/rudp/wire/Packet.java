package org.jsock.rudp.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One rudp packet (docs/rudp.md, "Packet layout"). Fields a type does not use hold: {@code version} 0 for
 * {@link PacketType#SHORT} (a short header carries none), {@code scid} {@link Cid#EMPTY}, {@code token} and
 * {@code supportedVersions} empty, {@code number} -1, {@code frames} empty.
 *
 * <p>A long-header packet of a version this code does not speak (neither 0 nor {@link PacketCodec#VERSION_1})
 * is decoded only as far as the fields every version keeps (type bits, version, the two CIDs): its token is
 * empty, its number -1 and it has no frames. That is what a server needs to answer with VERSION_NEGOTIATION.
 *
 * <p>{@code token} and {@code supportedVersions} are copied in and out; {@code frames} is an unmodifiable list.
 * Equality compares the arrays' contents.
 */
public record Packet(PacketType type, int version, Cid dcid, Cid scid, byte[] token, long number,
                     List<Frame> frames, int[] supportedVersions) {
    private static final byte[] NO_TOKEN = new byte[0];
    private static final int[] NO_VERSIONS = new int[0];

    public Packet {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(dcid, "dcid");
        Objects.requireNonNull(scid, "scid");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(frames, "frames");
        Objects.requireNonNull(supportedVersions, "supportedVersions");
        token = token.length == 0 ? NO_TOKEN : token.clone();
        frames = List.copyOf(frames);
        supportedVersions = supportedVersions.length == 0 ? NO_VERSIONS : supportedVersions.clone();

        if (token.length > PacketCodec.MAX_TOKEN_LENGTH)
            throw new IllegalArgumentException("token of " + token.length + " bytes exceeds " + PacketCodec.MAX_TOKEN_LENGTH);
        if (token.length > 0 && type != PacketType.INITIAL && type != PacketType.RETRY)
            throw new IllegalArgumentException(type + " carries no token");
        if (supportedVersions.length > 0 && type != PacketType.VERSION_NEGOTIATION)
            throw new IllegalArgumentException(type + " carries no version list");
        if (!frames.isEmpty() && (type == PacketType.RETRY || type == PacketType.VERSION_NEGOTIATION))
            throw new IllegalArgumentException(type + " carries no frames");
        switch (type) {
            case VERSION_NEGOTIATION -> {
                if (version != 0) throw new IllegalArgumentException("VERSION_NEGOTIATION has version 0, not " + version);
                requireNoNumber(type, number);
            }
            case RETRY -> {
                requireVersion(type, version);
                requireNoNumber(type, number);
            }
            case INITIAL, HANDSHAKE -> {
                requireVersion(type, version);
                // -1 only in a decoded packet of a version whose packet numbers this code does not read.
                if (number < 0 && (number != -1 || version == PacketCodec.VERSION_1 || !frames.isEmpty()))
                    throw new IllegalArgumentException("bad packet number " + number);
            }
            case SHORT -> {
                if (version != 0) throw new IllegalArgumentException("a short header carries no version (use 0), not " + version);
                if (dcid.length() != Cid.LENGTH)
                    throw new IllegalArgumentException("a short header's DCID has " + Cid.LENGTH + " bytes, not " + dcid.length());
                if (scid.length() != 0) throw new IllegalArgumentException("a short header carries no SCID");
                if (number < 0) throw new IllegalArgumentException("bad packet number " + number);
            }
        }
    }

    private static void requireVersion(PacketType type, int version) {
        if (version == 0) throw new IllegalArgumentException(type + " cannot have version 0 (VERSION_NEGOTIATION's)");
    }

    private static void requireNoNumber(PacketType type, long number) {
        if (number != -1) throw new IllegalArgumentException(type + " carries no packet number (use -1), not " + number);
    }

    /** A client's INITIAL. */
    public static Packet initial(int version, Cid dcid, Cid scid, byte[] token, long number, List<Frame> frames) {
        return new Packet(PacketType.INITIAL, version, dcid, scid, token, number, frames, NO_VERSIONS);
    }

    /** A server's RETRY carrying the cookie {@code token}. */
    public static Packet retry(int version, Cid dcid, Cid scid, byte[] token) {
        return new Packet(PacketType.RETRY, version, dcid, scid, token, -1, List.of(), NO_VERSIONS);
    }

    /** A server's HANDSHAKE. */
    public static Packet handshake(int version, Cid dcid, Cid scid, long number, List<Frame> frames) {
        return new Packet(PacketType.HANDSHAKE, version, dcid, scid, NO_TOKEN, number, frames, NO_VERSIONS);
    }

    /** A server's list of the versions it supports. */
    public static Packet versionNegotiation(Cid dcid, Cid scid, int[] versions) {
        return new Packet(PacketType.VERSION_NEGOTIATION, 0, dcid, scid, NO_TOKEN, -1, List.of(), versions);
    }

    /** A short-header packet; {@code dcid} has {@link Cid#LENGTH} bytes. */
    public static Packet shortHeader(Cid dcid, long number, List<Frame> frames) {
        return new Packet(PacketType.SHORT, 0, dcid, Cid.EMPTY, NO_TOKEN, number, frames, NO_VERSIONS);
    }

    /** A copy of the token. */
    @Override public byte[] token() { return token.length == 0 ? token : token.clone(); }

    /** A copy of the version list. */
    @Override public int[] supportedVersions() { return supportedVersions.length == 0 ? supportedVersions : supportedVersions.clone(); }

    /** The token's length, without copying it. */
    public int tokenLength() { return token.length; }

    /** Whether the packet has a packet number (INITIAL, HANDSHAKE, SHORT). */
    public boolean hasNumber() { return number >= 0; }

    /** Whether any frame is ack-eliciting: the receiver must acknowledge the packet. */
    public boolean ackEliciting() {
        for (Frame f : frames) if (f.ackEliciting()) return true;
        return false;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Packet p && type == p.type && version == p.version && number == p.number
                && dcid.equals(p.dcid) && scid.equals(p.scid) && Arrays.equals(token, p.token)
                && frames.equals(p.frames) && Arrays.equals(supportedVersions, p.supportedVersions);
    }

    @Override public int hashCode() {
        return Objects.hash(type, version, number, dcid, scid, Arrays.hashCode(token), frames, Arrays.hashCode(supportedVersions));
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(type.name()).append('[');
        if (type.isLong()) sb.append("version=0x").append(Integer.toHexString(version)).append(", ");
        sb.append("dcid=").append(dcid);
        if (type.isLong()) sb.append(", scid=").append(scid);
        if (token.length > 0) sb.append(", token=").append(token.length).append(" bytes");
        if (number >= 0) sb.append(", pn=").append(number);
        if (type == PacketType.VERSION_NEGOTIATION) {
            sb.append(", versions=[");
            for (int i = 0; i < supportedVersions.length; i++)
                sb.append(i > 0 ? ", 0x" : "0x").append(Integer.toHexString(supportedVersions[i]));
            sb.append(']');
        }
        if (!frames.isEmpty()) sb.append(", frames=").append(frames);
        return sb.append(']').toString();
    }
}
