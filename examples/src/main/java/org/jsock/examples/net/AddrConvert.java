package org.jsock.examples.net;

import org.jsock.net.SockAddr;

/** addr_convert.c (seed 002) on the typed API: addresses parse from text and print back as text. */
public final class AddrConvert {
    private AddrConvert() {}

    public static int main(String[] args) throws Exception {
        SockAddr.Inet4 addr;
        try {
            addr = SockAddr.Inet4.of("127.0.0.1", 8080);
        } catch (IllegalArgumentException e) {
            System.err.printf("bad address\n");
            return 1;
        }
        System.out.printf("Address: %s Port: %d\n", addr.host(), addr.port());

        SockAddr.Inet6 addr6 = SockAddr.Inet6.of("::1", 9090);
        System.out.printf("IPv6 Address: %s Port: %d\n", addr6.host(), addr6.port());
        return 0;
    }
}
