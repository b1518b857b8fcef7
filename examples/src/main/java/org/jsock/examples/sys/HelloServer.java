package org.jsock.examples.sys;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.sockaddr_in;

import static org.jsock.examples.sys.Stdlib.*;
import static org.jsock.sys.Sys.*;

/** hello_server.c (seed 000), line by line: listen on port 8080, accept one connection, say hello. */
public final class HelloServer {
    private HelloServer() {}

    public static int main(String[] args) throws Exception {
        String[] argv = argv("hello-server", args);
        int argc = argv.length;
        int server_fd, client_fd;
        sockaddr_in server_addr = new sockaddr_in(), client_addr = new sockaddr_in();
        int[] client_len = {client_addr.sizeof()};
        byte[] message = "Hello from server!\n".getBytes();
        int port = argc > 1 ? atoi(argv[1]) : 8080;

        // Create socket
        try {
            server_fd = socket(AF_INET, SOCK_STREAM, 0);
        } catch (ErrnoException e) {
            perror("Socket creation failed");
            return EXIT_FAILURE;
        }

        // Set up server address structure
        server_addr.sin_family(AF_INET);
        server_addr.sin_addr().s_addr(INADDR_ANY); // Bind to any address
        server_addr.sin_port(htons(port));         // Port 8080 by default

        // Bind socket
        try {
            bind(server_fd, server_addr, server_addr.sizeof());
        } catch (ErrnoException e) {
            perror("Bind failed");
            close(server_fd); // exit() would release it; a main that returns must
            return EXIT_FAILURE;
        }

        // Listen for connections
        try {
            listen(server_fd, 3); // Allow up to 3 queued connections
        } catch (ErrnoException e) {
            perror("Listen failed");
            close(server_fd);
            return EXIT_FAILURE;
        }

        System.out.printf("Server listening on port %d...\n", port);
        System.out.flush(); // the demo and the tests start the client when they see this line

        // Accept incoming connection
        try {
            client_fd = accept(server_fd, client_addr, client_len);
        } catch (ErrnoException e) {
            perror("Accept failed");
            close(server_fd);
            return EXIT_FAILURE;
        }

        System.out.printf("Connection accepted\n");

        // Send message to client
        try {
            send(client_fd, message, strlen(message), 0);
        } catch (ErrnoException ignored) {
            // C ignores send's result
        }

        // Clean up
        close(client_fd);
        close(server_fd);

        return 0;
    }
}
