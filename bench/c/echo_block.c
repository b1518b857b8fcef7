/* echo_block.c -- blocking sockets, a thread per connection: echo on one port, discard
 * on the next. The C reference for the thread-per-connection servers. Listens on
 * 127.0.0.1 (ports the kernel picks), prints "READY echo=P discard=Q", and serves until
 * killed or MAX_SECONDS pass. Usage: echo_block [MAX_SECONDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#define STACK_SIZE (256 * 1024)     /* 10,000 idle threads must fit; 16 KiB buffer each */

struct job {
    int fd;
    int discard;
};

static pthread_attr_t attr;

static int listen_on(int backlog)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
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

/* Writes all n bytes, looping over partial writes. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= w;
    }
    return 0;
}

static void *serve(void *arg)
{
    struct job *j = arg;
    char buf[16 * 1024];
    for (;;) {
        ssize_t n = read(j->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (!j->discard && write_all(j->fd, buf, n) < 0) break;
    }
    close(j->fd);
    free(j);
    return NULL;
}

static void *acceptor(void *arg)
{
    struct job *l = arg;
    for (;;) {
        int fd = accept(l->fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            perror("accept");
            sleep(1);               /* EMFILE: do not spin */
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct job *j = malloc(sizeof(*j));
        if (j == NULL) { close(fd); continue; }
        j->fd = fd;
        j->discard = l->discard;
        pthread_t t;
        if (pthread_create(&t, &attr, serve, j) != 0) {
            perror("pthread_create");
            close(fd);
            free(j);
        }
    }
    return NULL;
}

int main(int argc, char *argv[])
{
    int max_seconds = argc > 1 ? atoi(argv[1]) : 7200;
    alarm(max_seconds);                      /* never outlive the harness */

    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, STACK_SIZE);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);

    struct job echo = { listen_on(4096), 0 };
    struct job disc = { listen_on(4096), 1 };
    printf("READY echo=%d discard=%d\n", port_of(echo.fd), port_of(disc.fd));
    fflush(stdout);

    pthread_t t;
    pthread_create(&t, &attr, acceptor, &disc);
    acceptor(&echo);
    return 0;
}
