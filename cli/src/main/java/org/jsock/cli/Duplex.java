package org.jsock.cli;

import org.jsock.net.Shutdown;
import org.jsock.net.Socket;
import org.jsock.tls.TlsSocket;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A connected byte stream the relay copies to and from: a plain socket, or TLS over one. */
interface Duplex {
    /** Bytes received, or Socket.EOF. Blocking. */
    int recv(ByteBuffer dst) throws IOException;

    void sendAll(byte[] b, int off, int len) throws IOException;

    /** No more data from us: shutdown(SHUT_WR), after close_notify for TLS. */
    void shutdownOutput() throws IOException;

    boolean isClosed();

    static Duplex of(Socket s) {
        return new Duplex() {
            @Override public int recv(ByteBuffer dst) throws IOException { return s.recv(dst); }
            @Override public void sendAll(byte[] b, int off, int len) throws IOException { s.sendAll(b, off, len); }
            @Override public void shutdownOutput() throws IOException { s.shutdown(Shutdown.WRITE); }
            @Override public boolean isClosed() { return s.isClosed(); }
        };
    }

    static Duplex of(TlsSocket t) {
        return new Duplex() {
            @Override public int recv(ByteBuffer dst) throws IOException { return t.recv(dst); }
            @Override public void sendAll(byte[] b, int off, int len) throws IOException { t.sendAll(b, off, len); }
            @Override public void shutdownOutput() throws IOException { t.shutdownOutput(); }
            @Override public boolean isClosed() { return t.isClosed(); }
        };
    }
}
