/* echo_epoll.c -- one thread, one epoll set: echo on one port, discard on the next.
 * The C reference for the event-loop servers. Listens on 127.0.0.1 (ports the kernel
 * picks), prints "READY echo=P discard=Q", and serves until killed or MAX_SECONDS pass.
 * Usage: echo_epoll [MAX_SECONDS] [nagle]   ("nagle" leaves TCP_NODELAY off) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#define MAX_EVENTS 256
#define READS_PER_EVENT 16          /* as jsock's loop: then let other fds have a turn */
#define ACCEPT_BATCH 64

struct conn {
    int fd;
    int listener;                   /* 1: a listening socket */
    int discard;                    /* 1: read and drop; 0: echo */
    char *pending;                  /* echo bytes the socket did not take yet */
    size_t pend_off, pend_len;
};

static int nodelay = 1;
static char buf[64 * 1024];

static int listen_on(int backlog)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) { perror("socket"); exit(1); }
    int opt = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof(opt));

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(0);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) { perror("bind"); exit(1); }
    if (listen(fd, backlog) < 0) { perror("listen"); exit(1); }
    return fd;
}

static int port_of(int fd)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    getsockname(fd, (struct sockaddr *)&addr, &len);
    return ntohs(addr.sin_port);
}

static void drop(int ep, struct conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->pending);
    free(c);
}

static void set_events(int ep, struct conn *c, unsigned events)
{
    struct epoll_event ev = { .events = events, .data.ptr = c };
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) perror("epoll_ctl MOD");
}

static void accept_batch(int ep, struct conn *l)
{
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno != EAGAIN && errno != ECONNABORTED) perror("accept4");
            return;
        }
        int one = 1;
        if (nodelay) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct conn *c = calloc(1, sizeof(*c));
        if (c == NULL) { close(fd); return; }
        c->fd = fd;
        c->discard = l->discard;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
            perror("epoll_ctl ADD");
            close(fd);
            free(c);
        }
    }
}

/* Writes what is pending; returns 0 when all of it is gone, 1 while some is left, -1 on error. */
static int flush(struct conn *c)
{
    while (c->pend_off < c->pend_len) {
        ssize_t n = write(c->fd, c->pending + c->pend_off, c->pend_len - c->pend_off);
        if (n < 0) return errno == EAGAIN ? 1 : -1;
        c->pend_off += n;
    }
    c->pend_off = c->pend_len = 0;
    return 0;
}

static void on_readable(int ep, struct conn *c)
{
    for (int i = 0; i < READS_PER_EVENT; i++) {
        ssize_t n = read(c->fd, buf, sizeof(buf));
        if (n == 0) { drop(ep, c); return; }
        if (n < 0) {
            if (errno == EAGAIN) return;
            drop(ep, c);
            return;
        }
        if (!c->discard) {
            ssize_t w = write(c->fd, buf, n);
            if (w < 0 && errno != EAGAIN) { drop(ep, c); return; }
            if (w < 0) w = 0;
            if (w < n) {
                /* The socket is full: keep the rest, stop reading until it drains. */
                char *p = realloc(c->pending, n - w);
                if (p == NULL) { drop(ep, c); return; }
                c->pending = p;
                memcpy(c->pending, buf + w, n - w);
                c->pend_off = 0;
                c->pend_len = n - w;
                set_events(ep, c, EPOLLOUT);
                return;
            }
        }
        if ((size_t)n < sizeof(buf)) return;
    }
}

int main(int argc, char *argv[])
{
    int max_seconds = argc > 1 ? atoi(argv[1]) : 7200;
    if (argc > 2 && strcmp(argv[2], "nagle") == 0) nodelay = 0;
    alarm(max_seconds);                      /* never outlive the harness */

    int ep = epoll_create1(0);
    if (ep < 0) { perror("epoll_create1"); return 1; }

    struct conn *echo = calloc(1, sizeof(*echo));
    struct conn *disc = calloc(1, sizeof(*disc));
    echo->fd = listen_on(4096);
    echo->listener = 1;
    disc->fd = listen_on(4096);
    disc->listener = 1;
    disc->discard = 1;
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = echo };
    epoll_ctl(ep, EPOLL_CTL_ADD, echo->fd, &ev);
    ev.data.ptr = disc;
    epoll_ctl(ep, EPOLL_CTL_ADD, disc->fd, &ev);

    printf("READY echo=%d discard=%d\n", port_of(echo->fd), port_of(disc->fd));
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c->listener) { accept_batch(ep, c); continue; }
            if (events[i].events & EPOLLOUT) {
                int r = flush(c);
                if (r < 0) { drop(ep, c); continue; }
                if (r == 0) set_events(ep, c, EPOLLIN);
                continue;
            }
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(ep, c);
        }
    }
}
