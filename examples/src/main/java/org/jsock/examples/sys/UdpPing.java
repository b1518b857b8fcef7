package org.jsock.examples.sys;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.sockaddr_in;

import static org.jsock.examples.sys.Stdlib.*;
import static org.jsock.sys.Sys.*;

/** udp_ping.c, line by line: send "ping" to 127.0.0.1:9000 and print the reply (seed 002's UDP example). */
public final class UdpPing {
    private UdpPing() {}

    public static int main(String[] args) throws Exception {
        String[] argv = argv("udp-ping", args);
        int argc = argv.length;
        int port = argc > 1 ? atoi(argv[1]) : 9000;

        int fd;
        try {
            fd = socket(AF_INET, SOCK_DGRAM, 0);
        } catch (ErrnoException e) { perror("socket"); return 1; }

        sockaddr_in local = new sockaddr_in(); /* 0.0.0.0:0 -- OS picks port */
        memset(local, 0, local.sizeof());
        local.sin_family(AF_INET);
        local.sin_addr().s_addr(htonl(INADDR_ANY));
        local.sin_port(htons(0));

        try {
            bind(fd, local, local.sizeof());
        } catch (ErrnoException e) {
            perror("bind");
            close(fd);
            return 1;
        }

        sockaddr_in dest = new sockaddr_in();
        memset(dest, 0, dest.sizeof());
        dest.sin_family(AF_INET);
        dest.sin_port(htons(port));
        inet_pton(AF_INET, "127.0.0.1", dest.sin_addr());

        byte[] msg = "ping".getBytes();
        try {
            sendto(fd, msg, strlen(msg), 0, dest, dest.sizeof());
        } catch (ErrnoException e) {
            perror("sendto");
            close(fd);
            return 1;
        }

        byte[] buf = new byte[1024];
        sockaddr_in src = new sockaddr_in();
        int[] src_len = {src.sizeof()};
        long n;
        try {
            n = recvfrom(fd, buf, buf.length, 0, src, src_len);
        } catch (ErrnoException e) {
            perror("recvfrom");
            close(fd);
            return 1;
        }

        String src_ip = inet_ntop(AF_INET, src.sin_addr());
        System.out.printf("Got %d bytes from %s:%d: %s\n",
                n, src_ip, ntohs(src.sin_port()), str(buf, n));

        close(fd);
        return 0;
    }
}
