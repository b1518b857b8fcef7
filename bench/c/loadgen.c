/* loadgen.c -- the one load generator, used against every server in the benchmark.
 * Talks to 127.0.0.1 only. Prints one line "RESULT key=value ..." on stdout.
 *
 *   loadgen pingpong PORT SIZE COUNT WARMUP FILE    round trips, one at a time; the
 *                                                   COUNT latencies (ns, int64) go to FILE
 *   loadgen echo PORT CONNS SIZE DEPTH SECONDS      CONNS connections, DEPTH messages in
 *                                                   flight on each; responses per second
 *   loadgen bulk PORT SECONDS WRITESIZE             one connection, writes to a discard port
 *   loadgen connrate PORT SECONDS CONC SIZE         connect, one exchange, close; CONC at once
 *   loadgen udp PORT SIZE WINDOW SECONDS            WINDOW datagrams in flight to an echo
 *   loadgen idle PORT N SIZE                        N connections, one exchange each, then held
 *                                                   until a line (or EOF) arrives on stdin
 *   loadgen tls-bulk PORT SECONDS WRITESIZE         as bulk, over TLS (OpenSSL)
 *   loadgen tls-hs PORT SECONDS                     full TLS handshakes, one after another
 *
 * Each mode measures after a warm-up of a fifth of its time (at most 1 s), and a hard
 * alarm ends the process if anything hangs. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/err.h>

#define MAX_EVENTS 512
#define MAX_DEPTH 64
#define MAX_SIZE (64 * 1024)
#define TLS_SUITE "TLS_AES_128_GCM_SHA256"
#define SOURCES 16                  /* connrate: 127.0.0.2 .. 127.0.0.17, each its own ports */

static int port;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double warmup_of(double seconds)
{
    double w = seconds / 5;
    return w > 1 ? 1 : w;
}

static void server_addr(struct sockaddr_in *addr)
{
    memset(addr, 0, sizeof(*addr));
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr->sin_port = htons(port);
}

/* A blocking TCP connection to the server, TCP_NODELAY on. */
static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) { perror("socket"); exit(1); }
    struct sockaddr_in addr;
    server_addr(&addr);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) { perror("connect"); exit(1); }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

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

static int read_full(int fd, char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= r;
    }
    return 0;
}

/* ---- pingpong ------------------------------------------------------------------------ */

static int pingpong(int size, long count, long warmup, const char *file)
{
    char buf[MAX_SIZE];
    memset(buf, 'p', sizeof(buf));
    long long *lat = malloc(sizeof(long long) * count);
    if (lat == NULL) { perror("malloc"); return 1; }
    int fd = dial();
    for (long i = 0; i < warmup + count; i++) {
        long long t0 = now_ns();
        if (write_all(fd, buf, size) < 0 || read_full(fd, buf, size) < 0) {
            fprintf(stderr, "pingpong: connection lost after %ld round trips\n", i);
            return 1;
        }
        if (i >= warmup) lat[i - warmup] = now_ns() - t0;
    }
    close(fd);
    long long sum = 0;
    for (long i = 0; i < count; i++) sum += lat[i];
    FILE *f = fopen(file, "wb");
    if (f == NULL) { perror(file); return 1; }
    fwrite(lat, sizeof(long long), count, f);
    fclose(f);
    printf("RESULT count=%ld mean_ns=%.0f\n", count, (double)sum / count);
    return 0;
}

/* ---- echo ---------------------------------------------------------------------------- */

struct econn {
    int fd;
    size_t rx_partial;              /* bytes of the next response already read */
    size_t tx_pending;              /* request bytes not yet written */
    int want_out;
};

static char sendbuf[MAX_DEPTH * MAX_SIZE];

static int echo_flush(int ep, struct econn *c)
{
    while (c->tx_pending > 0) {
        ssize_t w = write(c->fd, sendbuf, c->tx_pending);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) return -1;
            if (!c->want_out) {
                struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                c->want_out = 1;
            }
            return 0;
        }
        c->tx_pending -= w;
    }
    if (c->want_out) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->want_out = 0;
    }
    return 0;
}

static int echo(int conns, int size, int depth, double seconds)
{
    if (depth > MAX_DEPTH || size > MAX_SIZE) { fprintf(stderr, "echo: depth or size too large\n"); return 2; }
    memset(sendbuf, 'e', sizeof(sendbuf));
    static char rbuf[256 * 1024];
    struct econn *cs = calloc(conns, sizeof(*cs));
    int ep = epoll_create1(0);
    for (int i = 0; i < conns; i++) {
        cs[i].fd = dial();
        fcntl(cs[i].fd, F_SETFL, O_NONBLOCK);
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cs[i] };
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
    }
    for (int i = 0; i < conns; i++) {
        cs[i].tx_pending = (size_t)size * depth;
        if (echo_flush(ep, &cs[i]) < 0) { perror("write"); return 1; }
    }
    double start = now(), measure_from = start + warmup_of(seconds), end = start + warmup_of(seconds) + seconds;
    long done = 0, errors = 0;
    struct epoll_event events[MAX_EVENTS];
    int measuring = 0;
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) { measuring = 1; done = 0; measure_from = t; }
        if (t >= end) break;
        int n = epoll_wait(ep, events, MAX_EVENTS, 10);
        for (int i = 0; i < n; i++) {
            struct econn *c = events[i].data.ptr;
            if (c->fd < 0) continue;
            if (events[i].events & EPOLLOUT) {
                if (echo_flush(ep, c) < 0) { close(c->fd); c->fd = -1; errors++; continue; }
            }
            if (!(events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
            ssize_t r = read(c->fd, rbuf, sizeof(rbuf));
            if (r < 0 && errno == EAGAIN) continue;
            if (r <= 0) { close(c->fd); c->fd = -1; errors++; continue; }
            c->rx_partial += r;
            size_t responses = c->rx_partial / size;
            c->rx_partial %= size;
            done += responses;
            c->tx_pending += responses * size;
            if (echo_flush(ep, c) < 0) { close(c->fd); c->fd = -1; errors++; }
        }
    }
    double elapsed = now() - measure_from;
    for (int i = 0; i < conns; i++) if (cs[i].fd >= 0) close(cs[i].fd);
    printf("RESULT responses=%ld seconds=%.3f rps=%.0f errors=%ld\n", done, elapsed, done / elapsed, errors);
    return errors > 0 ? 1 : 0;
}

/* ---- bulk ---------------------------------------------------------------------------- */

static int bulk(double seconds, int wsize)
{
    static char buf[1024 * 1024];
    if (wsize > (int)sizeof(buf)) { fprintf(stderr, "bulk: write size too large\n"); return 2; }
    memset(buf, 'b', sizeof(buf));
    int fd = dial();
    double start = now(), measure_from = start + warmup_of(seconds), end = measure_from + seconds;
    long long bytes = 0;
    int measuring = 0;
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) { measuring = 1; bytes = 0; measure_from = t; }
        if (t >= end) break;
        ssize_t w = write(fd, buf, wsize);
        if (w < 0) {
            if (errno == EINTR) continue;
            perror("write");
            return 1;
        }
        bytes += w;
    }
    double elapsed = now() - measure_from;
    close(fd);
    printf("RESULT bytes=%lld seconds=%.3f gbytes_per_s=%.3f gbits_per_s=%.3f\n",
           bytes, elapsed, bytes / elapsed / 1e9, bytes * 8 / elapsed / 1e9);
    return 0;
}

/* ---- connrate ------------------------------------------------------------------------ */

struct cconn {
    int fd;
    int state;                      /* 0 connecting, 1 reading the echo */
    int got;
};

static long cr_started;

static int cr_start(int ep, struct cconn *c)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) { perror("socket"); return -1; }
    /* Spread over source addresses, each with its own ports, so TIME_WAIT cannot run them out. */
    int one = 1;
    setsockopt(fd, SOL_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    struct sockaddr_in src;
    memset(&src, 0, sizeof(src));
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + (cr_started++ % SOURCES));
    if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) { perror("bind"); close(fd); return -1; }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct sockaddr_in addr;
    server_addr(&addr);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno != EINPROGRESS) {
        perror("connect");
        close(fd);
        return -1;
    }
    c->fd = fd;
    c->state = 0;
    c->got = 0;
    struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    return 0;
}

static int connrate(double seconds, int conc, int size)
{
    char buf[MAX_SIZE];
    memset(buf, 'c', sizeof(buf));
    struct cconn *cs = calloc(conc, sizeof(*cs));
    int ep = epoll_create1(0);
    for (int i = 0; i < conc; i++) if (cr_start(ep, &cs[i]) < 0) return 1;
    double start = now(), measure_from = start + warmup_of(seconds), end = measure_from + seconds;
    long done = 0, errors = 0;
    int measuring = 0;
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) { measuring = 1; done = 0; errors = 0; measure_from = t; }
        if (t >= end) break;
        int n = epoll_wait(ep, events, MAX_EVENTS, 10);
        for (int i = 0; i < n; i++) {
            struct cconn *c = events[i].data.ptr;
            int failed = 0, finished = 0;
            if (c->state == 0) {
                int err = 0;
                socklen_t len = sizeof(err);
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err != 0 || write(c->fd, buf, size) != size) failed = 1;
                else {
                    c->state = 1;
                    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                }
            } else {
                ssize_t r = read(c->fd, buf, size - c->got);
                if (r < 0 && errno == EAGAIN) continue;
                if (r <= 0) failed = 1;
                else if ((c->got += r) == size) finished = 1;
            }
            if (failed || finished) {
                close(c->fd);       /* the close is part of what is measured */
                if (failed) errors++;
                else done++;
                if (cr_start(ep, c) < 0) return 1;
            }
        }
    }
    double elapsed = now() - measure_from;
    for (int i = 0; i < conc; i++) close(cs[i].fd);
    printf("RESULT connections=%ld seconds=%.3f per_s=%.0f errors=%ld\n", done, elapsed, done / elapsed, errors);
    return 0;
}

/* ---- udp ----------------------------------------------------------------------------- */

static int udp(int size, int window, double seconds)
{
    enum { BATCH = 64 };
    static char bufs[BATCH][2048];
    if (size > 2048 || window > 4096) { fprintf(stderr, "udp: size or window too large\n"); return 2; }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int rcv = 4 * 1024 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
    struct sockaddr_in addr;
    server_addr(&addr);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) { perror("connect"); return 1; }

    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < BATCH; i++) {
        memset(bufs[i], 'u', size);
        iov[i].iov_base = bufs[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    /* The client batches its own calls, so that it is not what limits the servers. */
#define SEND(k) do { \
        int left_ = (k); \
        while (left_ > 0) { \
            int m_ = left_ > BATCH ? BATCH : left_; \
            for (int j_ = 0; j_ < m_; j_++) iov[j_].iov_len = size; \
            int s_ = sendmmsg(fd, msgs, m_, 0); \
            if (s_ <= 0) break; \
            left_ -= s_; \
        } \
    } while (0)

    SEND(window);
    double start = now(), measure_from = start + warmup_of(seconds), end = measure_from + seconds;
    long received = 0, refills = 0;
    int measuring = 0;
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) { measuring = 1; received = 0; refills = 0; measure_from = t; }
        if (t >= end) break;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 20) == 0) {
            SEND(window);           /* all in flight were lost: fill the window again */
            refills++;
            continue;
        }
        for (int i = 0; i < BATCH; i++) iov[i].iov_len = 2048;
        int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) continue;
        received += n;
        SEND(n);
    }
    double elapsed = now() - measure_from;
    close(fd);
    printf("RESULT datagrams=%ld seconds=%.3f pps=%.0f refills=%ld\n", received, elapsed, received / elapsed, refills);
    return 0;
}

/* ---- idle ---------------------------------------------------------------------------- */

static int idle(int n, int size)
{
    char buf[MAX_SIZE];
    memset(buf, 'i', sizeof(buf));
    int *fds = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) {
        fds[i] = dial();
        if (write_all(fds[i], buf, size) < 0 || read_full(fds[i], buf, size) < 0) {
            fprintf(stderr, "idle: exchange %d failed\n", i);
            return 1;
        }
    }
    printf("READY n=%d\n", n);
    fflush(stdout);
    char line[64];
    if (fgets(line, sizeof(line), stdin) == NULL) { /* EOF: close as well */ }
    for (int i = 0; i < n; i++) close(fds[i]);
    printf("RESULT connections=%d\n", n);
    return 0;
}

/* ---- TLS ----------------------------------------------------------------------------- */

/* A client that does not check the certificate: loopback, our own throwaway key. */
static SSL_CTX *tls_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) { ERR_print_errors_fp(stderr); exit(1); }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    /* One suite for every server: their defaults differ (Netty's prefers AES-128). */
    if (SSL_CTX_set_ciphersuites(ctx, TLS_SUITE) != 1) { ERR_print_errors_fp(stderr); exit(1); }
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return ctx;
}

static SSL *tls_dial(SSL_CTX *ctx, int *fdp)
{
    int fd = dial();
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_connect(ssl) != 1) {
        ERR_print_errors_fp(stderr);
        SSL_free(ssl);
        close(fd);
        return NULL;
    }
    *fdp = fd;
    return ssl;
}

static int tls_bulk(double seconds, int wsize)
{
    static char buf[1024 * 1024];
    if (wsize > (int)sizeof(buf)) { fprintf(stderr, "tls-bulk: write size too large\n"); return 2; }
    memset(buf, 't', sizeof(buf));
    SSL_CTX *ctx = tls_ctx();
    int fd;
    SSL *ssl = tls_dial(ctx, &fd);
    if (ssl == NULL) return 1;
    double start = now(), measure_from = start + warmup_of(seconds), end = measure_from + seconds;
    long long bytes = 0;
    int measuring = 0;
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) { measuring = 1; bytes = 0; measure_from = t; }
        if (t >= end) break;
        int w = SSL_write(ssl, buf, wsize);
        if (w <= 0) { ERR_print_errors_fp(stderr); return 1; }
        bytes += w;
    }
    double elapsed = now() - measure_from;
    printf("RESULT bytes=%lld seconds=%.3f gbytes_per_s=%.3f gbits_per_s=%.3f protocol=%s cipher=%s\n",
           bytes, elapsed, bytes / elapsed / 1e9, bytes * 8 / elapsed / 1e9,
           SSL_get_version(ssl), SSL_get_cipher_name(ssl));
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    return 0;
}

static int tls_hs(double seconds)
{
    SSL_CTX *ctx = tls_ctx();
    double start = now(), measure_from = start + warmup_of(seconds), end = measure_from + seconds;
    long done = 0, errors = 0;
    int measuring = 0;
    char version[32] = "?", cipher[64] = "?";
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) { measuring = 1; done = 0; errors = 0; measure_from = t; }
        if (t >= end) break;
        int fd;
        SSL *ssl = tls_dial(ctx, &fd);
        if (ssl == NULL) { errors++; continue; }
        snprintf(version, sizeof(version), "%s", SSL_get_version(ssl));
        snprintf(cipher, sizeof(cipher), "%s", SSL_get_cipher_name(ssl));
        SSL_shutdown(ssl);          /* our close_notify */
        SSL_free(ssl);
        close(fd);
        done++;
    }
    double elapsed = now() - measure_from;
    printf("RESULT handshakes=%ld seconds=%.3f per_s=%.1f errors=%ld protocol=%s cipher=%s\n",
           done, elapsed, done / elapsed, errors, version, cipher);
    return 0;
}

/* ---- main ---------------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: loadgen pingpong|echo|bulk|connrate|udp|idle|tls-bulk|tls-hs PORT ...\n");
    exit(2);
}

int main(int argc, char *argv[])
{
    if (argc < 3) usage();
    const char *mode = argv[1];
    port = atoi(argv[2]);
    signal(SIGPIPE, SIG_IGN);

    if (strcmp(mode, "pingpong") == 0 && argc == 7) {
        alarm(600);
        return pingpong(atoi(argv[3]), atol(argv[4]), atol(argv[5]), argv[6]);
    }
    if (strcmp(mode, "echo") == 0 && argc == 7) {
        alarm((int)(atof(argv[6]) * 2) + 60);
        return echo(atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atof(argv[6]));
    }
    if (strcmp(mode, "bulk") == 0 && argc == 5) {
        alarm((int)(atof(argv[3]) * 2) + 60);
        return bulk(atof(argv[3]), atoi(argv[4]));
    }
    if (strcmp(mode, "connrate") == 0 && argc == 6) {
        alarm((int)(atof(argv[3]) * 2) + 60);
        return connrate(atof(argv[3]), atoi(argv[4]), atoi(argv[5]));
    }
    if (strcmp(mode, "udp") == 0 && argc == 6) {
        alarm((int)(atof(argv[5]) * 2) + 60);
        return udp(atoi(argv[3]), atoi(argv[4]), atof(argv[5]));
    }
    if (strcmp(mode, "idle") == 0 && argc == 5) {
        alarm(900);
        return idle(atoi(argv[3]), atoi(argv[4]));
    }
    if (strcmp(mode, "tls-bulk") == 0 && argc == 5) {
        alarm((int)(atof(argv[3]) * 2) + 60);
        return tls_bulk(atof(argv[3]), atoi(argv[4]));
    }
    if (strcmp(mode, "tls-hs") == 0 && argc == 4) {
        alarm((int)(atof(argv[3]) * 2) + 60);
        return tls_hs(atof(argv[3]));
    }
    usage();
    return 2;
}
