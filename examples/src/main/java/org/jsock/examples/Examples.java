package org.jsock.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The seeds' programs by name, on each API level: {@code sys} (ported line by line from the C) and
 * {@code net} (the typed API). Each prints exactly what its C original in {@code examples/c} prints.
 */
public final class Examples {
    private Examples() {}

    public enum Level { SYS, NET }

    /** A program: its name, what it does, its C original, and its two Java versions. */
    public record Entry(String name, String usage, String summary, String cFile, Example sys, Example net) {
        public Example at(Level level) { return level == Level.SYS ? sys : net; }
    }

    private static final Map<String, Entry> ALL = new LinkedHashMap<>();

    static {
        add(new Entry("create-socket", "create-socket", "create a TCP and a UDP socket and print their fds",
                "create_socket.c", org.jsock.examples.sys.CreateSocket::main, org.jsock.examples.net.CreateSocket::main));
        add(new Entry("addr-convert", "addr-convert", "convert IPv4 and IPv6 addresses to binary and back",
                "addr_convert.c", org.jsock.examples.sys.AddrConvert::main, org.jsock.examples.net.AddrConvert::main));
        add(new Entry("resolve", "resolve HOST", "resolve a hostname to its IPv4 and IPv6 addresses",
                "resolve.c", org.jsock.examples.sys.Resolve::main, org.jsock.examples.net.Resolve::main));
        add(new Entry("hello-server", "hello-server [PORT]", "accept one connection and say hello (port 8080)",
                "hello_server.c", org.jsock.examples.sys.HelloServer::main, org.jsock.examples.net.HelloServer::main));
        add(new Entry("hello-client", "hello-client [PORT]", "connect to 127.0.0.1:8080 and print the server's message",
                "hello_client.c", org.jsock.examples.sys.HelloClient::main, org.jsock.examples.net.HelloClient::main));
        add(new Entry("tcp-server", "tcp-server [PORT]", "accept one connection and echo once (port 7878)",
                "tcp_server.c", org.jsock.examples.sys.TcpServer::main, org.jsock.examples.net.TcpServer::main));
        add(new Entry("tcp-client", "tcp-client HOST PORT", "send a line to a server and print its reply",
                "tcp_client.c", org.jsock.examples.sys.TcpClient::main, org.jsock.examples.net.TcpClient::main));
        add(new Entry("udp-echo", "udp-echo [PORT]", "receive one datagram and send it back (port 9000)",
                "udp_echo.c", org.jsock.examples.sys.UdpEcho::main, org.jsock.examples.net.UdpEcho::main));
        add(new Entry("udp-ping", "udp-ping [PORT]", "send \"ping\" to 127.0.0.1:9000 and print the reply",
                "udp_ping.c", org.jsock.examples.sys.UdpPing::main, org.jsock.examples.net.UdpPing::main));
    }

    private static void add(Entry e) { ALL.put(e.name(), e); }

    public static Set<String> names() { return ALL.keySet(); }

    public static Entry get(String name) { return ALL.get(name); }

    public static Iterable<Entry> all() { return ALL.values(); }
}
