package org.jsock.examples.sys;

import org.jsock.sys.ErrnoException;

import static org.jsock.sys.Sys.*;

/** create_socket.c, line by line: create a TCP socket and print its fd. */
public final class CreateSocket {
    private CreateSocket() {}

    public static int main(String[] argv) throws Exception {
        int fd;
        try {
            fd = socket(AF_INET, SOCK_STREAM, 0);
        } catch (ErrnoException e) {
            perror("socket");
            return 1;
        }
        System.out.printf("TCP socket fd = %d\n", fd);

        int udp_fd;
        try {
            udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
        } catch (ErrnoException e) {
            perror("socket");
            close(fd);
            return 1;
        }
        System.out.printf("UDP socket fd = %d\n", udp_fd);

        close(fd);
        close(udp_fd);
        return 0;
    }
}
