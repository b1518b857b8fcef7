package org.jsock.cli;

import org.jsock.rudp.impair.TunLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code jsock impair-tun} in a child JVM: its help and usage errors anywhere; as root, the
 * namespaces it prints, the commands it runs in them, and the teardown on exit and on SIGTERM.
 */
@Timeout(60)
class ImpairTunCliTest {
    private static final long EXIT_S = 30;
    private static final Pattern NAMESPACE = Pattern.compile("namespace (jsock-[ab]-\\d+-\\d+)");

    private static void assumeRoot() {
        var reason = TunLink.unavailable();
        assumeTrue(reason.isEmpty(), () -> "impair-tun cannot run here (" + reason.orElse("") + "): skipped");
    }

    private static List<String> namespaces() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return out.lines().map(l -> l.split(" ")[0]).toList();
    }

    private static List<String> printedNamespaces(String stdout) {
        Matcher m = NAMESPACE.matcher(stdout);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) names.add(m.group(1));
        return names;
    }

    @Test
    void helpSaysHowToRunProgramsInTheNamespaces() throws Exception {
        try (JsockProcess p = JsockProcess.start("impair-tun", "--help")) {
            assertEquals(0, p.waitFor(EXIT_S), p.stderr());
            String help = p.stdout();
            for (String s : List.of("ip netns exec", "--loss", "--rate", "--queue", "--in-a", "--cleanup", "SIGTERM", "root")) {
                assertTrue(help.contains(s), "help mentions " + s + ":\n" + help);
            }
            assertEquals("", p.stderr());
        }
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        for (List<String> args : List.of(List.of("--loss", "150%"), List.of("--queue", "25"), List.of("--delay", "-3"),
                List.of("--in-b", "true"), List.of("--blackout", "100"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of("impair-tun"));
            cmd.addAll(args);
            try (JsockProcess p = JsockProcess.start(cmd.toArray(String[]::new))) {
                assertEquals(2, p.waitFor(EXIT_S), args + ": " + p.stderr());
                assertTrue(p.stderr().startsWith("jsock: "), p.stderr());
                assertEquals(1, p.stderr().strip().lines().count(), "one line: " + p.stderr());
            }
        }
    }

    @Test
    void commandsRunInTheirNamespacesAndAsStatusIsTheExitStatus() throws Exception {
        assumeRoot();
        try (JsockProcess p = JsockProcess.start("impair-tun", "--delay", "5",
                "--in-b", "sleep 20",
                "--in-a", "ip -4 -o addr show; echo \"B is $JSOCK_TUN_B\"; exit 3")) {
            assertEquals(3, p.waitFor(EXIT_S), p.stdout() + p.stderr());
            String out = p.stdout();
            List<String> names = printedNamespaces(out);
            assertEquals(2, names.size(), out);
            assertTrue(out.matches("(?s).*inet 10\\.77\\.\\d+\\.1/30 .*"), "A's command saw A's address:\n" + out);
            assertFalse(out.matches("(?s).*inet 10\\.77\\.\\d+\\.2/30 .*"), "and not B's:\n" + out);
            assertTrue(out.matches("(?s).*B is 10\\.77\\.\\d+\\.2\n.*"), out);
            assertTrue(out.contains("A -> B: offered "), "the link's counts at the end:\n" + out);
            List<String> left = namespaces();
            assertFalse(left.contains(names.get(0)) || left.contains(names.get(1)), "namespaces deleted: " + left);
        }
    }

    @Test
    void sigtermTearsTheLinkDown() throws Exception {
        assumeRoot();
        try (JsockProcess p = JsockProcess.start("impair-tun", "--loss", "2%", "--delay", "15", "--rate", "10", "--queue", "25")) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!p.stdout().contains("ends the link") && p.process.isAlive() && System.nanoTime() < end) Thread.sleep(20);
            String out = p.stdout();
            assertTrue(out.contains("ip netns exec jsock-b-"), out + p.stderr());
            assertTrue(out.contains("loss 2%, delay 15 ms, rate 10 Mbit/s, queue 25"), out);
            List<String> names = printedNamespaces(out);
            assertTrue(namespaces().containsAll(names), "both namespaces exist while it runs: " + names);
            // SIGTERM through the handle: Process.destroy() would also close our end of its stdout.
            p.process.toHandle().destroy();
            assertEquals(143, p.waitFor(EXIT_S), p.stderr());
            assertTrue(p.stdout().contains("B -> A: offered "), p.stdout());
            List<String> left = namespaces();
            assertFalse(left.contains(names.get(0)) || left.contains(names.get(1)), "namespaces deleted: " + left);
        }
    }
}
