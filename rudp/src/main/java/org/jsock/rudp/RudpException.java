package org.jsock.rudp;

import java.io.IOException;

/**
 * An rudp connection failed or was closed by its peer with an error. {@link #kind()} says which way;
 * for a peer's CLOSE, {@link #code()} and {@link #reason()} are what it sent.
 */
public class RudpException extends IOException {
    /** How a connection ended badly. */
    public enum Kind {
        /** connect found no server answering in time */
        HANDSHAKE_TIMEOUT,
        /** nothing heard from the peer for the idle timeout */
        IDLE_TIMEOUT,
        /** nothing listens on the peer's UDP port (ICMP port unreachable) */
        REFUSED,
        /** the client and server share no protocol version */
        NO_COMMON_VERSION,
        /** the peer closed with an error code */
        CLOSED_BY_PEER,
        /** this side closed the connection because the peer broke the protocol */
        PROTOCOL_ERROR,
        /** this side aborted (abort(), or close() that could not deliver within the linger time) */
        ABORTED,
        /** the socket was closed locally */
        CLOSED
    }

    private final Kind kind;
    private final int code;
    private final String reason;

    public RudpException(Kind kind, int code, String reason, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
        this.reason = reason;
    }

    public Kind kind() { return kind; }

    /** The CLOSE error code (docs/rudp.md), or -1 when no CLOSE was involved. */
    public int code() { return code; }

    /** The CLOSE reason text, or "" */
    public String reason() { return reason; }
}
