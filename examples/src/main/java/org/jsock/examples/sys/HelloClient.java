package org.jsock.examples.sys;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.sockaddr_in;

import static org.jsock.examples.sys.Stdlib.*;
import static org.jsock.sys.Sys.*;

/** hello_client.c (seed 000), line by line: connect to 127.0.0.1:8080 and print what the server says. */
public final class HelloClient {
    private HelloClient() {}

    public static int main(String[] args) throws Exception {
        String[] argv = argv("hello-client", args);
        int argc = argv.length;
        int sock_fd;
        sockaddr_in server_addr = new sockaddr_in();
        byte[] buffer = new byte[1024];
        int port = argc > 1 ? atoi(argv[1]) : 8080;

        // Create socket
        try {
            sock_fd = socket(AF_INET, SOCK_STREAM, 0);
        } catch (ErrnoException e) {
            perror("Socket creation failed");
            return EXIT_FAILURE;
        }

        // Set up server address structure
        server_addr.sin_family(AF_INET);
        server_addr.sin_port(htons(port)); // Port 8080 by default
        inet_pton(AF_INET, "127.0.0.1", server_addr.sin_addr()); // Localhost

        // Connect to server
        try {
            connect(sock_fd, server_addr, server_addr.sizeof());
        } catch (ErrnoException e) {
            perror("Connection failed");
            close(sock_fd); // exit() would release it; a main that returns must
            return EXIT_FAILURE;
        }

        System.out.printf("Connected to server\n");

        // Receive message from server
        try {
            recv(sock_fd, buffer, buffer.length, 0);
        } catch (ErrnoException ignored) {
            // C ignores recv's result: the buffer stays empty
        }
        System.out.printf("Server message: %s", str(buffer));
        System.out.flush();

        // Clean up
        close(sock_fd);

        return 0;
    }
}
