package org.jsock.examples.net;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.sys.ErrnoException;

/** hello_server.c (seed 000) on the typed API: listen on port 8080, accept one connection, say hello. */
public final class HelloServer {
    private HelloServer() {}

    private static final byte[] MESSAGE = "Hello from server!\n".getBytes();

    public static int main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        // Like the C, no SO_REUSEADDR (Socket.listenOn would set it).
        try (Socket server = Socket.tcp(Family.INET)) {
            server.bind(SockAddr.Inet4.any(port));
            server.listen(3);
            System.out.printf("Server listening on port %d...\n", port);
            System.out.flush(); // the demo and the tests start the client when they see this line
            try (Socket client = server.accept()) {
                System.out.printf("Connection accepted\n");
                client.send(MESSAGE);
            }
        } catch (ErrnoException e) {
            // The exception names the call; the C program words each failure its own way.
            String what = switch (e.call()) {
                case "socket" -> "Socket creation failed";
                case "bind" -> "Bind failed";
                case "listen" -> "Listen failed";
                case "accept", "accept4" -> "Accept failed";
                default -> throw e; // send: the C ignores its result, but here it is not hidden
            };
            System.err.println(what + ": " + e.error().text());
            return 1;
        }
        return 0;
    }
}
