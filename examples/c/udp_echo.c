/* udp_echo.c -- receive one datagram on port 9000, send it back, exit.
 * The server udp_ping talks to. Takes an optional PORT argument. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

int main(int argc, char *argv[])
{
    int port = argc > 1 ? atoi(argv[1]) : 9000;

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(port);

    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        perror("bind");
        close(fd);
        return 1;
    }
    printf("UDP echo listening on port %d...\n", port);

    char buf[1024];
    struct sockaddr_in client_addr;
    socklen_t client_len = sizeof(client_addr);
    ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
                         (struct sockaddr *)&client_addr, &client_len);
    if (n < 0) {
        perror("recvfrom");
        close(fd);
        return 1;
    }

    if (sendto(fd, buf, n, 0, (struct sockaddr *)&client_addr, client_len) < 0) {
        perror("sendto");
        close(fd);
        return 1;
    }

    char client_ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &client_addr.sin_addr, client_ip, sizeof(client_ip));
    printf("Echoed %zd bytes to %s:%d\n", n, client_ip, ntohs(client_addr.sin_port));

    close(fd);
    return 0;
}
