package org.jsock.net;

import org.jsock.sys.GaiException;
import org.jsock.sys.Sys;
import org.jsock.sys.addrinfo;
import org.jsock.sys.sockaddr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Name resolution through libc's getaddrinfo and getnameinfo, so results match what C programs on
 * this machine see ({@code /etc/hosts}, nsswitch, DNS). Errors are {@link GaiException} with the
 * {@code EAI_*} code and gai_strerror's text.
 */
public final class Resolver {
    private Resolver() {}

    /** getaddrinfo hints. A null family means AF_UNSPEC; a null type means any type. */
    public record Hints(Family family, SockType type, int protocol, int flags) {
        public static Hints any() { return new Hints(null, null, 0, 0); }
        public static Hints stream() { return new Hints(null, SockType.STREAM, 0, 0); }
        public static Hints datagram() { return new Hints(null, SockType.DGRAM, 0, 0); }
        public Hints family(Family f) { return new Hints(f, type, protocol, flags); }
        public Hints type(SockType t) { return new Hints(family, t, protocol, flags); }
        /** Adds AI_* flags (AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST, ...). */
        public Hints flags(int more) { return new Hints(family, type, protocol, flags | more); }
    }

    /** One getaddrinfo result. */
    public record AddrInfo(Family family, SockType type, int protocol, SockAddr address, String canonName) {}

    /** getnameinfo's answer. */
    public record NameInfo(String host, String service) {}

    /** Resolves {@code host} and {@code service} (either may be null, not both) in getaddrinfo's order. */
    public static List<AddrInfo> getaddrinfo(String host, String service, Hints hints) throws GaiException {
        if (host == null && service == null) throw new IllegalArgumentException("getaddrinfo needs a host or a service");
        addrinfo h = new addrinfo();
        h.ai_family(hints.family() == null ? Sys.AF_UNSPEC : hints.family().value());
        h.ai_socktype(hints.type() == null ? 0 : hints.type().value());
        h.ai_protocol(hints.protocol());
        h.ai_flags(hints.flags());
        addrinfo[] res = new addrinfo[1];
        Sys.getaddrinfo(host, service, h, res);
        List<AddrInfo> out = new ArrayList<>();
        try {
            for (addrinfo p = res[0]; p != null; p = p.ai_next()) {
                sockaddr a = p.ai_addr();
                Family f;
                try {
                    f = Family.of(p.ai_family());
                } catch (IllegalArgumentException e) {
                    continue; // a family this API has no type for
                }
                out.add(new AddrInfo(f, SockType.of(p.ai_socktype()), p.ai_protocol(),
                        SockAddr.decode(a.segment(), p.ai_addrlen()), p.ai_canonname()));
            }
        } finally {
            Sys.freeaddrinfo(res[0]);
        }
        return out;
    }

    /** The first address for {@code host}:{@code port} of the given type, as a client would try first. */
    public static SockAddr resolve(String host, int port, Family family, SockType type) throws GaiException {
        Hints h = new Hints(family, type, 0, 0);
        return getaddrinfo(host, Integer.toString(port), h).getFirst().address();
    }

    /** getnameinfo: the host and service names for an address (NI_* flags). */
    public static NameInfo getnameinfo(SockAddr addr, int flags) throws GaiException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(128, 8);
            int len = addr.encode(s);
            StringBuilder host = new StringBuilder();
            StringBuilder serv = new StringBuilder();
            Sys.getnameinfo(org.jsock.sys.sockaddr_storage.at(s), len, host, Sys.NI_MAXHOST, serv, Sys.NI_MAXSERV, flags);
            return new NameInfo(host.toString(), serv.toString());
        }
    }
}
