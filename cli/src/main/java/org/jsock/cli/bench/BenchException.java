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
}
