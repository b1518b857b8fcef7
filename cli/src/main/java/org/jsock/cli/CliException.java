package org.jsock.cli;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.GaiException;

/** An error already phrased for the user, with its exit status (1 network, 2 usage). */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() { return exitCode; }

    static CliException usage(String message) {
        return new CliException(message, 2, null);
    }

    /** A network error with what we were doing: {@code connect 127.0.0.1:9: Connection refused (ECONNREFUSED)}. */
    static CliException network(String doing, Exception cause) {
        String why;
        if (cause instanceof ErrnoException e) why = e.error().text() + " (" + e.error().name() + ")";
        else if (cause instanceof GaiException g) why = g.text() + " (" + g.codeName() + ")";
        else why = cause.getMessage();
        return new CliException(doing + ": " + why, 1, cause);
    }
}
