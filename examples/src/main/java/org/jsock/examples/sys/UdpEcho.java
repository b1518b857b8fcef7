package org.jsock.examples.sys;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.sockaddr_in;

import static org.jsock.examples.sys.Stdlib.*;
import static org.jsock.sys.Sys.*;

/** udp_echo.c, line by line: receive one datagram on port 9000, send it back, exit. */
public final class UdpEcho {
    private UdpEcho() {}

    public static int main(String[] args) throws Exception {
        String[] argv = argv("udp-echo", args);
        int argc = argv.length;
        int port = argc > 1 ? atoi(argv[1]) : 9000;

        int fd;
        try {
            fd = socket(AF_INET, SOCK_DGRAM, 0);
        } catch (ErrnoException e) { perror("socket"); return 1; }

        sockaddr_in addr = new sockaddr_in();
        memset(addr, 0, addr.sizeof());
        addr.sin_family(AF_INET);
        addr.sin_addr().s_addr(htonl(INADDR_ANY));
        addr.sin_port(htons(port));

        try {
            bind(fd, addr, addr.sizeof());
        } catch (ErrnoException e) {
            perror("bind");
            close(fd);
            return 1;
        }
        System.out.printf("UDP echo listening on port %d...\n", port);
        System.out.flush(); // the tests start the client when they see this line

        byte[] buf = new byte[1024];
        sockaddr_in client_addr = new sockaddr_in();
        int[] client_len = {client_addr.sizeof()};
        long n;
        try {
            n = recvfrom(fd, buf, buf.length, 0, client_addr, client_len);
        } catch (ErrnoException e) {
            perror("recvfrom");
            close(fd);
            return 1;
        }

        try {
            sendto(fd, buf, n, 0, client_addr, client_len[0]);
        } catch (ErrnoException e) {
            perror("sendto");
            close(fd);
            return 1;
        }

        String client_ip = inet_ntop(AF_INET, client_addr.sin_addr());
        System.out.printf("Echoed %d bytes to %s:%d\n", n, client_ip, ntohs(client_addr.sin_port()));

        close(fd);
        return 0;
    }
}
