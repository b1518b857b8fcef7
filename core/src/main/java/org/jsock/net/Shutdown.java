package org.jsock.net;

import org.jsock.sys.Sys;

/** Which direction {@link Socket#shutdown} closes: SHUT_RD, SHUT_WR or SHUT_RDWR. */
public enum Shutdown {
    READ(Sys.SHUT_RD), WRITE(Sys.SHUT_WR), BOTH(Sys.SHUT_RDWR);

    private final int how;

    Shutdown(int how) { this.how = how; }

    public int how() { return how; }
}
