package org.jsock.tls;

import org.jsock.net.Poller;
import org.jsock.net.Socket;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The byte stream a {@link TlsSocket} runs over: the few calls TLS needs from a connected stream
 * socket, so a transport other than a kernel socket (an rudp connection) can carry TLS too.
 *
 * <p>The vocabulary is {@link Socket}'s: {@link #read} and {@link #write} return a count,
 * {@link Socket#EOF} or {@link Socket#WOULD_BLOCK}, and advance the buffer's position.
 */
public interface Transport extends Closeable {
    /** Reads into {@code dst}: bytes read, {@link Socket#EOF}, or {@link Socket#WOULD_BLOCK} when non-blocking. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes from {@code src}: bytes written (maybe fewer than remain), or {@link Socket#WOULD_BLOCK}. */
    int write(ByteBuffer src) throws IOException;

    /**
     * Waits until the transport is ready for {@code events} ({@link Poller#IN}, {@link Poller#OUT}) or
     * the timeout passes (null: no limit). Returns false on timeout.
     */
    boolean await(int events, Duration timeout) throws IOException;

    /** Ends the outgoing direction: the peer reads end of stream. */
    void shutdownOutput() throws IOException;

    void configureBlocking(boolean block) throws IOException;

    boolean isBlocking();

    boolean isOpen();

    /** Closes the transport. Idempotent. */
    @Override
    void close();

    /** A connected jsock stream socket (TCP or Unix) as a transport; closing it closes the socket. */
    static Transport of(Socket socket) {
        return new SocketTransport(socket);
    }
}
