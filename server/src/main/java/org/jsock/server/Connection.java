package org.jsock.server;

import org.jsock.net.SockAddr;

import java.nio.ByteBuffer;

/** One client, as a {@link Handler} sees it. Call its methods from the handler's callbacks. */
public interface Connection {
    SockAddr peer();

    /**
     * Sends {@code data} (all of it, from position to limit, which it consumes). What the socket will
     * not take now is copied and queued; above the high watermark the server stops reading from this
     * client until the queue drains below the low watermark.
     */
    void write(ByteBuffer data);

    /** Whether the write queue is below the high watermark: a producer should write only while true. */
    boolean writable();

    /** Bytes queued and not yet sent. */
    long queued();

    /** shutdown(SHUT_WR) once the queued bytes are sent: the peer reads EOF, and can still send. */
    void shutdownOutput();

    /** Closes once the queued bytes are sent. */
    void close();

    /** Closes now, dropping anything queued. */
    void abort();

    boolean isOpen();
}
