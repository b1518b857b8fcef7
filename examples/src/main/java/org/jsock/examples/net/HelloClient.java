package org.jsock.examples.net;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.sys.ErrnoException;

/** hello_client.c (seed 000) on the typed API: connect to 127.0.0.1:8080, print the server's message. */
public final class HelloClient {
    private HelloClient() {}

    public static int main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        Socket sock;
        try {
            sock = Socket.connectTo(SockAddr.Inet4.loopback(port));
        } catch (ErrnoException e) {
            System.err.println((e.call().equals("socket") ? "Socket creation failed" : "Connection failed")
                    + ": " + e.error().text());
            return 1;
        }
        try (sock) {
            System.out.printf("Connected to server\n");
            byte[] buffer = new byte[1024];
            int n = sock.recv(buffer);
            String text = n > 0 ? new String(buffer, 0, n, System.out.charset()) : "";
            System.out.printf("Server message: %s", text);
            System.out.flush();
        }
        return 0;
    }
}
