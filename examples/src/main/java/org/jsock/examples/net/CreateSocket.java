package org.jsock.examples.net;

import org.jsock.net.Family;
import org.jsock.net.Socket;

/** create_socket.c on the typed API: sockets own their fds and close themselves. */
public final class CreateSocket {
    private CreateSocket() {}

    public static int main(String[] argv) throws Exception {
        try (Socket tcp = Socket.tcp(Family.INET)) {
            System.out.printf("TCP socket fd = %d\n", tcp.fd());
            try (Socket udp = Socket.udp(Family.INET)) {
                System.out.printf("UDP socket fd = %d\n", udp.fd());
            }
        }
        return 0;
    }
}
