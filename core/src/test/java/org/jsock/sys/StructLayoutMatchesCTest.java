package org.jsock.sys;

import org.jsock.testing.CProgram;
import org.jsock.testing.CStructs;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.jsock.sys.Sys.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java structs are byte-exact with C: the same values written through the Java accessors give the
 * bytes gcc's program printed, the accessors read C's bytes back, and each sizeof and offsetof agrees.
 */
@ExtendWith(FdLeakCheck.class)
class StructLayoutMatchesCTest {

    private static void assertBytes(String cName, Struct s) throws Exception {
        byte[] c = CStructs.bytes(cName);
        assertEquals(HexFormat.of().formatHex(c), HexFormat.of().formatHex(s.bytes()), "struct " + cName + " bytes, C vs Java");
    }

    /** C's bytes in native memory (8-aligned, as a struct would be), for the accessors to read. */
    private static MemorySegment native8(byte[] b) {
        MemorySegment m = Arena.ofAuto().allocate(Math.max(b.length, 8), 8);
        MemorySegment.copy(b, 0, m, ValueLayout.JAVA_BYTE, 0, b.length);
        return m;
    }

    @Test
    void sockaddrInHoldsTheBytesCWritesForPort8080On127001() throws Exception {
        sockaddr_in sin = new sockaddr_in();
        sin.sin_family(AF_INET);
        sin.sin_port(htons(8080));
        assertEquals(1, inet_pton(AF_INET, "127.0.0.1", sin.sin_addr()));
        assertBytes("sockaddr_in", sin);

        sockaddr_in back = sockaddr_in.at(native8(CStructs.bytes("sockaddr_in")));
        assertEquals(AF_INET, back.sin_family());
        assertEquals(8080, ntohs(back.sin_port()));
        assertEquals(INADDR_LOOPBACK, ntohl(back.sin_addr().s_addr()));
    }

    @Test
    void sockaddrIn6HoldsPortFlowinfoAddressAndScopeAsC() throws Exception {
        sockaddr_in6 sin6 = new sockaddr_in6();
        sin6.sin6_family(AF_INET6);
        sin6.sin6_port(htons(8080));
        sin6.sin6_flowinfo(htonl(0x12345));
        assertEquals(1, inet_pton(AF_INET6, "::1", sin6.sin6_addr()));
        sin6.sin6_scope_id(7);
        assertBytes("sockaddr_in6", sin6);

        sockaddr_in6 back = sockaddr_in6.at(native8(CStructs.bytes("sockaddr_in6")));
        assertEquals(AF_INET6, back.sin6_family());
        assertEquals(8080, ntohs(back.sin6_port()));
        assertEquals(0x12345, ntohl(back.sin6_flowinfo()));
        assertEquals(7, back.sin6_scope_id());
        assertEquals("::1", inet_ntop(AF_INET6, back.sin6_addr()));
    }

    @Test
    void sockaddrUnHoldsAPathOrAnAbstractNameAsC() throws Exception {
        sockaddr_un path = new sockaddr_un();
        path.sun_family(AF_UNIX);
        path.sun_path(CStructs.UNIX_PATH);
        assertBytes("sockaddr_un_path", path);
        assertEquals(CStructs.UNIX_PATH, sockaddr_un.at(native8(CStructs.bytes("sockaddr_un_path"))).sun_path());

        sockaddr_un abs = new sockaddr_un();
        abs.sun_family(AF_UNIX);
        byte[] name = ("\0" + CStructs.UNIX_ABSTRACT).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        abs.sun_path(name);
        assertBytes("sockaddr_un_abstract", abs);
        int len = CStructs.number("len.sockaddr_un_abstract");
        assertArrayEquals(name, sockaddr_un.at(native8(CStructs.bytes("sockaddr_un_abstract"))).sun_path_bytes(len));
        assertEquals(CStructs.number("macro.sun_path_size"), sockaddr_un.SUN_PATH_SIZE);
    }

    @Test
    void lingerAndTimevalHoldTheirFieldsAsC() throws Exception {
        linger lg = new linger();
        lg.l_onoff(1);
        lg.l_linger(30);
        assertBytes("linger", lg);
        linger lgBack = linger.at(native8(CStructs.bytes("linger")));
        assertEquals(1, lgBack.l_onoff());
        assertEquals(30, lgBack.l_linger());

        timeval tv = new timeval();
        tv.tv_sec(5);
        tv.tv_usec(250_000);
        assertBytes("timeval", tv);
        timeval tvBack = timeval.at(native8(CStructs.bytes("timeval")));
        assertEquals(5, tvBack.tv_sec());
        assertEquals(250_000, tvBack.tv_usec());
    }

    @Test
    void addrinfoHintsHoldTheirFieldsAsC() throws Exception {
        addrinfo hints = new addrinfo();
        hints.ai_flags(AI_PASSIVE | AI_CANONNAME);
        hints.ai_family(AF_INET6);
        hints.ai_socktype(SOCK_STREAM);
        hints.ai_protocol(IPPROTO_TCP);
        assertBytes("addrinfo", hints);
        assertEquals(0, hints.ai_addrlen());
        assertEquals(null, hints.ai_addr());
        assertEquals(null, hints.ai_canonname());
        assertEquals(null, hints.ai_next());
    }

    @Test
    void pollfdIovecCmsghdrAndAddressesHoldTheirFieldsAsC() throws Exception {
        pollfd p = new pollfd();
        p.fd(0x11223344);
        p.events(POLLIN | POLLPRI | POLLOUT);
        p.revents(POLLERR | POLLHUP);
        assertBytes("pollfd", p);

        iovec v = new iovec();
        v.iov_base(MemorySegment.ofAddress(0x1122334455667788L));
        v.iov_len(0x0102030405060708L);
        assertBytes("iovec", v);
        iovec vBack = iovec.at(native8(CStructs.bytes("iovec")));
        assertEquals(0x1122334455667788L, vBack.iov_base().address());
        assertEquals(0x0102030405060708L, vBack.iov_len());

        cmsghdr cm = cmsghdr.at(Arena.ofAuto().allocate(cmsghdr.SIZEOF, 8));
        cm.cmsg_len(CMSG_LEN(4));
        cm.cmsg_level(SOL_SOCKET);
        cm.cmsg_type(SCM_RIGHTS);
        assertBytes("cmsghdr", cm);

        in_addr ia = new in_addr();
        assertEquals(1, inet_pton(AF_INET, "192.0.2.33", ia));
        assertBytes("in_addr", ia);
        in6_addr i6 = new in6_addr();
        assertEquals(1, inet_pton(AF_INET6, "2001:db8::1:2", i6));
        assertBytes("in6_addr", i6);
    }

    @Test
    void epollEventTimespecAndItimerspecHoldTheirFieldsAsC() throws Exception {
        // epoll_event is packed (12 bytes) on x86_64 and 16 bytes on aarch64.
        epoll_event ev = new epoll_event();
        ev.events(EPOLLIN | EPOLLET);
        ev.data_u64(0x1122334455667788L);
        assertBytes("epoll_event", ev);
        assertEquals(CStructs.number("sizeof.epoll_event"), epoll_event.SIZEOF);
        assertEquals(CStructs.number("offsetof.epoll_event.events"), 0);
        assertEquals(CStructs.number("offsetof.epoll_event.data"), epoll_event.DATA_OFFSET);

        timespec ts = new timespec();
        ts.tv_sec(5);
        ts.tv_nsec(250_000_000);
        assertBytes("timespec", ts);
        assertEquals(CStructs.number("sizeof.timespec"), timespec.SIZEOF);

        itimerspec its = new itimerspec();
        its.it_interval().tv_sec(1);
        its.it_interval().tv_nsec(2);
        its.it_value().tv_sec(3);
        its.it_value().tv_nsec(4);
        assertBytes("itimerspec", its);
        assertEquals(CStructs.number("sizeof.itimerspec"), itimerspec.SIZEOF);
    }

    @Test
    void msghdrKeepsEachFieldWhereCDoes() throws Exception {
        // Pointer fields can only be set to real memory from Java, so read C's bytes and check offsets.
        msghdr back = msghdr.at(native8(CStructs.bytes("msghdr")));
        assertEquals(0x1111111111111111L, back.msg_name().address());
        assertEquals(0x22222222, back.msg_namelen());
        assertEquals(0x3333333333333333L, back.msg_iov().address());
        assertEquals(0x44, back.msg_iovlen());
        assertEquals(0x5555555555555555L, back.msg_control().address());
        assertEquals(0x66, back.msg_controllen());
        assertEquals(0x7777, back.msg_flags());

        msghdr m = new msghdr();
        sockaddr_in name = new sockaddr_in();
        iovec[] iov = iovec.array(2);
        m.msg_name(name);
        m.msg_namelen(0x22222222);
        m.msg_iov(iov);
        m.msg_iovlen(0x44);
        m.msg_control(MemorySegment.ofAddress(0x5555555555555555L));
        m.msg_controllen(0x66);
        m.msg_flags(0x7777);
        MemorySegment s = m.segment();
        assertEquals(name.segment().address(), s.get(ValueLayout.JAVA_LONG, CStructs.number("offsetof.msghdr.msg_name")));
        assertEquals(iov[0].segment().address(), s.get(ValueLayout.JAVA_LONG, CStructs.number("offsetof.msghdr.msg_iov")));
        byte[] c = CStructs.bytes("msghdr");
        byte[] j = m.bytes();
        // Everything but the two pointers Java had to point at real memory is byte-for-byte C's.
        for (int off : new int[] {CStructs.number("offsetof.msghdr.msg_name"), CStructs.number("offsetof.msghdr.msg_iov")}) {
            for (int i = 0; i < 8; i++) c[off + i] = j[off + i];
        }
        assertArrayEquals(c, j);
    }

    @Test
    void mmsghdrIsAMsghdrThenMsgLenAsInC() throws Exception {
        // C filled msg_hdr as in the msghdr test above, and msg_len with 0x88888888.
        mmsghdr back = mmsghdr.at(native8(CStructs.bytes("mmsghdr")));
        assertEquals(0x1111111111111111L, back.msg_hdr().msg_name().address());
        assertEquals(0x22222222, back.msg_hdr().msg_namelen());
        assertEquals(0x3333333333333333L, back.msg_hdr().msg_iov().address());
        assertEquals(0x44, back.msg_hdr().msg_iovlen());
        assertEquals(0x5555555555555555L, back.msg_hdr().msg_control().address());
        assertEquals(0x66, back.msg_hdr().msg_controllen());
        assertEquals(0x7777, back.msg_hdr().msg_flags());
        assertEquals(0x88888888, back.msg_len());

        assertEquals(CStructs.number("sizeof.mmsghdr"), mmsghdr.SIZEOF);
        assertEquals(CStructs.number("offsetof.mmsghdr.msg_hdr"), back.msg_hdr().segment().address() - back.segment().address());
        assertEquals(CStructs.number("offsetof.mmsghdr.msg_len"), mmsghdr.MSG_LEN_OFFSET);
        assertEquals(CStructs.number("offsetof.mmsghdr.msg_len"), offsetOf(mmsghdr::new, s -> s.msg_len(0x01020304)));
        assertEquals(CStructs.number("offsetof.mmsghdr.msg_hdr") + CStructs.number("offsetof.msghdr.msg_flags"),
                offsetOf(mmsghdr::new, s -> s.msg_hdr().msg_flags(0x01020304)));

        // Written through Java: C's bytes, but for the pointers Java must point at real memory.
        mmsghdr m = new mmsghdr();
        sockaddr_in name = new sockaddr_in();
        iovec[] iov = iovec.array(1);
        m.msg_hdr().msg_name(name);
        m.msg_hdr().msg_namelen(0x22222222);
        m.msg_hdr().msg_iov(iov);
        m.msg_hdr().msg_iovlen(0x44);
        m.msg_hdr().msg_control(MemorySegment.ofAddress(0x5555555555555555L));
        m.msg_hdr().msg_controllen(0x66);
        m.msg_hdr().msg_flags(0x7777);
        m.msg_len(0x88888888);
        byte[] c = CStructs.bytes("mmsghdr");
        byte[] j = m.bytes();
        for (int off : new int[] {CStructs.number("offsetof.msghdr.msg_name"), CStructs.number("offsetof.msghdr.msg_iov")}) {
            for (int i = 0; i < 8; i++) c[off + i] = j[off + i];
        }
        assertArrayEquals(c, j);

        // An array's elements lie sizeof apart, as C's msgvec[i] do.
        mmsghdr[] v = mmsghdr.array(3);
        assertEquals(2L * CStructs.number("sizeof.mmsghdr"), v[2].segment().address() - v[0].segment().address());
    }

    @Test
    void everySizeofMatchesC() throws Exception {
        Map<String, Integer> java = Map.ofEntries(
                Map.entry("sockaddr_in", sockaddr_in.SIZEOF), Map.entry("sockaddr_in6", sockaddr_in6.SIZEOF),
                Map.entry("sockaddr_un", sockaddr_un.SIZEOF), Map.entry("sockaddr_storage", sockaddr_storage.SIZEOF),
                Map.entry("in_addr", in_addr.SIZEOF), Map.entry("in6_addr", in6_addr.SIZEOF),
                Map.entry("linger", linger.SIZEOF), Map.entry("timeval", timeval.SIZEOF),
                Map.entry("addrinfo", addrinfo.SIZEOF), Map.entry("pollfd", pollfd.SIZEOF),
                Map.entry("iovec", iovec.SIZEOF), Map.entry("msghdr", msghdr.SIZEOF), Map.entry("cmsghdr", cmsghdr.SIZEOF),
                Map.entry("mmsghdr", mmsghdr.SIZEOF));
        List<String> wrong = new ArrayList<>();
        for (var e : java.entrySet()) {
            int c = CStructs.number("sizeof." + e.getKey());
            if (c != e.getValue()) wrong.add("sizeof(struct " + e.getKey() + "): C " + c + ", Java " + e.getValue());
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        // An allocated struct is exactly that big.
        assertEquals(sockaddr_in.SIZEOF, new sockaddr_in().sizeof());
        assertEquals(sockaddr_in6.SIZEOF, new sockaddr_in6().sizeof());
        assertEquals(sockaddr_un.SIZEOF, new sockaddr_un().sizeof());
        assertEquals(sockaddr_storage.SIZEOF, new sockaddr_storage().sizeof());
        assertEquals(msghdr.SIZEOF, new msghdr().sizeof());
        assertEquals(mmsghdr.SIZEOF, new mmsghdr().sizeof());
        assertEquals(tcp_info.SIZEOF, new tcp_info().sizeof());
    }

    /** Where a write through an accessor lands: the first byte it changes in a zeroed struct. */
    private static <S extends Struct> int offsetOf(Supplier<S> make, Consumer<S> write) {
        S s = make.get();
        byte[] before = s.bytes();
        write.accept(s);
        byte[] after = s.bytes();
        for (int i = 0; i < after.length; i++) if (after[i] != before[i]) return i;
        throw new AssertionError("the write changed no byte");
    }

    /**
     * Where msghdr keeps a pointer to {@code target}: the aligned slot holding its address. (A real
     * address may have a zero low byte, so the first changed byte need not be the field's start.)
     */
    private static int pointerOffset(Struct target, java.util.function.BiConsumer<msghdr, Struct> write) {
        msghdr m = new msghdr();
        write.accept(m, target);
        for (int off = 0; off + 8 <= msghdr.SIZEOF; off += 8) {
            if (m.segment().get(ValueLayout.JAVA_LONG, off) == target.segment().address()) return off;
        }
        throw new AssertionError("the pointer was not stored");
    }

    @Test
    void everyFieldOffsetMatchesCsOffsetof() throws Exception {
        Map<String, Integer> java = new java.util.LinkedHashMap<>();
        java.put("sockaddr.sa_family", offsetOf(sockaddr_storage::new, s -> s.sa_family(0x0a0a)));
        java.put("sockaddr_in.sin_family", offsetOf(sockaddr_in::new, s -> s.sin_family(0x0102)));
        java.put("sockaddr_in.sin_port", offsetOf(sockaddr_in::new, s -> s.sin_port((short) 0x0102)));
        java.put("sockaddr_in.sin_addr", offsetOf(sockaddr_in::new, s -> s.sin_addr().s_addr(0x01020304)));
        java.put("sockaddr_in6.sin6_family", offsetOf(sockaddr_in6::new, s -> s.sin6_family(0x0102)));
        java.put("sockaddr_in6.sin6_port", offsetOf(sockaddr_in6::new, s -> s.sin6_port((short) 0x0102)));
        java.put("sockaddr_in6.sin6_flowinfo", offsetOf(sockaddr_in6::new, s -> s.sin6_flowinfo(0x01020304)));
        java.put("sockaddr_in6.sin6_addr", offsetOf(sockaddr_in6::new, s -> s.sin6_addr().s6_addr(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})));
        java.put("sockaddr_in6.sin6_scope_id", offsetOf(sockaddr_in6::new, s -> s.sin6_scope_id(0x01020304)));
        java.put("sockaddr_un.sun_family", offsetOf(sockaddr_un::new, s -> s.sun_family(0x0102)));
        java.put("sockaddr_un.sun_path", offsetOf(sockaddr_un::new, s -> s.sun_path("x")));
        java.put("sockaddr_storage.ss_family", offsetOf(sockaddr_storage::new, s -> s.sa_family(0x0102)));
        java.put("in_addr.s_addr", offsetOf(in_addr::new, s -> s.s_addr(0x01020304)));
        java.put("linger.l_onoff", offsetOf(linger::new, s -> s.l_onoff(0x01020304)));
        java.put("linger.l_linger", offsetOf(linger::new, s -> s.l_linger(0x01020304)));
        java.put("timeval.tv_sec", offsetOf(timeval::new, s -> s.tv_sec(0x0102030405060708L)));
        java.put("timeval.tv_usec", offsetOf(timeval::new, s -> s.tv_usec(0x0102030405060708L)));
        java.put("addrinfo.ai_flags", offsetOf(addrinfo::new, s -> s.ai_flags(0x01020304)));
        java.put("addrinfo.ai_family", offsetOf(addrinfo::new, s -> s.ai_family(0x01020304)));
        java.put("addrinfo.ai_socktype", offsetOf(addrinfo::new, s -> s.ai_socktype(0x01020304)));
        java.put("addrinfo.ai_protocol", offsetOf(addrinfo::new, s -> s.ai_protocol(0x01020304)));
        java.put("pollfd.fd", offsetOf(pollfd::new, s -> s.fd(0x01020304)));
        java.put("pollfd.events", offsetOf(pollfd::new, s -> s.events(0x0102)));
        java.put("pollfd.revents", offsetOf(pollfd::new, s -> s.revents(0x0102)));
        java.put("iovec.iov_base", offsetOf(iovec::new, s -> s.iov_base(MemorySegment.ofAddress(0x0102030405060708L))));
        java.put("iovec.iov_len", offsetOf(iovec::new, s -> s.iov_len(0x0102030405060708L)));
        java.put("msghdr.msg_name", pointerOffset(new sockaddr_in(), (m, a) -> m.msg_name((sockaddr_in) a)));
        java.put("msghdr.msg_namelen", offsetOf(msghdr::new, s -> s.msg_namelen(0x01020304)));
        java.put("msghdr.msg_iov", pointerOffset(iovec.array(1)[0], (m, a) -> m.msg_iov(new iovec[] {(iovec) a})));
        java.put("msghdr.msg_iovlen", offsetOf(msghdr::new, s -> s.msg_iovlen(0x0102030405060708L)));
        java.put("msghdr.msg_control", offsetOf(msghdr::new, s -> s.msg_control(MemorySegment.ofAddress(0x0102030405060708L))));
        java.put("msghdr.msg_controllen", offsetOf(msghdr::new, s -> s.msg_controllen(0x0102030405060708L)));
        java.put("msghdr.msg_flags", offsetOf(msghdr::new, s -> s.msg_flags(0x01020304)));
        Supplier<cmsghdr> cm = () -> cmsghdr.at(Arena.ofAuto().allocate(cmsghdr.SIZEOF, 8));
        java.put("cmsghdr.cmsg_len", offsetOf(cm, s -> s.cmsg_len(0x0102030405060708L)));
        java.put("cmsghdr.cmsg_level", offsetOf(cm, s -> s.cmsg_level(0x01020304)));
        java.put("cmsghdr.cmsg_type", offsetOf(cm, s -> s.cmsg_type(0x01020304)));
        List<String> wrong = new ArrayList<>();
        for (var e : java.entrySet()) {
            int c = CStructs.number("offsetof." + e.getKey());
            if (c != e.getValue()) wrong.add("offsetof(" + e.getKey() + "): C " + c + ", Java " + e.getValue());
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void addrinfoResultNodesAreReadAtCsOffsets() throws Exception {
        // ai_addrlen, ai_addr, ai_canonname and ai_next have no setters: libc writes them. Lay out a
        // node by C's offsetof and read it through the accessors.
        Arena arena = Arena.ofAuto();
        MemorySegment first = arena.allocate(addrinfo.SIZEOF, 8);
        MemorySegment second = arena.allocate(addrinfo.SIZEOF, 8);
        sockaddr_in sin = new sockaddr_in(arena);
        sin.sin_family(AF_INET);
        sin.sin_port(htons(8080));
        sin.sin_addr().s_addr(htonl(INADDR_LOOPBACK));
        first.set(ValueLayout.JAVA_INT, CStructs.number("offsetof.addrinfo.ai_family"), AF_INET);
        first.set(ValueLayout.JAVA_INT, CStructs.number("offsetof.addrinfo.ai_addrlen"), sockaddr_in.SIZEOF);
        first.set(ValueLayout.ADDRESS, CStructs.number("offsetof.addrinfo.ai_addr"), sin.segment());
        first.set(ValueLayout.ADDRESS, CStructs.number("offsetof.addrinfo.ai_canonname"), arena.allocateFrom("canon.example"));
        first.set(ValueLayout.ADDRESS, CStructs.number("offsetof.addrinfo.ai_next"), second);
        second.set(ValueLayout.JAVA_INT, CStructs.number("offsetof.addrinfo.ai_socktype"), SOCK_DGRAM);

        addrinfo a = addrinfo.node(first, null);
        assertEquals(AF_INET, a.ai_family());
        assertEquals(sockaddr_in.SIZEOF, a.ai_addrlen());
        sockaddr sa = a.ai_addr();
        assertTrue(sa instanceof sockaddr_in, "an AF_INET ai_addr is viewed as sockaddr_in, got " + sa);
        assertEquals(8080, ntohs(((sockaddr_in) sa).sin_port()));
        assertEquals("canon.example", a.ai_canonname());
        addrinfo b = a.ai_next();
        assertEquals(SOCK_DGRAM, b.ai_socktype());
        assertEquals(null, b.ai_next());
        assertEquals(null, b.ai_addr());
        assertEquals(null, b.ai_canonname());
    }

    @Test
    void cmsgMacrosComputeWhatGlibcComputes() throws Exception {
        assertEquals(CStructs.number("macro.CMSG_ALIGN(1)"), CMSG_ALIGN(1));
        assertEquals(CStructs.number("macro.CMSG_ALIGN(13)"), CMSG_ALIGN(13));
        assertEquals(CStructs.number("macro.CMSG_ALIGN(16)"), CMSG_ALIGN(16));
        assertEquals(CStructs.number("macro.CMSG_LEN(4)"), CMSG_LEN(4));
        assertEquals(CStructs.number("macro.CMSG_LEN(12)"), CMSG_LEN(12));
        assertEquals(CStructs.number("macro.CMSG_SPACE(4)"), CMSG_SPACE(4));
        assertEquals(CStructs.number("macro.CMSG_SPACE(12)"), CMSG_SPACE(12));
        assertEquals(CStructs.number("macro.CMSG_SPACE(24)"), CMSG_SPACE(24));
    }

    // ---- tcp_info: every field Linux documents, from <linux/tcp.h> -------------------------------

    @Test
    void tcpInfoOffsetsSizeAndFieldsMatchLinuxHeaders() throws Exception {
        StringBuilder src = new StringBuilder("""
                #include <linux/tcp.h>
                #include <stddef.h>
                #include <stdio.h>
                #include <string.h>
                int main(void) {
                    struct tcp_info t;
                    memset(&t, 0, sizeof t);
                    printf("sizeof %zu\\n", sizeof t);
                """);
        int i = 0;
        for (String f : tcp_info.OFFSETS.keySet()) {
            i++;
            src.append("    printf(\"offsetof.").append(f).append(" %zu\\n\", offsetof(struct tcp_info, ").append(f).append("));\n");
            // A distinct value in every field, each byte non-zero, truncated to the field's width.
            src.append("    t.").append(f).append(" = (__typeof__(t.").append(f).append(")) (0x0101010101010101ULL * ")
               .append(i).append(" + 0x0f0e0d0c0b0a0900ULL);\n");
        }
        src.append("""
                    t.tcpi_snd_wscale = 5; t.tcpi_rcv_wscale = 9;
                    t.tcpi_delivery_rate_app_limited = 1; t.tcpi_fastopen_client_fail = 2;
                """);
        for (String f : tcp_info.OFFSETS.keySet()) {
            src.append("    printf(\"value.").append(f).append(" %llu\\n\", (unsigned long long) t.").append(f).append(");\n");
        }
        src.append("""
                    printf("bytes ");
                    for (size_t k = 0; k < sizeof t; k++) printf("%02x", ((unsigned char *) &t)[k]);
                    printf("\\n");
                    return 0;
                }
                """);
        Map<String, String> c = CProgram.lines(CProgram.run("tcp_info", src.toString()));

        List<String> wrong = new ArrayList<>();
        for (var e : tcp_info.OFFSETS.entrySet()) {
            String off = c.get("offsetof." + e.getKey());
            if (!String.valueOf(e.getValue()).equals(off)) wrong.add("offsetof(" + e.getKey() + "): C " + off + ", Java " + e.getValue());
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));

        int cSize = Integer.parseInt(c.get("sizeof"));
        // tcpi_snd_wnd is the last field jsock knows; newer headers may add more after it.
        assertEquals(tcp_info.OFFSETS.get("tcpi_snd_wnd") + 4, tcp_info.SIZEOF, "SIZEOF ends after tcpi_snd_wnd");
        assertTrue(cSize >= tcp_info.SIZEOF, "C's tcp_info (" + cSize + ") holds at least jsock's " + tcp_info.SIZEOF);

        byte[] bytes = CProgram.hex(c.get("bytes"));
        tcp_info t = tcp_info.at(native8(bytes));
        for (String f : tcp_info.OFFSETS.keySet()) {
            Method m = tcp_info.class.getMethod(f);
            long java = ((Number) m.invoke(t)).longValue();
            String cv = c.get("value." + f);
            if (!Long.toUnsignedString(java).equals(cv)) wrong.add(f + ": C " + cv + ", Java " + Long.toUnsignedString(java));
        }
        if (t.tcpi_snd_wscale() != 5) wrong.add("tcpi_snd_wscale: C 5, Java " + t.tcpi_snd_wscale());
        if (t.tcpi_rcv_wscale() != 9) wrong.add("tcpi_rcv_wscale: C 9, Java " + t.tcpi_rcv_wscale());
        if (t.tcpi_delivery_rate_app_limited() != 1) wrong.add("tcpi_delivery_rate_app_limited: C 1, Java " + t.tcpi_delivery_rate_app_limited());
        if (t.tcpi_fastopen_client_fail() != 2) wrong.add("tcpi_fastopen_client_fail: C 2, Java " + t.tcpi_fastopen_client_fail());
        assertTrue(wrong.isEmpty(), "tcp_info fields read differently from C:\n" + String.join("\n", wrong));
    }

    // ---- ifreq, for TUNSETIFF: its own C program, from <net/if.h> ------------------------------

    @Test
    void ifreqHoldsNameFlagsAndUnionWhereCDoes() throws Exception {
        Map<String, String> c = CProgram.lines(CProgram.run("ifreq", """
                #include <net/if.h>
                #include <linux/if_tun.h>
                #include <stddef.h>
                #include <stdio.h>
                #include <string.h>
                static void dump(const char *name, const void *p, size_t n) {
                    const unsigned char *b = p;
                    printf("bytes.%s ", name);
                    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
                    printf("\\n");
                }
                int main(void) {
                    struct ifreq ifr;
                    memset(&ifr, 0, sizeof ifr);
                    strcpy(ifr.ifr_name, "jsock%d");
                    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
                    dump("flags", &ifr, sizeof ifr);
                    memset(&ifr, 0, sizeof ifr);
                    strcpy(ifr.ifr_name, "eth0");
                    ifr.ifr_mtu = 0x01020304;
                    dump("mtu", &ifr, sizeof ifr);
                    memset(&ifr, 0, sizeof ifr);
                    ifr.ifr_ifindex = 0x0a0b0c0d;
                    dump("ifindex", &ifr, sizeof ifr);
                    printf("sizeof %zu\\n", sizeof ifr);
                    printf("offsetof.ifr_name %zu\\n", offsetof(struct ifreq, ifr_name));
                    printf("offsetof.ifr_flags %zu\\n", offsetof(struct ifreq, ifr_flags));
                    printf("offsetof.ifr_mtu %zu\\n", offsetof(struct ifreq, ifr_mtu));
                    printf("offsetof.ifr_ifindex %zu\\n", offsetof(struct ifreq, ifr_ifindex));
                    printf("ifnamsiz %d\\n", IFNAMSIZ);
                    return 0;
                }
                """));
        assertEquals(c.get("sizeof"), String.valueOf(ifreq.SIZEOF), "sizeof(struct ifreq)");
        assertEquals(new ifreq().sizeof(), ifreq.SIZEOF);
        assertEquals(c.get("offsetof.ifr_name"), "0");
        assertEquals(c.get("offsetof.ifr_flags"), String.valueOf(ifreq.UNION_OFFSET));
        assertEquals(c.get("offsetof.ifr_mtu"), String.valueOf(ifreq.UNION_OFFSET));
        assertEquals(c.get("offsetof.ifr_ifindex"), String.valueOf(ifreq.UNION_OFFSET));
        assertEquals(c.get("ifnamsiz"), String.valueOf(IFNAMSIZ));

        ifreq flags = new ifreq();
        flags.ifr_name("jsock%d");
        flags.ifr_flags(IFF_TUN | IFF_NO_PI);
        assertEquals(c.get("bytes.flags"), HexFormat.of().formatHex(flags.bytes()), "ifr_name and ifr_flags, C vs Java");
        ifreq mtu = new ifreq();
        mtu.ifr_name("eth0");
        mtu.ifr_mtu(0x01020304);
        assertEquals(c.get("bytes.mtu"), HexFormat.of().formatHex(mtu.bytes()), "ifr_mtu, C vs Java");
        ifreq index = new ifreq();
        index.ifr_ifindex(0x0a0b0c0d);
        assertEquals(c.get("bytes.ifindex"), HexFormat.of().formatHex(index.bytes()), "ifr_ifindex, C vs Java");

        ifreq back = ifreq.at(native8(CProgram.hex(c.get("bytes.flags"))));
        assertEquals("jsock%d", back.ifr_name());
        assertEquals(IFF_TUN | IFF_NO_PI, back.ifr_flags());
        assertEquals(0x01020304, ifreq.at(native8(CProgram.hex(c.get("bytes.mtu")))).ifr_mtu());
    }
}
