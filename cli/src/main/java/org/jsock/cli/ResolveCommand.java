package org.jsock.cli;

import org.jsock.net.Family;
import org.jsock.net.Resolver;
import org.jsock.net.SockAddr;
import org.jsock.net.SockType;
import org.jsock.sys.GaiException;
import org.jsock.sys.Sys;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "resolve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Resolve a host name (getaddrinfo), or an address (getnameinfo).",
                "",
                "Resolve a host name with getaddrinfo(3), as seed 002's resolve.c does, and print one line",
                "per address: ' IPv4: 127.0.0.1'. Hints: AF_UNSPEC (or -4/-6), SOCK_STREAM.",
                "With -r, look an address up the other way with getnameinfo(3). -v adds port, type and canonical name.",
                "Resolution is libc's, so it sees /etc/hosts, nsswitch and DNS as C programs do.",
                ""},
        footer = {"", "Examples:",
                "  jsock resolve localhost",
                "  jsock resolve -4 localhost http",
                "  jsock resolve -r 127.0.0.1"})
final class ResolveCommand implements Callable<Integer> {
    static final class Ip {
        @Option(names = "-4", description = "IPv4 only (AF_INET).") boolean v4;
        @Option(names = "-6", description = "IPv6 only (AF_INET6).") boolean v6;
    }

    @ArgGroup(exclusive = true) Ip ip = new Ip();

    @Option(names = "-r", paramLabel = "ADDR", description = "Reverse lookup of an IP address (getnameinfo).")
    String reverse;

    @picocli.CommandLine.ParentCommand Main main;

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST") String host;
    @Parameters(index = "1", arity = "0..1", paramLabel = "SERVICE", description = "Service name or port (default: http).")
    String service;

    @Override
    public Integer call() throws Exception {
        if (reverse != null) {
            SockAddr a;
            try {
                a = reverse.indexOf(':') >= 0 ? SockAddr.Inet6.of(reverse, 0) : SockAddr.Inet4.of(reverse, 0);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("-r needs an IP address: " + e.getMessage());
            }
            try {
                System.out.println(Resolver.getnameinfo(a, Sys.NI_NAMEREQD).host());
            } catch (GaiException e) {
                throw CliException.network("resolve -r " + reverse, e);
            }
            return 0;
        }
        boolean verbose = main != null && main.verbose.length > 0;
        if (host == null) throw CliException.usage("resolve needs a HOST (or -r ADDR)");
        Inputs.checkHost(host);
        String svc = service == null ? "http" : service;
        Family family = ip.v4 ? Family.INET : ip.v6 ? Family.INET6 : null;
        List<Resolver.AddrInfo> all;
        try {
            int flags = verbose ? Sys.AI_CANONNAME : 0;
            all = Resolver.getaddrinfo(host, svc, new Resolver.Hints(family, SockType.STREAM, 0, flags));
        } catch (GaiException e) {
            throw CliException.network("resolve " + host, e);
        }
        for (Resolver.AddrInfo ai : all) {
            String ipver = ai.family() == Family.INET ? "IPv4" : "IPv6";
            String text = ai.address() instanceof SockAddr.Inet4 v4 ? v4.host() : ((SockAddr.Inet6) ai.address()).host();
            if (verbose) {
                System.out.printf(" %s: %s  (%s, %s%s)%n", ipver, text, ai.address(), ai.type(),
                        ai.canonName() != null ? ", canonical name " + ai.canonName() : "");
            } else {
                System.out.printf(" %s: %s%n", ipver, text);
            }
        }
        return 0;
    }
}
