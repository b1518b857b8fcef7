package org.jsock.rudp.wire;

/** The kinds of rudp packet (docs/rudp.md, "Packet layout"). */
public enum PacketType {
    /** Long header, type bits 0: the client's first packets, carrying PARAMS. */
    INITIAL,
    /** Long header, type bits 1: the server's stateless answer carrying a cookie token. */
    RETRY,
    /** Long header, type bits 2: the server's packets that make the connection, carrying PARAMS. */
    HANDSHAKE,
    /** Long header with Version 0: the versions a server supports. */
    VERSION_NEGOTIATION,
    /** Short header: every packet after the handshake. */
    SHORT;

    /** Whether packets of this type have a long header. */
    public boolean isLong() { return this != SHORT; }

    /** The two type bits of a long header's first byte. */
    int longTypeBits() {
        if (this == SHORT) throw new IllegalStateException("a short header has no long type bits");
        return ordinal();
    }
}
