package org.jsock.rudp.wire;

/** The error codes a CLOSE frame carries (docs/rudp.md, "CLOSE"). 16 bits on the wire. */
public final class ErrorCode {
    /** Orderly close by the application. */
    public static final int NO_ERROR = 0;
    /** The sender failed. */
    public static final int INTERNAL_ERROR = 1;
    /** The peer broke a rule of docs/rudp.md. */
    public static final int PROTOCOL_VIOLATION = 2;
    /** Data beyond the advertised limit. */
    public static final int FLOW_CONTROL_ERROR = 3;
    /** Data beyond the final size, or a changed FIN. */
    public static final int FINAL_SIZE_ERROR = 4;
    /** A frame that cannot be parsed. */
    public static final int FRAME_ENCODING_ERROR = 5;
    /** The application aborted; the reason says why. */
    public static final int APPLICATION_ERROR = 6;

    private static final String[] NAMES = {
        "NO_ERROR", "INTERNAL_ERROR", "PROTOCOL_VIOLATION", "FLOW_CONTROL_ERROR",
        "FINAL_SIZE_ERROR", "FRAME_ENCODING_ERROR", "APPLICATION_ERROR",
    };

    private ErrorCode() {}

    /** The code's name, {@code "NO_ERROR"} and so on, or its value in hex ({@code "0x1234"}) when it has none. */
    public static String name(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : String.format("0x%04x", code);
    }
}
