/* udp_ping.c -- send "ping" to a UDP server on 127.0.0.1:9000, print the reply.
 * Seed 002's udp_example.rs, written in C. Takes an optional PORT argument. */
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

    struct sockaddr_in local;              /* 0.0.0.0:0 -- OS picks port */
    memset(&local, 0, sizeof(local));
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_ANY);
    local.sin_port = htons(0);

    if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
        perror("bind");
        close(fd);
        return 1;
    }

    struct sockaddr_in dest;
    memset(&dest, 0, sizeof(dest));
    dest.sin_family = AF_INET;
    dest.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &dest.sin_addr);

    const char *msg = "ping";
    if (sendto(fd, msg, strlen(msg), 0,
               (struct sockaddr *)&dest, sizeof(dest)) < 0) {
        perror("sendto");
        close(fd);
        return 1;
    }

    char buf[1024];
    struct sockaddr_in src;
    socklen_t src_len = sizeof(src);
    ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
                         (struct sockaddr *)&src, &src_len);
    if (n < 0) {
        perror("recvfrom");
        close(fd);
        return 1;
    }

    char src_ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &src.sin_addr, src_ip, sizeof(src_ip));
    printf("Got %zd bytes from %s:%d: %.*s\n",
           n, src_ip, ntohs(src.sin_port), (int)n, buf);

    close(fd);
    return 0;
}
