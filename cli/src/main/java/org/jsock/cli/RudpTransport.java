package org.jsock.cli;

import org.jsock.rudp.RudpSocket;
import org.jsock.tls.Transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** An rudp connection as the byte stream TLS runs over: {@code --rudp --tls}. */
final class RudpTransport implements Transport {
    private final RudpSocket s;

    RudpTransport(RudpSocket s) { this.s = s; }

    @Override public int read(ByteBuffer dst) throws IOException { return s.recv(dst); }

    @Override public int write(ByteBuffer src) throws IOException { return s.send(src); }

    @Override public boolean await(int events, Duration timeout) throws IOException { return s.await(events, timeout); }

    @Override public void shutdownOutput() throws IOException { s.shutdownOutput(); }

    @Override public void configureBlocking(boolean block) { s.configureBlocking(block); }

    @Override public boolean isBlocking() { return s.isBlocking(); }

    @Override public boolean isOpen() { return !s.isClosed(); }

    @Override public void close() { s.close(); }
}
