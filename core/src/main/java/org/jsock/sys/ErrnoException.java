package org.jsock.sys;

import java.io.IOException;

/**
 * A socket call failed: carries the call's name and the errno it left, as {@code perror} reports it.
 *
 * <p>The message reads {@code connect: Connection refused}; {@link #errno()} and {@link #error()} give
 * the number and the name, so callers branch on the errno rather than parse text.
 */
public class ErrnoException extends IOException {
    private final String call;
    private final Errno error;

    public ErrnoException(String call, int errno) {
        this(call, Errno.of(errno), null);
    }

    public ErrnoException(String call, Errno error, String detail) {
        super(call + ": " + error.text() + (detail == null ? "" : " (" + detail + ")"));
        this.call = call;
        this.error = error;
    }

    /** The libc function that failed, as C names it. */
    public String call() { return call; }

    /** errno, as a number ({@code 111}). */
    public int errno() { return error.number(); }

    /** errno with its name and text. */
    public Errno error() { return error; }

    /** True when errno is the one named ({@code is("ECONNREFUSED")}). */
    public boolean is(String errnoName) { return error.name().equals(errnoName); }
}
