package org.jsock.examples.net;

import org.jsock.net.Resolver;
import org.jsock.net.Socket;
import org.jsock.sys.ErrnoException;
import org.jsock.sys.GaiException;

/** tcp_client.c (seed 002) on the typed API: connect to HOST PORT, send a message, print the reply. */
public final class TcpClient {
    private TcpClient() {}

    private static final byte[] MSG = "Hello, server!\n".getBytes();

    public static int main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.printf("usage: %s host port\n", "tcp-client");
            return 1;
        }
        Resolver.AddrInfo ai;
        try {
            // The first address getaddrinfo gives, as the C tries only res.
            ai = Resolver.getaddrinfo(args[0], args[1], Resolver.Hints.stream()).getFirst();
        } catch (GaiException e) {
            System.err.printf("getaddrinfo: %s\n", e.text());
            return 1;
        }
        try (Socket sock = Socket.open(ai.family(), ai.type())) {
            sock.connect(ai.address());
            sock.send(MSG);
            byte[] buf = new byte[1024];
            int n = sock.recv(buf, 0, buf.length - 1);
            if (n > 0) {
                System.out.printf("Server replied: %s", new String(buf, 0, n, System.out.charset()));
                System.out.flush();
            }
        } catch (ErrnoException e) {
            System.err.println(Errors.perror(e));
            return 1;
        }
        return 0;
    }
}
