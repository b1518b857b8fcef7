package org.jsock.examples.sys;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.sockaddr_in;

import static org.jsock.examples.sys.Stdlib.*;
import static org.jsock.sys.Sys.*;

/** tcp_server.c (seed 002), line by line: accept one connection on port 7878, echo once, exit. */
public final class TcpServer {
    private TcpServer() {}

    public static int main(String[] args) throws Exception {
        String[] argv = argv("tcp-server", args);
        int argc = argv.length;
        int port = argc > 1 ? atoi(argv[1]) : 7878;

        int listen_fd;
        try {
            listen_fd = socket(AF_INET, SOCK_STREAM, 0);
        } catch (ErrnoException e) { perror("socket"); return 1; }

        int[] opt = {1};
        setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, opt, 4 /* sizeof(opt) */);

        sockaddr_in addr = new sockaddr_in();
        memset(addr, 0, addr.sizeof());
        addr.sin_family(AF_INET);
        addr.sin_addr().s_addr(htonl(INADDR_ANY));
        addr.sin_port(htons(port));

        try {
            bind(listen_fd, addr, addr.sizeof());
        } catch (ErrnoException e) {
            perror("bind");
            close(listen_fd);
            return 1;
        }

        try {
            listen(listen_fd, 5);
        } catch (ErrnoException e) {
            perror("listen");
            close(listen_fd);
            return 1;
        }
        System.out.printf("Listening on port %d...\n", port);
        System.out.flush(); // the demo and the tests start the client when they see this line

        sockaddr_in client_addr = new sockaddr_in();
        int[] client_len = {client_addr.sizeof()};
        int conn_fd;
        try {
            conn_fd = accept(listen_fd, client_addr, client_len);
        } catch (ErrnoException e) {
            perror("accept");
            close(listen_fd);
            return 1;
        }

        String client_ip = inet_ntop(AF_INET, client_addr.sin_addr());
        System.out.printf("Connection from %s:%d\n", client_ip, ntohs(client_addr.sin_port()));

        byte[] buf = new byte[1024];
        long n;
        try {
            n = read(conn_fd, buf, buf.length);
        } catch (ErrnoException e) {
            n = -1; // read's -1: C checks n > 0 and goes on
        }
        if (n > 0) {
            try {
                write(conn_fd, buf, n); /* echo back */
            } catch (ErrnoException ignored) {
                // C ignores write's result
            }
        }

        close(conn_fd);
        close(listen_fd);
        return 0;
    }
}
