package org.jsock.net;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(FdLeakCheck.class)
class SmokeTest {
    @Test
    void echoOverLoopback() throws Exception {
        try (Socket server = Socket.listenOn(SockAddr.parse("127.0.0.1:0"), 16)) {
            SockAddr where = server.localAddress();
            try (Socket client = Socket.connectTo(where); Socket conn = server.accept()) {
                client.sendAll("hello".getBytes(), 0, 5);
                byte[] buf = new byte[5];
                assertEquals(5, conn.recvFully(buf, 0, 5));
                assertEquals("hello", new String(buf, StandardCharsets.US_ASCII));
                assertEquals(client.localAddress(), conn.peerAddress());
            }
        }
    }
}
