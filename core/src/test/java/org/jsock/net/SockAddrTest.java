package org.jsock.net;

import org.jsock.testing.CStructs;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Socket addresses: text in and out, the C bytes they encode to (checked against gcc), the
 * java.net equivalents, and malformed input refused before any socket is touched.
 */
@ExtendWith(FdLeakCheck.class)
class SockAddrTest {
    private final Sockets sockets = new Sockets();

    @AfterEach
    void closeAll() throws Exception {
        sockets.close();
    }

    private static byte[] encoded(SockAddr a, int[] len) {
        MemorySegment m = Arena.ofAuto().allocate(128, 8);
        m.fill((byte) 0x5A); // encode must write every byte of the struct, not rely on zeroed memory
        len[0] = a.encode(m);
        return m.asSlice(0, switch (a.family()) {
            case INET -> 16;
            case INET6 -> 28;
            case UNIX -> 110;
        }).toArray(ValueLayout.JAVA_BYTE);
    }

    private static void assertEncodesAs(String cStruct, SockAddr a, int expectedLen) throws Exception {
        int[] len = {0};
        byte[] java = encoded(a, len);
        assertEquals(HexFormat.of().formatHex(CStructs.bytes(cStruct)), HexFormat.of().formatHex(java), a + " encodes as C's " + cStruct);
        assertEquals(expectedLen, len[0], "length of " + a);
    }

    @Test
    void encodeWritesTheSameBytesAsC() throws Exception {
        assertEncodesAs("sockaddr_in", SockAddr.Inet4.loopback(8080), 16);
        assertEncodesAs("sockaddr_in", SockAddr.Inet4.of("127.0.0.1", 8080), 16);
        byte[] one = new byte[16];
        one[15] = 1;
        assertEncodesAs("sockaddr_in6", new SockAddr.Inet6(one, 8080, 7, 0x12345), 28);
        assertEncodesAs("sockaddr_un_path", SockAddr.Unix.path(CStructs.UNIX_PATH), CStructs.number("len.sockaddr_un_path"));
        assertEncodesAs("sockaddr_un_abstract", SockAddr.Unix.abstractName(CStructs.UNIX_ABSTRACT), CStructs.number("len.sockaddr_un_abstract"));
    }

    @Test
    void decodeReadsBackWhatEncodeWrote() {
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[15] = 9;
        for (SockAddr a : List.of(SockAddr.Inet4.loopback(1), SockAddr.Inet4.any(65535), SockAddr.Inet4.of("192.0.2.200", 443),
                new SockAddr.Inet6(v6, 8443, 3, 0xABCDE), SockAddr.Inet6.any(0), SockAddr.Unix.path("/run/x.sock"),
                SockAddr.Unix.abstractName("name with spaces"), SockAddr.Unix.abstractName(""))) {
            MemorySegment m = Arena.ofAuto().allocate(128, 8);
            int len = a.encode(m);
            assertEquals(a, SockAddr.decode(m, len));
        }
    }

    @Test
    void textRoundTripsThroughParseAndToString() {
        for (String text : List.of("127.0.0.1:8080", "0.0.0.0:0", "255.255.255.255:65535", "[::1]:8080", "[::]:0",
                "[2001:db8::1]:443", "[::ffff:127.0.0.1]:80", "[fe80::1%2]:80", "unix:/run/app.sock", "unix:@name", "unix:relative.sock")) {
            assertEquals(text, SockAddr.parse(text).toString());
        }
        assertEquals(new SockAddr.Inet4(0x7f000001, 8080), SockAddr.parse("127.0.0.1:8080"));
        assertEquals(SockAddr.Inet6.loopback(8080), SockAddr.parse("[::1]:8080"));
        SockAddr.Inet6 scoped = (SockAddr.Inet6) SockAddr.parse("[fe80::1%2]:80");
        assertEquals(2, scoped.scopeId());
        assertEquals("fe80::1%2", scoped.host());
        assertEquals("fe80::1", scoped.ip(), "ip() is the address alone, as inet_ntop writes it");
        assertEquals(SockAddr.Unix.abstractName("name"), SockAddr.parse("unix:@name"));
        assertEquals(SockAddr.Unix.path("/run/app.sock"), SockAddr.parse("unix:/run/app.sock"));
        assertEquals(SockAddr.Inet6.loopback(53), SockAddr.ofIp("::1", 53));
        assertEquals(SockAddr.Inet4.loopback(53), SockAddr.ofIp("127.0.0.1", 53));
        // The interface name is looked up locally, no packet sent.
        SockAddr.Inet6 lo = (SockAddr.Inet6) SockAddr.parse("[fe80::1%lo]:80");
        assertTrue(lo.scopeId() > 0, "lo has an interface index");
    }

    @Test
    void malformedTextIsRejectedWithIllegalArgumentException() {
        List<String> accepted = new ArrayList<>();
        for (String bad : List.of("", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:99999",
                "127.0.0.1:http", "127.0.0.1:80x", "127.0.0.1: 80", "256.1.1.1:80", "1.2.3:80", "1.2.3.4.5:80", "01.2.3.4:80",
                "::1:80", "[::1]80", "[::1]", "[::1", "[::g]:80", "[1.2.3.4]:80", "[::1]:", "[::1]:65536",
                "[fe80::1%no-such-if0]:80", "localhost:80", "unix:", ":80", "host.example:80")) {
            try {
                SockAddr a = SockAddr.parse(bad);
                accepted.add("'" + bad + "' -> " + a);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a message says what is wrong with '" + bad + "'");
                assertNoSocketCallIn(e);
            }
        }
        assertTrue(accepted.isEmpty(), "parse accepted malformed text: " + accepted);
        assertThrows(IllegalArgumentException.class, () -> SockAddr.parse(null));
    }

    /** The exception was raised in address code, with no socket call on the stack. */
    private static void assertNoSocketCallIn(Throwable e) {
        Set<String> calls = Set.of("socket", "bind", "connect", "listen", "accept4", "sendto", "recvfrom");
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().equals("org.jsock.sys.Sys")) {
                assertTrue(!calls.contains(f.getMethodName()), "malformed input reached Sys." + f.getMethodName());
            }
        }
    }

    @Test
    void portsOutsideZeroTo65535AreRejected() {
        for (int port : new int[] {-1, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> new SockAddr.Inet4(0x7f000001, port));
            assertThrows(IllegalArgumentException.class, () -> SockAddr.Inet4.loopback(port));
            assertThrows(IllegalArgumentException.class, () -> SockAddr.Inet6.loopback(port));
            assertThrows(IllegalArgumentException.class, () -> SockAddr.ofIp("::1", port));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SockAddr.Inet4.loopback(70000));
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
        assertEquals(0, SockAddr.Inet4.loopback(0).port());
        assertEquals(65535, SockAddr.Inet4.loopback(65535).port());
    }

    @Test
    void otherMalformedAddressesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SockAddr.Inet6(new byte[4], 80, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.Unix.path("/" + "x".repeat(107)), "108-byte path leaves no room for NUL");
        SockAddr.Unix.path("/" + "x".repeat(106)); // 107 bytes fit
        assertThrows(IllegalArgumentException.class, () -> SockAddr.Unix.abstractName("x".repeat(108)));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.Unix.path("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.Inet4.of("not-an-ip", 80));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.Inet6.of("127.0.0.1", 80));
    }

    @Test
    void aMalformedAddressNeverReachesTheKernel() throws Exception {
        // The socket exists, but the bad address is refused before bind or connect is called.
        Socket s = sockets.add(Socket.tcp(Family.INET));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.connect(SockAddr.parse("127.0.0.1:65536")));
        assertNoSocketCallIn(e);
        // A family mismatch too: an IPv6 address on an IPv4 socket.
        e = assertThrows(IllegalArgumentException.class, () -> s.bind(SockAddr.Inet6.loopback(0)));
        assertNoSocketCallIn(e);
        e = assertThrows(IllegalArgumentException.class, () -> s.connect(SockAddr.Unix.path("/tmp/x")));
        assertNoSocketCallIn(e);
        assertEquals(SockAddr.Inet4.any(0), s.localAddress(), "the socket was never bound");
        assertThrows(IllegalArgumentException.class, () -> Socket.connectTo(SockAddr.parse("[::1]:-5")));
    }

    @Test
    void addressesConvertToAndFromJavaNet() throws Exception {
        SockAddr.Inet4 v4 = SockAddr.Inet4.of("192.0.2.7", 8080);
        InetSocketAddress j4 = v4.toJava();
        assertEquals(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 7}), j4.getAddress());
        assertEquals(8080, j4.getPort());
        assertEquals(v4, SockAddr.of(j4));
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 7}, v4.addressBytes());

        SockAddr.Inet6 v6 = (SockAddr.Inet6) SockAddr.parse("[fe80::1%1]:443");
        InetSocketAddress j6 = v6.toJava();
        assertEquals(443, j6.getPort());
        assertEquals(1, ((java.net.Inet6Address) j6.getAddress()).getScopeId());
        assertEquals(v6, SockAddr.of(j6));

        SockAddr.Unix path = SockAddr.Unix.path("/run/app.sock");
        assertEquals(UnixDomainSocketAddress.of("/run/app.sock"), path.toJava());
        assertEquals(path, SockAddr.of(UnixDomainSocketAddress.of("/run/app.sock")));
        assertThrows(UnsupportedOperationException.class, () -> SockAddr.Unix.abstractName("x").toJava(),
                "java.net has no abstract Unix addresses");
        assertThrows(IllegalArgumentException.class, () -> SockAddr.of(InetSocketAddress.createUnresolved("example.invalid", 80)),
                "an unresolved name is refused rather than looked up");
    }

    @Test
    void ipv6AddressesCompareByValueAndCopyTheirBytes() {
        byte[] raw = new byte[16];
        raw[15] = 1;
        SockAddr.Inet6 a = new SockAddr.Inet6(raw, 80, 0, 0);
        raw[15] = 2; // the record took a copy
        assertEquals(SockAddr.Inet6.loopback(80), a);
        assertEquals(SockAddr.Inet6.loopback(80).hashCode(), a.hashCode());
        a.address()[15] = 3; // and hands out copies
        assertEquals(SockAddr.Inet6.loopback(80), a);
        assertNotEquals(SockAddr.Inet6.loopback(81), a);
        assertNotEquals(new SockAddr.Inet6(a.address(), 80, 5, 0), a, "scope id is part of the address");
    }
}
