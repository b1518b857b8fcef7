package org.jsock.server;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a server does with a connection, written once and run on every {@link Model}. A new handler
 * is made for each connection, so its fields are that connection's context.
 *
 * <p>Callbacks for one connection never run at the same time. On the event-loop models they run on
 * the loop thread and must not block; {@link Connection#write} queues what cannot be sent at once.
 * An exception thrown from a callback closes that connection (it is logged) and nothing else.
 */
public interface Handler {
    /** The connection is open. */
    default void onAccept(Connection c) throws IOException {}

    /** Bytes arrived. {@code in} is valid only during the call: copy what must be kept. */
    void onRead(Connection c, ByteBuffer in) throws IOException;

    /**
     * The write queue fell below the low watermark after rising above the high one (reading, paused
     * meanwhile, has resumed). A producer such as chargen writes more here.
     */
    default void onWritable(Connection c) throws IOException {}

    /** The peer shut down its side (recv returned EOF). By default: finish sending, then close. */
    default void onPeerShutdown(Connection c) throws IOException {
        c.close();
    }

    /** The connection is closed; {@code cause} is null for an orderly close. */
    default void onClose(Connection c, Throwable cause) {}
}
