/* udp_echo.c -- send every datagram back to its sender, forever (or MAX_SECONDS).
 * "plain": one recvfrom and one sendto per datagram. "batch": recvmmsg takes up to 64
 * datagrams in one call and sendmmsg sends their echoes in one more. Listens on
 * 127.0.0.1 (a port the kernel picks) and prints "READY udp=P".
 * Usage: udp_echo plain|batch [MAX_SECONDS] */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define BATCH 64
#define MAX_DGRAM 2048

static void plain(int fd)
{
    char buf[MAX_DGRAM];
    struct sockaddr_in from;
    for (;;) {
        socklen_t len = sizeof(from);
        ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("recvfrom");
            return;
        }
        if (sendto(fd, buf, n, 0, (struct sockaddr *)&from, len) < 0 && errno != EAGAIN) perror("sendto");
    }
}

static void batch(int fd)
{
    static char bufs[BATCH][MAX_DGRAM];
    struct sockaddr_in from[BATCH];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    for (;;) {
        memset(msgs, 0, sizeof(msgs));
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = bufs[i];
            iov[i].iov_len = MAX_DGRAM;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
        }
        /* MSG_WAITFORONE: block for the first datagram, then take what else is queued. */
        int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("recvmmsg");
            return;
        }
        for (int i = 0; i < n; i++) iov[i].iov_len = msgs[i].msg_len;
        int sent = 0;
        while (sent < n) {
            int s = sendmmsg(fd, msgs + sent, n - sent, 0);
            if (s < 0) {
                if (errno != EINTR && errno != EAGAIN) perror("sendmmsg");
                break;
            }
            sent += s;
        }
    }
}

int main(int argc, char *argv[])
{
    if (argc < 2) {
        fprintf(stderr, "usage: udp_echo plain|batch [MAX_SECONDS]\n");
        return 2;
    }
    alarm(argc > 2 ? atoi(argv[2]) : 7200);  /* never outlive the harness */

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int size = 4 * 1024 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(0);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        perror("bind");
        close(fd);
        return 1;
    }
    socklen_t len = sizeof(addr);
    getsockname(fd, (struct sockaddr *)&addr, &len);
    printf("READY udp=%d\n", ntohs(addr.sin_port));
    fflush(stdout);

    if (strcmp(argv[1], "batch") == 0) batch(fd);
    else plain(fd);
    close(fd);
    return 1;
}
