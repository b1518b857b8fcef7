package org.jsock.server.internal;

import org.jsock.net.Socket;
import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;

/**
 * A spare file descriptor kept for the day the process runs out (EMFILE). Then accept fails while
 * the connection stays queued and the listener stays readable, and a naive loop spins. Giving the
 * spare back lets one accept succeed, the connection is closed at once (the client sees a clean
 * close rather than a hang), and the spare is taken again.
 */
final class ReserveFd {
    private int fd = -1;

    ReserveFd() {
        take();
    }

    private void take() {
        try {
            fd = Sys.socket(Sys.AF_UNIX, Sys.SOCK_DGRAM | Sys.SOCK_CLOEXEC, 0);
        } catch (ErrnoException e) {
            fd = -1;
        }
    }

    /**
     * Frees the spare, accepts and closes one pending connection on {@code listener}, and takes the
     * spare again. Returns true if a connection was shed.
     */
    boolean shed(Socket listener) {
        release();
        boolean shed = false;
        try {
            Socket c = listener.accept();
            if (c != null) {
                c.close();
                shed = true;
            }
        } catch (Exception ignored) {
            // the peer may have gone already
        }
        take();
        return shed;
    }

    void release() {
        if (fd >= 0) {
            try {
                Sys.close(fd);
            } catch (ErrnoException ignored) {
                // nothing to do
            }
            fd = -1;
        }
    }
}
