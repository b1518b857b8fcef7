package org.jsock.examples.sys;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.GaiException;
import org.jsock.sys.addrinfo;

import static org.jsock.examples.sys.Stdlib.*;
import static org.jsock.sys.Sys.*;

/** tcp_client.c (seed 002), line by line: connect to HOST PORT, send a message, print the reply. */
public final class TcpClient {
    private TcpClient() {}

    public static int main(String[] args) throws Exception {
        String[] argv = argv("tcp-client", args);
        int argc = argv.length;
        if (argc != 3) {
            System.err.printf("usage: %s host port\n", argv[0]);
            return 1;
        }

        addrinfo hints = new addrinfo();
        addrinfo[] res = new addrinfo[1];
        memset(hints, 0, hints.sizeof());
        hints.ai_family(AF_UNSPEC);
        hints.ai_socktype(SOCK_STREAM);

        int status;
        try {
            status = getaddrinfo(argv[1], argv[2], hints, res);
        } catch (GaiException e) {
            status = e.code();
        }
        if (status != 0) {
            System.err.printf("getaddrinfo: %s\n", gai_strerror(status));
            return 1;
        }

        int sockfd;
        try {
            sockfd = socket(res[0].ai_family(), res[0].ai_socktype(), res[0].ai_protocol());
        } catch (ErrnoException e) {
            perror("socket");
            freeaddrinfo(res[0]);
            return 1;
        }

        try {
            connect(sockfd, res[0].ai_addr(), res[0].ai_addrlen());
        } catch (ErrnoException e) {
            perror("connect");
            close(sockfd);
            freeaddrinfo(res[0]);
            return 1;
        }
        freeaddrinfo(res[0]);

        byte[] msg = "Hello, server!\n".getBytes();
        try {
            write(sockfd, msg, strlen(msg));
        } catch (ErrnoException ignored) {
            // C ignores write's result
        }

        byte[] buf = new byte[1024];
        long n;
        try {
            n = read(sockfd, buf, buf.length - 1);
        } catch (ErrnoException e) {
            n = -1; // read's -1: C checks n > 0 and goes on
        }
        if (n > 0) {
            buf[(int) n] = '\0';
            System.out.printf("Server replied: %s", str(buf));
            System.out.flush();
        }

        close(sockfd);
        return 0;
    }
}
