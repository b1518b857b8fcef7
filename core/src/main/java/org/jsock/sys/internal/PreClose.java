package org.jsock.sys.internal;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;

/**
 * The dead socket that a closing socket's fd is dup2'd onto while other threads may still be in a
 * call on it: one end of a socketpair whose other end is closed, so reads give EOF and writes EPIPE.
 * Made once, on first need, and kept for the life of the process (one fd).
 */
public final class PreClose {
    private PreClose() {}

    private static final class Holder {
        static final int FD;
        static {
            try {
                int[] sv = new int[2];
                Sys.socketpair(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0, sv);
                Sys.shutdown(sv[0], Sys.SHUT_RDWR);
                Sys.close(sv[1]);
                FD = sv[0];
            } catch (ErrnoException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** The dead fd (created on the first call). */
    public static int fd() {
        return Holder.FD;
    }
}
