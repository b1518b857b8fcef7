package org.jsock.examples.sys;

import org.jsock.sys.GaiException;
import org.jsock.sys.Struct;
import org.jsock.sys.addrinfo;
import org.jsock.sys.sockaddr_in;
import org.jsock.sys.sockaddr_in6;

import static org.jsock.examples.sys.Stdlib.*;
import static org.jsock.sys.Sys.*;

/** resolve.c (seed 002), line by line: resolve a hostname to IP addresses with getaddrinfo. */
public final class Resolve {
    private Resolve() {}

    public static int main(String[] args) throws Exception {
        String[] argv = argv("resolve", args);
        int argc = argv.length;
        if (argc != 2) {
            System.err.printf("usage: %s hostname\n", argv[0]);
            return 1;
        }

        addrinfo hints = new addrinfo();
        addrinfo[] res = new addrinfo[1];
        addrinfo p;
        memset(hints, 0, hints.sizeof());
        hints.ai_family(AF_UNSPEC);     /* IPv4 or IPv6 */
        hints.ai_socktype(SOCK_STREAM); /* TCP */

        int status;
        try {
            status = getaddrinfo(argv[1], "http", hints, res);
        } catch (GaiException e) {
            status = e.code();
        }
        if (status != 0) {
            System.err.printf("getaddrinfo: %s\n", gai_strerror(status));
            return 1;
        }

        for (p = res[0]; p != null; p = p.ai_next()) {
            String ipstr;
            Struct addr; // void *
            String ipver;

            if (p.ai_family() == AF_INET) {
                sockaddr_in ipv4 = (sockaddr_in) p.ai_addr();
                addr = ipv4.sin_addr();
                ipver = "IPv4";
            } else {
                sockaddr_in6 ipv6 = (sockaddr_in6) p.ai_addr();
                addr = ipv6.sin6_addr();
                ipver = "IPv6";
            }

            ipstr = inet_ntop(p.ai_family(), addr);
            System.out.printf(" %s: %s\n", ipver, ipstr);
        }

        freeaddrinfo(res[0]);
        return 0;
    }
}
