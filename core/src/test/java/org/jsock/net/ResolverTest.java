package org.jsock.net;

import org.jsock.sys.GaiException;
import org.jsock.sys.Sys;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Name resolution through libc. Every name used is answered from /etc/hosts or /etc/services, or is
 * numeric, so no query leaves the machine even where the resolver points at a DNS server.
 */
@ExtendWith(FdLeakCheck.class)
class ResolverTest {

    @Test
    void localhostPort80ResolvesToTheLoopbackAddress() throws Exception {
        List<Resolver.AddrInfo> r = Resolver.getaddrinfo("localhost", "80", Resolver.Hints.stream());
        assertFalse(r.isEmpty());
        assertTrue(r.stream().anyMatch(a -> a.address().equals(SockAddr.Inet4.loopback(80))), "127.0.0.1:80 among " + r);
        for (Resolver.AddrInfo a : r) {
            assertEquals(SockType.STREAM, a.type(), "the hints asked for streams only");
            assertEquals(Sys.IPPROTO_TCP, a.protocol());
            assertEquals(a.family(), a.address().family());
        }
        assertEquals(SockAddr.Inet4.loopback(80), Resolver.resolve("localhost", 80, Family.INET, SockType.STREAM));
    }

    @Test
    void hintsChooseTheFamilyTypeAndFlags() throws Exception {
        List<Resolver.AddrInfo> v6 = Resolver.getaddrinfo("::1", "8080", Resolver.Hints.datagram().family(Family.INET6));
        assertEquals(1, v6.size());
        assertEquals(new Resolver.AddrInfo(Family.INET6, SockType.DGRAM, Sys.IPPROTO_UDP, SockAddr.Inet6.loopback(8080), null), v6.getFirst());

        List<Resolver.AddrInfo> any = Resolver.getaddrinfo("127.0.0.1", "7", Resolver.Hints.any());
        Set<SockType> types = any.stream().map(Resolver.AddrInfo::type).collect(Collectors.toSet());
        assertTrue(types.containsAll(Set.of(SockType.STREAM, SockType.DGRAM)), "no type hint gives every type: " + types);

        List<Resolver.AddrInfo> passive = Resolver.getaddrinfo(null, "8080", Resolver.Hints.stream().family(Family.INET).flags(Sys.AI_PASSIVE));
        assertEquals(SockAddr.Inet4.any(8080), passive.getFirst().address(), "AI_PASSIVE with no host gives the wildcard");
        List<Resolver.AddrInfo> active = Resolver.getaddrinfo(null, "8080", Resolver.Hints.stream().family(Family.INET));
        assertEquals(SockAddr.Inet4.loopback(8080), active.getFirst().address(), "without AI_PASSIVE, no host means loopback");

        List<Resolver.AddrInfo> canon = Resolver.getaddrinfo("localhost", null, Resolver.Hints.stream().family(Family.INET).flags(Sys.AI_CANONNAME));
        assertEquals("localhost", canon.getFirst().canonName());
        assertNull(Resolver.getaddrinfo("localhost", "http", Resolver.Hints.stream().family(Family.INET)).getFirst().canonName());
        assertEquals(80, ((SockAddr.Inet4) Resolver.getaddrinfo("localhost", "http", Resolver.Hints.stream().family(Family.INET)).getFirst().address()).port(),
                "a service name resolves through /etc/services");

        GaiException e = assertThrows(GaiException.class,
                () -> Resolver.getaddrinfo("::1", "80", Resolver.Hints.stream().family(Family.INET).flags(Sys.AI_NUMERICHOST)));
        assertTrue(Set.of("EAI_ADDRFAMILY", "EAI_NONAME", "EAI_FAMILY").contains(e.codeName()), "an IPv6 literal with an IPv4 hint fails: " + e.codeName());
        assertThrows(IllegalArgumentException.class, () -> Resolver.getaddrinfo(null, null, Resolver.Hints.any()));
    }

    @Test
    void anUnknownHostFailsWithEaiNonameAndGaiStrerrorsText() {
        // A real lookup only where the test JVM resolves from /etc/hosts alone (scripts/test-jvm),
        // so it cannot become a DNS query. Everywhere, AI_NUMERICHOST makes libc refuse the name
        // without asking anyone, with the same code and text.
        List<Resolver.Hints> ways = new java.util.ArrayList<>(List.of(Resolver.Hints.stream().flags(Sys.AI_NUMERICHOST)));
        if ("isolated".equals(System.getProperty("jsock.test.dns"))) ways.add(Resolver.Hints.stream());
        for (Resolver.Hints h : ways) {
            GaiException e = assertThrows(GaiException.class, () -> Resolver.getaddrinfo("no-such-host.invalid", "80", h));
            assertEquals("EAI_NONAME", e.codeName());
            assertEquals(Sys.EAI_NONAME, e.code());
            assertEquals(Sys.gai_strerror(Sys.EAI_NONAME), e.text());
            assertEquals("getaddrinfo: Name or service not known", e.getMessage());
        }

        GaiException svc = assertThrows(GaiException.class, () -> Resolver.getaddrinfo("127.0.0.1", "no-such-service", Resolver.Hints.stream()));
        assertEquals("EAI_SERVICE", svc.codeName());
        assertEquals("getaddrinfo: " + Sys.gai_strerror(Sys.EAI_SERVICE), svc.getMessage());
    }

    @Test
    void getnameinfoGivesNamesOrNumbers() throws Exception {
        assertEquals(new Resolver.NameInfo("localhost", "http"), Resolver.getnameinfo(SockAddr.Inet4.loopback(80), 0));
        assertEquals(new Resolver.NameInfo("127.0.0.1", "80"),
                Resolver.getnameinfo(SockAddr.Inet4.loopback(80), Sys.NI_NUMERICHOST | Sys.NI_NUMERICSERV));
        assertEquals(new Resolver.NameInfo("::1", "8080"),
                Resolver.getnameinfo(SockAddr.Inet6.loopback(8080), Sys.NI_NUMERICHOST | Sys.NI_NUMERICSERV));
        assertEquals("domain", Resolver.getnameinfo(SockAddr.Inet4.loopback(53), Sys.NI_NUMERICHOST | Sys.NI_DGRAM).service());
    }
}
