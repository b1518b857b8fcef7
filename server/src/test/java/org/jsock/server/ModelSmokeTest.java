package org.jsock.server;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(FdLeakCheck.class)
class ModelSmokeTest {
    @ParameterizedTest
    @EnumSource(Model.class)
    void echoesOneMessage(Model model) throws Exception {
        try (Server s = Server.start(ServerConfig.on(SockAddr.Inet4.loopback(0)).withModel(model).withThreads(2), Services::echo)) {
            try (Socket c = Socket.connectTo(s.address())) {
                byte[] msg = "hello, server\n".getBytes(StandardCharsets.US_ASCII);
                c.sendAll(msg, 0, msg.length);
                byte[] back = new byte[msg.length];
                assertEquals(msg.length, c.recvFully(back, 0, back.length));
                assertEquals("hello, server\n", new String(back, StandardCharsets.US_ASCII));
            }
        }
    }
}
