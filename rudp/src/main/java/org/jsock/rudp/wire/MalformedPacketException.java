package org.jsock.rudp.wire;

/**
 * A datagram that is not a well-formed rudp packet. {@link #kind()} says what the receiver does with it
 * (docs/rudp.md). Thrown often under attack or on a lossy path, so it carries no stack trace.
 */
public final class MalformedPacketException extends Exception {
    /** What is wrong, and so what the receiver does. */
    public enum Kind {
        /** The CRC does not match, or the datagram is too short to hold a header and the CRC: drop it and count it. */
        CORRUPT,
        /** The CRC matches but the header breaks docs/rudp.md (fixed bit clear, CID longer than 20, ...): drop it. */
        BAD_HEADER,
        /**
         * The CRC and the header are fine but a frame cannot be parsed: the connection the DCID names
         * closes with {@link ErrorCode#FRAME_ENCODING_ERROR}.
         */
        FRAME_ENCODING
    }

    private final Kind kind;
    private final Cid dcid;
    private final PacketType type;

    MalformedPacketException(Kind kind, PacketType type, Cid dcid, String message) {
        super(kind + ": " + message, null, false, false);
        this.kind = kind;
        this.type = type;
        this.dcid = dcid;
    }

    public Kind kind() { return kind; }

    /** The header's destination connection ID when it was read (always for {@link Kind#FRAME_ENCODING}), else null. */
    public Cid dcid() { return dcid; }

    /** The packet's type when the header got that far, else null. */
    public PacketType type() { return type; }
}
