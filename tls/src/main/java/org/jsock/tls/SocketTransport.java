package org.jsock.tls;

import org.jsock.net.Poller;
import org.jsock.net.Shutdown;
import org.jsock.net.SockType;
import org.jsock.net.Socket;
import org.jsock.sys.Sys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** {@link Transport} over a jsock {@link Socket}: each call is the socket call of the same name. */
final class SocketTransport implements Transport {
    private final Socket socket;

    SocketTransport(Socket socket) {
        if (socket.type() != SockType.STREAM) {
            throw new IllegalArgumentException("TLS needs a stream socket, got " + socket);
        }
        this.socket = socket;
    }

    Socket socket() { return socket; }

    @Override public int read(ByteBuffer dst) throws IOException { return socket.recv(dst); }

    @Override public int write(ByteBuffer src) throws IOException { return socket.send(src); }

    @Override
    public boolean await(int events, Duration timeout) throws IOException {
        int ev = 0;
        if ((events & Poller.IN) != 0) ev |= Sys.POLLIN;
        if ((events & Poller.OUT) != 0) ev |= Sys.POLLOUT;
        return socket.await(ev, timeout);
    }

    @Override public void shutdownOutput() throws IOException { socket.shutdown(Shutdown.WRITE); }

    @Override public void configureBlocking(boolean block) throws IOException { socket.configureBlocking(block); }

    @Override public boolean isBlocking() { return socket.isBlocking(); }

    @Override public boolean isOpen() { return !socket.isClosed(); }

    @Override public void close() { socket.close(); }

    @Override public String toString() { return socket.toString(); }
}
