package org.jsock.examples;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server and client programs that talk to each other, what each prints, and how their output is
 * compared when the port differs from run to run.
 */
enum Pairs {
    HELLO("hello-server", "hello-client", false,
            "Server listening on port PORT...\nConnection accepted\n",
            "Connected to server\nServer message: Hello from server!\n"),
    TCP("tcp-server", "tcp-client", false,
            "Listening on port PORT...\nConnection from 127.0.0.1:EPHEMERAL\n",
            "Server replied: Hello, server!\n"),
    UDP("udp-echo", "udp-ping", true,
            "UDP echo listening on port PORT...\nEchoed 4 bytes to 127.0.0.1:EPHEMERAL\n",
            "Got 4 bytes from 127.0.0.1:PORT: ping\n");

    final String server;
    final String client;
    final boolean udp;
    /** What the C server prints, with the port and the client's port masked (see {@link #mask}). */
    final String serverOut;
    final String clientOut;

    Pairs(String server, String client, boolean udp, String serverOut, String clientOut) {
        this.server = server;
        this.client = client;
        this.udp = udp;
        this.serverOut = serverOut;
        this.clientOut = clientOut;
    }

    Object[] serverArgs(int port) { return new Object[] {port}; }

    Object[] clientArgs(int port) {
        return this == TCP ? new Object[] {"127.0.0.1", port} : new Object[] {port};
    }

    // The servers print the client's address; its port is ephemeral, chosen by the kernel for each
    // run, so it differs between any two runs. Those digits (and only those) are masked here; the
    // tests that are the client themselves check the exact port.
    private static final Pattern PEER = Pattern.compile("(Connection from|bytes to) 127\\.0\\.0\\.1:\\d+\n");

    /**
     * The output with {@code port} (chosen free for each run) written as PORT, and the client's
     * ephemeral port in a server's output as EPHEMERAL. Everything else stays byte for byte.
     */
    static String mask(String out, int port) {
        Matcher m = PEER.matcher(out);
        String s = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + " 127.0.0.1:EPHEMERAL\n"));
        return s.replaceAll("(?<![0-9])" + port + "(?![0-9])", "PORT");
    }
}
