package org.jsock.examples.sys;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.sockaddr_in;
import org.jsock.sys.sockaddr_in6;

import static org.jsock.sys.Sys.*;

/** addr_convert.c (seed 002), line by line: addresses from text to binary and back. */
public final class AddrConvert {
    private AddrConvert() {}

    public static int main(String[] args) throws Exception {
        sockaddr_in addr = new sockaddr_in();
        addr.sin_family(AF_INET);
        addr.sin_port(htons(8080));   /* host-to-network byte order */

        if (inet_pton(AF_INET, "127.0.0.1", addr.sin_addr()) != 1) {
            System.err.printf("bad address\n");
            return 1;
        }

        /* Convert back to string */
        String buf; // char buf[INET_ADDRSTRLEN]: inet_ntop returns the text
        try {
            buf = inet_ntop(AF_INET, addr.sin_addr());
        } catch (ErrnoException e) {
            perror("inet_ntop");
            return 1;
        }
        System.out.printf("Address: %s Port: %d\n", buf, ntohs(addr.sin_port()));

        /* IPv6 example */
        sockaddr_in6 addr6 = new sockaddr_in6();
        addr6.sin6_family(AF_INET6);
        addr6.sin6_port(htons(9090));
        inet_pton(AF_INET6, "::1", addr6.sin6_addr());

        String buf6 = inet_ntop(AF_INET6, addr6.sin6_addr());
        System.out.printf("IPv6 Address: %s Port: %d\n", buf6, ntohs(addr6.sin6_port()));

        return 0;
    }
}
