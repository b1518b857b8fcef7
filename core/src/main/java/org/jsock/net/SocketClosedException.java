package org.jsock.net;

import java.nio.channels.ClosedChannelException;

/**
 * The socket was closed, before the call or while a thread was blocked in it. No system call is made
 * on a closed socket; a blocked thread wakes with this exception.
 */
public class SocketClosedException extends java.io.IOException {
    private final String call;

    public SocketClosedException(String call) {
        super(call + ": socket closed");
        this.call = call;
        initCause(new ClosedChannelException());
    }

    public String call() { return call; }
}
