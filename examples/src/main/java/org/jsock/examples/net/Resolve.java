package org.jsock.examples.net;

import org.jsock.net.Resolver;
import org.jsock.net.SockAddr;
import org.jsock.sys.GaiException;

/** resolve.c (seed 002) on the typed API: resolve a hostname to IP addresses with getaddrinfo. */
public final class Resolve {
    private Resolve() {}

    public static int main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.printf("usage: %s hostname\n", "resolve");
            return 1;
        }
        try {
            for (Resolver.AddrInfo ai : Resolver.getaddrinfo(args[0], "http", Resolver.Hints.stream())) {
                switch (ai.address()) {
                    case SockAddr.Inet4 v4 -> System.out.printf(" IPv4: %s\n", v4.host());
                    // host() appends %scope to a scoped address; resolve.c prints inet_ntop's text alone.
                    case SockAddr.Inet6 v6 -> System.out.printf(" IPv6: %s\n", new SockAddr.Inet6(v6.address(), 0, 0, 0).host());
                    case SockAddr.Unix _ -> { } // getaddrinfo gives no Unix addresses
                }
            }
        } catch (GaiException e) {
            System.err.printf("getaddrinfo: %s\n", e.text());
            return 1;
        }
        return 0;
    }
}
