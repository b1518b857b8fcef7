package org.jsock.examples.net;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.sys.ErrnoException;

/** tcp_server.c (seed 002) on the typed API: accept one connection on port 7878, echo once, exit. */
public final class TcpServer {
    private TcpServer() {}

    public static int main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7878;
        // listenOn: socket, SO_REUSEADDR, bind, listen, as the C does them.
        try (Socket listener = Socket.listenOn(SockAddr.Inet4.any(port), 5)) {
            System.out.printf("Listening on port %d...\n", port);
            System.out.flush(); // the demo and the tests start the client when they see this line
            try (Socket conn = listener.accept()) {
                System.out.printf("Connection from %s\n", conn.peerAddress()); // 127.0.0.1:54321
                byte[] buf = new byte[1024];
                int n = conn.recv(buf);
                if (n > 0) conn.send(buf, 0, n); // echo back
            }
        } catch (ErrnoException e) {
            System.err.println(Errors.perror(e));
            return 1;
        }
        return 0;
    }
}
