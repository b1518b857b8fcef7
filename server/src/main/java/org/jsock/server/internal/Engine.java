package org.jsock.server.internal;

import org.jsock.net.SockAddr;

import java.time.Duration;

/** A running server of some model: where it listens, and how it stops. */
public interface Engine {
    SockAddr address();

    /** Stops accepting, lets connections finish within {@code drain}, then closes what is left. */
    void shutdown(Duration drain) throws InterruptedException;
}
