package org.jsock.cli.bench;

import java.io.IOException;

/** A bench failure already phrased for the user, as iperf3 would report it ("the server is busy ..."). */
public final class BenchException extends IOException {
    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The message with the failed call's own, for the JSON report's "error". */
    static String describe(IOException e) {
        if (e instanceof BenchException && e.getCause() instanceof IOException cause && !(cause instanceof BenchException)) {
            return e.getMessage() + ": " + cause.getMessage();
        }
        return e.getMessage();
    }
}
