package org.jsock.examples.net;

import org.jsock.sys.ErrnoException;

/** How the seed 002 programs report a failed call: {@code perror} with the call's own name. */
final class Errors {
    private Errors() {}

    /** {@code perror(call)}'s line: {@code connect: Connection refused}. */
    static String perror(ErrnoException e) {
        // The typed API accepts with accept4 (for SOCK_CLOEXEC); the C calls accept.
        String call = e.call().equals("accept4") ? "accept" : e.call();
        return call + ": " + e.error().text();
    }
}
