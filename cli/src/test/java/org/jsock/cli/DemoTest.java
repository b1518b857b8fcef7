package org.jsock.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's first command: the demo shows each call, in order, with real fds and results. */
class DemoTest {
    @Test
    void demoShowsEveryCallInOrderAndEndsWithWhatToTryNext() throws Exception {
        try (JsockProcess p = JsockProcess.start("demo")) {
            p.input("");
            assertEquals(0, p.waitFor(60), p.stderr());
            String out = p.stdout();
            // Seed 000: the server's calls in the order the C makes them, with real fds.
            assertInOrder(out, "[server] ", "socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = ", "bind(", "listen(", "accept(", "sendto(", "close(");
            assertInOrder(out, "[client] ", "socket(", "connect(", "recvfrom(", "close(");
            assertTrue(out.contains("[server] > Server listening on port "), out);
            assertTrue(out.contains("[client] > Server message: Hello from server!"), out);
            // Seed 002: SO_REUSEADDR, read/write echo.
            assertTrue(out.contains("setsockopt(") && out.contains("SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"), out);
            assertTrue(out.contains("[client] > Server replied: Hello, server!"), out);
            // Half-close.
            assertTrue(out.contains("shutdown(") && out.contains("SHUT_WR) = 0"), out);
            assertTrue(out.contains("[client] > got 12 bytes, then EOF"), out);
            assertTrue(out.contains("Try next:"), out);
        }
    }

    /** Checks that the lines with {@code prefix} contain the calls in this order. */
    private static void assertInOrder(String out, String prefix, String... calls) {
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) if (l.startsWith(prefix) && !l.startsWith(prefix + ">")) lines.add(l.substring(prefix.length()));
        int at = 0;
        for (String call : calls) {
            while (at < lines.size() && !lines.get(at).startsWith(call)) at++;
            assertTrue(at < lines.size(), "missing " + prefix + call + " in order, in:\n" + String.join("\n", lines));
            at++;
        }
    }
}
