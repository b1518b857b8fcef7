package org.jsock.cli;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * --trace must be honest: run jsock under {@code strace -f -e trace=network,close} and check that
 * every call jsock traced on its own sockets is exactly what strace saw, arguments and results.
 */
@ExtendWith(FdLeakCheck.class)
class TraceMatchesStraceTest {
    private static final Pattern PID = Pattern.compile("^\\d+\\s+");
    private static final Pattern CALL = Pattern.compile("^(\\w+)\\((\\d+)?.*\\) += (-?\\d+).*$");

    @Test
    void connectTraceShowsTheSameCallsAsStrace() throws Exception {
        traceMatchesStrace("hello, strace\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Escapes as strace writes them: C escapes, octal (three digits before a digit), and "..." past 32 bytes. */
    @Test
    void dataIsEscapedAndCutAsStraceDoes() throws Exception {
        byte[] data = {0, 1, '7', '\t', '"', '\\', (byte) 0xff, (byte) 0x80, 'a', '\r', 0x0b, 0x0c, 0x1b, '[', 'x', 033,
                '0', 'z', ' ', '~', 0x7f, 'e', 'n', 'd', '\n', 'm', 'o', 'r', 'e', '.', '.', '.', 'p', 'a', 's', 't', '\n'};
        traceMatchesStrace(data);
    }

    private void traceMatchesStrace(byte[] input) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        try (Socket server = Socket.listenOn(SockAddr.Inet4.loopback(0), 4)) {
            int port = ((SockAddr.Inet4) server.localAddress()).port();
            Thread echo = Thread.ofPlatform().daemon(true).start(() -> {
                try (Socket c = server.accept()) {
                    ByteBuffer b = ByteBuffer.allocate(1024);
                    while (c.recv(b) != Socket.EOF) {
                        b.flip();
                        c.sendAll(b);
                        b.clear();
                    }
                } catch (Exception ignored) {
                    // the test's assertions say what went wrong
                }
            });
            Path straceOut = Files.createTempFile("jsock-strace", ".txt");
            try (JsockProcess p = JsockProcess.start(
                    List.of("strace", "-f", "-qq", "-e", "trace=network,close,dup2,fcntl,poll,read,write", "-o", straceOut.toString()),
                    "--trace", "connect", "127.0.0.1", Integer.toString(port))) {
                p.input(input);
                assertEquals(0, p.waitFor(60), p.stderr());
                org.junit.jupiter.api.Assertions.assertArrayEquals(input, p.stdoutBytes());
                List<String> ours = traceLines(p.stderr());
                List<String> theirs = straceLines(Files.readAllLines(straceOut));
                Set<String> fds = socketFds(ours);
                assertTrue(!fds.isEmpty(), "jsock traced no socket: " + p.stderr());
                List<String> seen = onFds(lifetime(theirs, fds), fds);
                assertEquals(sorted(onFds(ours, fds)), sorted(seen), "jsock --trace and strace disagree");
                for (String call : List.of("socket", "connect", "sendto", "recvfrom", "shutdown", "close")) {
                    assertTrue(ours.stream().anyMatch(l -> l.startsWith(call + "(")), "no " + call + " in " + ours);
                }
            } finally {
                Files.deleteIfExists(straceOut);
            }
            echo.join(5000);
        }
    }

    /** jsock's trace lines on stderr (its other stderr lines start with "jsock:"). */
    private static List<String> traceLines(String stderr) {
        List<String> out = new ArrayList<>();
        for (String l : stderr.split("\n")) if (CALL.matcher(l).matches()) out.add(l);
        return out;
    }

    /** strace's lines without pids, with "unfinished ... resumed" pairs joined back into one. */
    static List<String> straceLines(List<String> raw) {
        Map<String, String> unfinished = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (String line : raw) {
            Matcher m = Pattern.compile("^(\\d+)\\s+(.*)$").matcher(line);
            if (!m.matches()) continue;
            String pid = m.group(1);
            String rest = m.group(2);
            if (rest.endsWith("<unfinished ...>")) {
                unfinished.put(pid, rest.substring(0, rest.length() - " <unfinished ...>".length()));
            } else if (rest.startsWith("<... ")) {
                String head = unfinished.remove(pid);
                int r = rest.indexOf(" resumed>");
                if (head != null && r > 0) out.add(normalize(head + rest.substring(r + " resumed>".length())));
            } else if (!rest.startsWith("---") && !rest.startsWith("+++")) {
                out.add(normalize(rest));
            }
        }
        return out;
    }

    // strace pads the "= result" column; jsock writes one space.
    private static String normalize(String l) {
        return PID.matcher(l).replaceFirst("").replaceAll("\\)\\s+= ", ") = ");
    }

    /** The fds jsock's socket() and accept() calls returned. */
    private static Set<String> socketFds(List<String> ours) {
        Set<String> fds = new HashSet<>();
        for (String l : ours) {
            Matcher m = CALL.matcher(l);
            if (m.matches() && (m.group(1).equals("socket") || m.group(1).startsWith("accept")) && !m.group(3).startsWith("-")) {
                fds.add(m.group(3));
            }
        }
        return fds;
    }

    /**
     * strace's lines from the socket() that made jsock's fd to the close() that ended it: before and
     * after, the JVM reuses the number for files of its own.
     */
    private static List<String> lifetime(List<String> lines, Set<String> fds) {
        List<String> out = new ArrayList<>();
        boolean open = false;
        for (String l : lines) {
            Matcher m = CALL.matcher(l);
            if (!m.matches()) continue;
            if (m.group(1).equals("socket") && fds.contains(m.group(3))) open = true;
            if (open) out.add(l);
            if (open && m.group(1).equals("close") && fds.contains(m.group(2))) open = false;
        }
        return out;
    }

    /** strace lines for jsock's fds: socket() returning one, or any call whose first argument is one. */
    private static List<String> onFds(List<String> lines, Set<String> fds) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            Matcher m = CALL.matcher(l);
            if (!m.matches()) continue;
            boolean mine = m.group(1).equals("socket") ? fds.contains(m.group(3)) && l.contains("AF_INET,")
                    : fds.contains(m.group(2));
            if (mine) out.add(l);
        }
        return out;
    }

    private static List<String> sorted(List<String> l) {
        List<String> s = new ArrayList<>(l);
        s.sort(null);
        return s;
    }
}
