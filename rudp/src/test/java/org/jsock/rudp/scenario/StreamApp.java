package org.jsock.rudp.scenario;

import org.jsock.rudp.RudpException;
import org.jsock.rudp.conn.Connection;
import org.jsock.rudp.conn.Endpoint;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * What an application does with one connection in the simulator: writes its payload, shuts its
 * output, reads the peer's stream to the end, then closes. Everything is checked by the scenario.
 */
final class StreamApp {
    final Connection conn;
    private final Endpoint endpoint;
    private final byte[] payload;
    private int written;
    private boolean shut;
    private boolean closed;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    boolean eof;
    RudpException failure;
    long finishedAt = -1;
    private final ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
    private final boolean closeWhenDone;

    StreamApp(Endpoint endpoint, Connection conn, byte[] payload, boolean closeWhenDone) {
        this.endpoint = endpoint;
        this.conn = conn;
        this.payload = payload;
        this.closeWhenDone = closeWhenDone;
    }

    Endpoint endpointRef() { return endpoint; }

    /** Does whatever can be done now. */
    void step(long now) {
        if (failure != null || closed) return;
        try {
            boolean changed = false;
            if (conn.isEstablished() || !conn.isClient()) {
                while (written < payload.length) {
                    int n = conn.write(ByteBuffer.wrap(payload, written, payload.length - written));
                    if (n == 0) break;
                    written += n;
                    changed = true;
                }
                if (written == payload.length && !shut) {
                    conn.shutdownOutput();
                    shut = true;
                    changed = true;
                }
            }
            while (!eof) {
                buf.clear();
                int n = conn.read(buf);
                if (n < 0) {
                    eof = true;
                    changed = true;
                    break;
                }
                if (n == 0) break;
                received.write(buf.array(), 0, n);
                changed = true;
            }
            if (eof && shut && !closed && closeWhenDone) {
                conn.close(now);
                closed = true;
                changed = true;
            }
            if (eof && finishedAt < 0) finishedAt = now;
            if (changed) endpoint.touched(now, conn);
        } catch (RudpException e) {
            failure = e;
        }
        if (failure == null && conn.failure() != null) failure = conn.failure();
    }

    /** Read everything, and the connection is past its close. */
    boolean done() { return eof && (conn.isTerminated() || !closeWhenDone); }
}
