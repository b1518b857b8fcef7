package org.jsock.examples.net;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.sys.ErrnoException;

import java.nio.ByteBuffer;

/** udp_echo.c on the typed API: receive one datagram on port 9000, send it back, exit. */
public final class UdpEcho {
    private UdpEcho() {}

    public static int main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
        try (Socket socket = Socket.udp(Family.INET)) {
            socket.bind(SockAddr.Inet4.any(port));
            System.out.printf("UDP echo listening on port %d...\n", port);
            System.out.flush(); // the tests start the client when they see this line
            ByteBuffer buf = ByteBuffer.allocate(1024);
            SockAddr client = socket.recvFrom(buf);
            buf.flip();
            int n = buf.remaining();
            socket.sendTo(buf, client);
            System.out.printf("Echoed %d bytes to %s\n", n, client);
        } catch (ErrnoException e) {
            System.err.println(Errors.perror(e));
            return 1;
        }
        return 0;
    }
}
