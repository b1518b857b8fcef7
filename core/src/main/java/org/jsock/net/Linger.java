package org.jsock.net;

/**
 * SO_LINGER: when {@code on}, close waits up to {@code seconds} for unsent data; {@code on} with 0
 * seconds makes close send a RST and drop the data ({@code ECONNRESET} at the peer).
 */
public record Linger(boolean on, int seconds) {
    public static final Linger OFF = new Linger(false, 0);

    public Linger {
        if (seconds < 0) throw new IllegalArgumentException("linger seconds must be >= 0, got " + seconds);
    }

    public static Linger seconds(int seconds) { return new Linger(true, seconds); }

    /** Close with a RST: {@code SO_LINGER {1, 0}}. */
    public static Linger reset() { return new Linger(true, 0); }
}
