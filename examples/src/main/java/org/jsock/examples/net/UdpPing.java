package org.jsock.examples.net;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.sys.ErrnoException;

import java.nio.ByteBuffer;

/** udp_ping.c on the typed API: send "ping" to 127.0.0.1:9000 and print the reply (seed 002's UDP example). */
public final class UdpPing {
    private UdpPing() {}

    public static int main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
        try (Socket socket = Socket.udp(Family.INET)) {
            socket.bind(SockAddr.Inet4.any(0)); // OS picks port
            socket.sendTo(ByteBuffer.wrap("ping".getBytes()), SockAddr.Inet4.loopback(port));
            ByteBuffer buf = ByteBuffer.allocate(1024);
            SockAddr src = socket.recvFrom(buf);
            buf.flip();
            String text = new String(buf.array(), 0, buf.limit(), System.out.charset());
            System.out.printf("Got %d bytes from %s: %s\n", buf.limit(), src, text);
        } catch (ErrnoException e) {
            System.err.println(Errors.perror(e));
            return 1;
        }
        return 0;
    }
}
