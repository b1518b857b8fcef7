package org.jsock.testing;

import java.util.Map;

/**
 * What gcc says about the socket structs: each one filled with known values and printed as hex bytes,
 * with its sizeof and the offsetof of each field. Keys are {@code bytes.NAME}, {@code sizeof.NAME},
 * {@code offsetof.NAME.FIELD} and {@code macro.EXPR}; see the C source for the values used.
 */
public final class CStructs {
    private CStructs() {}

    private static volatile Map<String, String> cached;

    /** The Unix socket path and abstract name the C program encodes. */
    public static final String UNIX_PATH = "/tmp/jsock-test.sock";
    public static final String UNIX_ABSTRACT = "jsock-abstract";

    static final String SOURCE = """
            #include <sys/socket.h>
            #include <sys/un.h>
            #include <sys/uio.h>
            #include <sys/time.h>
            #include <netinet/in.h>
            #include <arpa/inet.h>
            #include <netdb.h>
            #include <poll.h>
            #include <sys/epoll.h>
            #include <time.h>
            #include <stddef.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <string.h>

            static void dump(const char *name, const void *p, size_t n) {
                const unsigned char *b = p;
                printf("bytes.%s ", name);
                for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
                printf("\\n");
            }
            #define SIZE(T) printf("sizeof.%s %zu\\n", #T, sizeof(struct T))
            #define OFF(T, F) printf("offsetof.%s.%s %zu\\n", #T, #F, offsetof(struct T, F))
            #define MACRO(E) printf("macro.%s %zu\\n", #E, (size_t) (E))

            int main(void) {
                struct sockaddr_in sin;
                memset(&sin, 0, sizeof sin);
                sin.sin_family = AF_INET;
                sin.sin_port = htons(8080);
                inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
                dump("sockaddr_in", &sin, sizeof sin);

                struct sockaddr_in6 sin6;
                memset(&sin6, 0, sizeof sin6);
                sin6.sin6_family = AF_INET6;
                sin6.sin6_port = htons(8080);
                sin6.sin6_flowinfo = htonl(0x12345);
                inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
                sin6.sin6_scope_id = 7;
                dump("sockaddr_in6", &sin6, sizeof sin6);

                struct sockaddr_un sun;
                memset(&sun, 0, sizeof sun);
                sun.sun_family = AF_UNIX;
                strcpy(sun.sun_path, "/tmp/jsock-test.sock");
                dump("sockaddr_un_path", &sun, sizeof sun);
                printf("len.sockaddr_un_path %zu\\n", offsetof(struct sockaddr_un, sun_path) + strlen(sun.sun_path) + 1);

                memset(&sun, 0, sizeof sun);
                sun.sun_family = AF_UNIX;
                memcpy(sun.sun_path + 1, "jsock-abstract", 14);
                dump("sockaddr_un_abstract", &sun, sizeof sun);
                printf("len.sockaddr_un_abstract %zu\\n", offsetof(struct sockaddr_un, sun_path) + 1 + 14);

                // Each struct is zeroed first, so padding bytes compare as 0 rather than as stack garbage.
                struct linger lg; memset(&lg, 0, sizeof lg); lg.l_onoff = 1; lg.l_linger = 30;
                dump("linger", &lg, sizeof lg);

                struct timeval tv; memset(&tv, 0, sizeof tv); tv.tv_sec = 5; tv.tv_usec = 250000;
                dump("timeval", &tv, sizeof tv);

                struct addrinfo hints;
                memset(&hints, 0, sizeof hints);
                hints.ai_flags = AI_PASSIVE | AI_CANONNAME;
                hints.ai_family = AF_INET6;
                hints.ai_socktype = SOCK_STREAM;
                hints.ai_protocol = IPPROTO_TCP;
                dump("addrinfo", &hints, sizeof hints);

                struct pollfd pfd; memset(&pfd, 0, sizeof pfd);
                pfd.fd = 0x11223344; pfd.events = POLLIN | POLLPRI | POLLOUT; pfd.revents = POLLERR | POLLHUP;
                dump("pollfd", &pfd, sizeof pfd);

                struct iovec iov; memset(&iov, 0, sizeof iov);
                iov.iov_base = (void *) 0x1122334455667788ULL; iov.iov_len = 0x0102030405060708ULL;
                dump("iovec", &iov, sizeof iov);

                struct msghdr msg; memset(&msg, 0, sizeof msg);
                msg.msg_name = (void *) 0x1111111111111111ULL; msg.msg_namelen = 0x22222222;
                msg.msg_iov = (void *) 0x3333333333333333ULL; msg.msg_iovlen = 0x44;
                msg.msg_control = (void *) 0x5555555555555555ULL; msg.msg_controllen = 0x66;
                msg.msg_flags = 0x7777;
                dump("msghdr", &msg, sizeof msg);

                struct mmsghdr mm; memset(&mm, 0, sizeof mm);
                mm.msg_hdr = msg; mm.msg_len = 0x88888888u;
                dump("mmsghdr", &mm, sizeof mm);

                struct cmsghdr cm; memset(&cm, 0, sizeof cm);
                cm.cmsg_len = CMSG_LEN(sizeof(int)); cm.cmsg_level = SOL_SOCKET; cm.cmsg_type = SCM_RIGHTS;
                dump("cmsghdr", &cm, sizeof cm);

                struct in_addr ia;
                inet_pton(AF_INET, "192.0.2.33", &ia);
                dump("in_addr", &ia, sizeof ia);
                struct in6_addr i6;
                inet_pton(AF_INET6, "2001:db8::1:2", &i6);
                dump("in6_addr", &i6, sizeof i6);

                struct epoll_event ev; memset(&ev, 0, sizeof ev); ev.events = EPOLLIN | EPOLLET; ev.data.u64 = 0x1122334455667788ULL;
                dump("epoll_event", &ev, sizeof ev);
                struct timespec ts; memset(&ts, 0, sizeof ts); ts.tv_sec = 5; ts.tv_nsec = 250000000;
                dump("timespec", &ts, sizeof ts);
                struct itimerspec its; memset(&its, 0, sizeof its);
                its.it_interval.tv_sec = 1; its.it_interval.tv_nsec = 2; its.it_value.tv_sec = 3; its.it_value.tv_nsec = 4;
                dump("itimerspec", &its, sizeof its);

                SIZE(epoll_event); SIZE(timespec); SIZE(itimerspec);
                OFF(epoll_event, events); OFF(epoll_event, data);
                OFF(timespec, tv_sec); OFF(timespec, tv_nsec);
                OFF(itimerspec, it_interval); OFF(itimerspec, it_value);
                SIZE(sockaddr); SIZE(sockaddr_in); SIZE(sockaddr_in6); SIZE(sockaddr_un); SIZE(sockaddr_storage);
                SIZE(in_addr); SIZE(in6_addr); SIZE(linger); SIZE(timeval); SIZE(addrinfo); SIZE(pollfd);
                SIZE(iovec); SIZE(msghdr); SIZE(mmsghdr); SIZE(cmsghdr);

                OFF(sockaddr, sa_family);
                OFF(sockaddr_in, sin_family); OFF(sockaddr_in, sin_port); OFF(sockaddr_in, sin_addr);
                OFF(sockaddr_in6, sin6_family); OFF(sockaddr_in6, sin6_port); OFF(sockaddr_in6, sin6_flowinfo);
                OFF(sockaddr_in6, sin6_addr); OFF(sockaddr_in6, sin6_scope_id);
                OFF(sockaddr_un, sun_family); OFF(sockaddr_un, sun_path);
                OFF(sockaddr_storage, ss_family);
                OFF(in_addr, s_addr);
                OFF(linger, l_onoff); OFF(linger, l_linger);
                OFF(timeval, tv_sec); OFF(timeval, tv_usec);
                OFF(addrinfo, ai_flags); OFF(addrinfo, ai_family); OFF(addrinfo, ai_socktype); OFF(addrinfo, ai_protocol);
                OFF(addrinfo, ai_addrlen); OFF(addrinfo, ai_addr); OFF(addrinfo, ai_canonname); OFF(addrinfo, ai_next);
                OFF(pollfd, fd); OFF(pollfd, events); OFF(pollfd, revents);
                OFF(iovec, iov_base); OFF(iovec, iov_len);
                OFF(msghdr, msg_name); OFF(msghdr, msg_namelen); OFF(msghdr, msg_iov); OFF(msghdr, msg_iovlen);
                OFF(msghdr, msg_control); OFF(msghdr, msg_controllen); OFF(msghdr, msg_flags);
                OFF(mmsghdr, msg_hdr); OFF(mmsghdr, msg_len);
                OFF(cmsghdr, cmsg_len); OFF(cmsghdr, cmsg_level); OFF(cmsghdr, cmsg_type);

                MACRO(CMSG_ALIGN(1)); MACRO(CMSG_ALIGN(13)); MACRO(CMSG_ALIGN(16));
                MACRO(CMSG_LEN(4)); MACRO(CMSG_LEN(12)); MACRO(CMSG_SPACE(4)); MACRO(CMSG_SPACE(12)); MACRO(CMSG_SPACE(24));
                printf("macro.sun_path_size %zu\\n", sizeof(((struct sockaddr_un *) 0)->sun_path));
                return 0;
            }
            """;

    /** gcc's answers, computed once per test JVM. */
    public static Map<String, String> layout() throws Exception {
        Map<String, String> m = cached;
        if (m == null) {
            m = CProgram.lines(CProgram.run("structs", SOURCE));
            cached = m;
        }
        return m;
    }

    /** The bytes gcc gave struct {@code name}. */
    public static byte[] bytes(String name) throws Exception {
        String hex = layout().get("bytes." + name);
        if (hex == null) throw new AssertionError("the C program printed no bytes for " + name);
        return CProgram.hex(hex);
    }

    public static int number(String key) throws Exception {
        String v = layout().get(key);
        if (v == null) throw new AssertionError("the C program printed no " + key);
        return Integer.parseInt(v);
    }
}
