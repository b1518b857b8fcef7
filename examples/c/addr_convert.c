/* addr_convert.c -- convert addresses between text and binary */
#include <stdio.h>
#include <arpa/inet.h>

int main(void)
{
    struct sockaddr_in addr;
    addr.sin_family = AF_INET;
    addr.sin_port = htons(8080);   /* host-to-network byte order */

    if (inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr) != 1) {
        fprintf(stderr, "bad address\n");
        return 1;
    }

    /* Convert back to string */
    char buf[INET_ADDRSTRLEN];
    const char *result = inet_ntop(AF_INET, &addr.sin_addr,
                                   buf, sizeof(buf));
    if (!result) {
        perror("inet_ntop");
        return 1;
    }
    printf("Address: %s Port: %d\n", buf, ntohs(addr.sin_port));

    /* IPv6 example */
    struct sockaddr_in6 addr6;
    addr6.sin6_family = AF_INET6;
    addr6.sin6_port = htons(9090);
    inet_pton(AF_INET6, "::1", &addr6.sin6_addr);

    char buf6[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &addr6.sin6_addr, buf6, sizeof(buf6));
    printf("IPv6 Address: %s Port: %d\n", buf6, ntohs(addr6.sin6_port));

    return 0;
}
