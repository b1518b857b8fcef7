package org.jsock.cli.bench;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * iperf3's wire protocol, as its documentation and a stock iperf3 on loopback show it.
 *
 * <pre>
 *  client                                   server (port 5201)
 *    | TCP connect, cookie (36 chars + NUL)  -> |
 *    | <- PARAM_EXCHANGE                        |
 *    | length (4 bytes, big-endian) + JSON   -> |   test parameters
 *    | <- CREATE_STREAMS                        |
 *    |   each TCP stream: connect, cookie    -> |   same port as the control connection
 *    |   each UDP stream: "9876" datagram    -> |   the server connects its UDP socket to the
 *    |                 <- "6789" datagram       |   sender and binds a fresh one for the next
 *    | <- TEST_START, TEST_RUNNING              |
 *    |   ... data for the duration ...          |
 *    | TEST_END                              -> |
 *    | <- EXCHANGE_RESULTS                      |
 *    | length + JSON results                 -> |   the client's results first,
 *    | <- length + JSON results                 |   then the server's
 *    | <- DISPLAY_RESULTS                       |
 *    | IPERF_DONE                            -> |
 * </pre>
 *
 * A state is one signed byte. A server that is already running a test answers a new control
 * connection with ACCESS_DENIED and closes it, without reading anything from it.
 *
 * <p>A UDP datagram starts with the time it was sent (seconds, then microseconds, each a 32-bit
 * big-endian word) and a packet number counted from 1 (32 bits, or 64 when the client asks for
 * {@code udp_counters_64bit}); the receiver derives loss, reordering and jitter from them.
 */
public final class Protocol {
    private Protocol() {}

    public static final int DEFAULT_PORT = 5201;

    public static final byte TEST_START = 1;
    public static final byte TEST_RUNNING = 2;
    public static final byte TEST_END = 4;
    public static final byte PARAM_EXCHANGE = 9;
    public static final byte CREATE_STREAMS = 10;
    public static final byte SERVER_TERMINATE = 11;
    public static final byte CLIENT_TERMINATE = 12;
    public static final byte EXCHANGE_RESULTS = 13;
    public static final byte DISPLAY_RESULTS = 14;
    public static final byte IPERF_DONE = 16;
    public static final byte ACCESS_DENIED = -1;
    public static final byte SERVER_ERROR = -2;

    /** The cookie: 36 characters and a NUL, 37 bytes on the wire. */
    public static final int COOKIE_SIZE = 37;
    private static final String COOKIE_CHARS = "abcdefghijklmnopqrstuvwxyz234567";

    /** The UDP stream handshake: what the client sends, and the server's answer. */
    static final byte[] UDP_HELLO = "9876".getBytes(StandardCharsets.US_ASCII);
    static final byte[] UDP_REPLY = "6789".getBytes(StandardCharsets.US_ASCII);

    /** The UDP datagram header: seconds, microseconds, packet number (32 or 64 bits). */
    static int udpHeaderSize(boolean counters64) { return counters64 ? 16 : 12; }

    /** The largest UDP payload over IPv4. */
    static final int MAX_UDP_LEN = 65507;

    /** Default block sizes: TCP writes 128 KiB at a time; UDP falls back to this without an MSS. */
    static final int DEFAULT_TCP_LEN = 128 * 1024;
    static final int DEFAULT_UDP_LEN = 1460;
    /** UDP's default target rate: 1 Mbit/s. */
    static final long DEFAULT_UDP_RATE = 1_000_000;

    /** iperf3 numbers its streams 1, 3, 4, 5, ...: the n-th stream (from 0) gets this id. */
    static int streamId(int n) { return n == 0 ? 1 : n + 2; }

    /** A fresh random cookie, NUL-terminated. */
    static byte[] newCookie() {
        SecureRandom r = new SecureRandom();
        byte[] c = new byte[COOKIE_SIZE];
        for (int i = 0; i < COOKIE_SIZE - 1; i++) c[i] = (byte) COOKIE_CHARS.charAt(r.nextInt(COOKIE_CHARS.length()));
        return c;
    }

    static String cookieText(byte[] cookie) {
        int n = 0;
        while (n < cookie.length && cookie[n] != 0) n++;
        return new String(cookie, 0, n, StandardCharsets.US_ASCII);
    }

    /** The state's name, for --debug. */
    static String name(int state) {
        return switch (state) {
            case TEST_START -> "TEST_START";
            case TEST_RUNNING -> "TEST_RUNNING";
            case TEST_END -> "TEST_END";
            case PARAM_EXCHANGE -> "PARAM_EXCHANGE";
            case CREATE_STREAMS -> "CREATE_STREAMS";
            case SERVER_TERMINATE -> "SERVER_TERMINATE";
            case CLIENT_TERMINATE -> "CLIENT_TERMINATE";
            case EXCHANGE_RESULTS -> "EXCHANGE_RESULTS";
            case DISPLAY_RESULTS -> "DISPLAY_RESULTS";
            case IPERF_DONE -> "IPERF_DONE";
            case ACCESS_DENIED -> "ACCESS_DENIED";
            case SERVER_ERROR -> "SERVER_ERROR";
            default -> "state " + state;
        };
    }
}
