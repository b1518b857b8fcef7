package org.jsock.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.Objects;

/**
 * A connected byte stream: a {@link Socket}, or TLS over one. What the java.io and java.nio views,
 * the command's relay, and protocols layered on top need, and no more.
 *
 * <p>{@link #recv} returns the bytes received, {@link Socket#EOF} at the end of the stream, or
 * {@link Socket#WOULD_BLOCK} in non-blocking mode; {@link #send} the bytes taken or
 * {@link Socket#WOULD_BLOCK}.
 */
public interface ByteStream extends Closeable {
    int recv(ByteBuffer dst) throws IOException;

    int send(ByteBuffer src) throws IOException;

    /** Sends every byte, waiting as needed even in non-blocking mode. */
    void sendAll(byte[] b, int off, int len) throws IOException;

    /** No more data from this side: the peer reads EOF, and can still send. */
    void shutdownOutput() throws IOException;

    /** Waits until a recv that returned WOULD_BLOCK can make progress. */
    void awaitReadable() throws IOException;

    /** Pushes out anything held back (TLS records); a plain socket holds nothing. */
    default void flushOutput() throws IOException {}

    boolean isClosed();

    /** Idempotent; threads blocked in the stream wake with {@link SocketClosedException}. */
    @Override
    void close();

    /** A ByteChannel: read returns -1 at EOF and 0 when it would block; closing it closes the stream. */
    default ByteChannel channel() {
        ByteStream s = this;
        return new ByteChannel() {
            @Override public int read(ByteBuffer dst) throws IOException {
                int n = s.recv(dst);
                return n == Socket.WOULD_BLOCK ? 0 : n;
            }
            @Override public int write(ByteBuffer src) throws IOException {
                int n = s.send(src);
                return n == Socket.WOULD_BLOCK ? 0 : n;
            }
            @Override public boolean isOpen() { return !s.isClosed(); }
            @Override public void close() { s.close(); }
        };
    }

    /** A blocking InputStream (it waits in non-blocking mode); closing it closes the stream. */
    default InputStream inputStream() {
        ByteStream s = this;
        return new InputStream() {
            @Override public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n <= 0 ? -1 : one[0] & 0xFF;
            }
            @Override public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) return 0;
                ByteBuffer dst = ByteBuffer.wrap(b, off, len);
                int n;
                // An empty datagram is no data and no end: a stream's read never returns 0.
                while ((n = s.recv(dst)) == Socket.WOULD_BLOCK || n == 0) {
                    if (n == Socket.WOULD_BLOCK) s.awaitReadable();
                }
                return n == Socket.EOF ? -1 : n;
            }
            @Override public void close() { s.close(); }
        };
    }

    /** A blocking OutputStream: write sends every byte; closing it closes the stream. */
    default OutputStream outputStream() {
        ByteStream s = this;
        return new OutputStream() {
            @Override public void write(int b) throws IOException { s.sendAll(new byte[] {(byte) b}, 0, 1); }
            @Override public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                s.sendAll(b, off, len);
            }
            @Override public void flush() throws IOException { s.flushOutput(); }
            @Override public void close() { s.close(); }
        };
    }
}
