package org.jsock.rudp.impair;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Kernel TCP between two network namespaces through a {@link TunLink}: {@link TunProbe} runs in
 * each namespace (a JVM started with {@code ip netns exec}). Needs root; skipped otherwise.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(60)
class TunLinkTest {
    private static final int PORT = 5001;
    private static final int MEGABYTE = 1 << 20;

    private static void assumeAvailable() {
        var reason = TunLink.unavailable();
        assumeTrue(reason.isEmpty(), () -> "TunLink cannot run here (" + reason.orElse("") + "): skipped");
    }

    /** A TunProbe JVM in a namespace; its stdout lines arrive in a queue, read with a time limit. */
    private static final class Probe implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new ArrayBlockingQueue<>(64);
        final Thread reader;

        Probe(List<String> command) throws IOException {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            reader = Thread.ofPlatform().daemon(true).name("probe output").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) lines.offer(l);
                } catch (IOException ignored) {
                    // the process ended or was destroyed
                }
            });
        }

        static Probe in(TunLink link, boolean inA, String... args) throws IOException {
            List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), TunProbe.class.getName()));
            java.addAll(List.of(args));
            String[] cmd = java.toArray(String[]::new);
            return new Probe(inA ? link.commandInA(cmd) : link.commandInB(cmd));
        }

        /** The next line starting with {@code prefix}, within 15 s; fails with everything seen otherwise. */
        String await(String prefix) throws InterruptedException {
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                String l = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (l == null) break;
                if (l.startsWith(prefix)) return l;
                seen.add(l);
            }
            throw new AssertionError("no '" + prefix + "' line from " + process.info().commandLine().orElse("the probe")
                    + "; it printed: " + seen);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(5_000);
        }
    }

    /** Runs a TCP transfer of {@code bytes} from A to B; returns the fastest of the client's three connects, in ns. */
    private static long transfer(TunLink link, int bytes) throws Exception {
        try (Probe server = Probe.in(link, false, "serve", Integer.toString(PORT))) {
            server.await("listening");
            try (Probe client = Probe.in(link, true, "send", link.addressB(), Integer.toString(PORT),
                    Integer.toString(bytes), "42", "5000")) {
                String connected = client.await("connected ");
                String sent = client.await("sent ");
                String received = server.await("received ");
                assertEquals(sent.substring("sent ".length()), received.substring("received ".length()),
                        "B received exactly the bytes A sent (count and SHA-256)");
                assertTrue(sent.startsWith("sent " + bytes + " "), sent);
                return Long.parseLong(connected.substring("connected ".length()));
            }
        }
    }

    @Test
    void anUnimpairedLinkCarriesAMegabyteOfKernelTcpIntact() throws Exception {
        assumeAvailable();
        try (TunLink link = TunLink.start(Impairment.NONE, 7)) {
            long connectNanos = transfer(link, MEGABYTE);
            // The contrast with the delayed link below: unimpaired, a handshake is far quicker than 40 ms.
            assertTrue(connectNanos < 40_000_000L, "the fastest connect took " + connectNanos / 1e6 + " ms on an unimpaired link");
            LinkStats ab = link.statsAToB();
            LinkStats ba = link.statsBToA();
            // A megabyte is at least 725 full segments of 1448 bytes, each more with its headers.
            assertTrue(ab.delivered() >= MEGABYTE / 1448, "A to B delivered " + ab);
            assertTrue(ab.bytesDelivered() > MEGABYTE, "A to B carried the megabyte and its headers: " + ab);
            assertEquals(0, ab.dropped(), ab.toString());
            assertTrue(ba.delivered() > 0, "B's ACKs crossed back: " + ba);
            assertEquals(0, link.forwardDrops());
            assertTrue(link.isRunning());
        }
    }

    @Test
    void aDelayOf20MsEachWayMakesTheTcpHandshakeTakeARoundTrip() throws Exception {
        assumeAvailable();
        Impairment delay = Impairment.builder().delayMillis(20).build();
        try (TunLink link = TunLink.start(delay, delay, 7)) {
            long connectNanos = transfer(link, 10_000);
            assertTrue(connectNanos >= 40_000_000L, "SYN and SYN-ACK each wait 20 ms, so every connect takes >= 40 ms;"
                    + " the fastest took " + connectNanos / 1e6 + " ms");
            assertTrue(connectNanos < 1_000_000_000L, "connect took " + connectNanos / 1e6 + " ms");
            assertTrue(link.statsAToB().delivered() > 0 && link.statsBToA().delivered() > 0);
        }
    }

    @Test
    void totalLossLetsNothingThrough() throws Exception {
        assumeAvailable();
        Impairment all = Impairment.builder().loss(1.0).build();
        try (TunLink link = TunLink.start(all, all, 7);
             Probe client = Probe.in(link, true, "send", link.addressB(), Integer.toString(PORT), "100", "1", "1500")) {
            assertEquals("timeout", client.await("timeout"), "the SYN never arrives, nor any answer");
            LinkStats ab = link.statsAToB();
            assertTrue(ab.offered() >= 1, "A's SYN was offered to the link: " + ab);
            assertEquals(ab.offered(), ab.lost(), "every packet A sent was lost: " + ab);
            assertEquals(0, ab.delivered(), ab.toString());
            assertEquals(0, link.statsBToA().offered(), "B heard nothing, so it sent nothing: " + link.statsBToA());
        }
    }

    private static List<String> namespaces() throws IOException {
        return List.of(TunLink.run(List.of("ip", "netns", "list")).split("\n")).stream()
                .map(l -> l.split(" ")[0]).filter(l -> !l.isBlank()).toList();
    }

    private static long tunFds() {
        return FdLeakCheck.openFds().stream().filter(f -> f.endsWith("-> /dev/net/tun")).count();
    }

    @Test
    void setUpAsDescribedAndCloseLeavesNoNamespaceDeviceOrFd() throws Exception {
        assumeAvailable();
        long fdsBefore = tunFds();
        TunLink link = TunLink.start(Impairment.NONE, 1);
        String a = link.namespaceA();
        String b = link.namespaceB();
        try {
            long pid = ProcessHandle.current().pid();
            assertTrue(a.matches("jsock-a-" + pid + "-\\d+") && b.matches("jsock-b-" + pid + "-\\d+"), a + " " + b);
            assertTrue(namespaces().containsAll(List.of(a, b)), "ip netns list shows both: " + namespaces());
            assertEquals(fdsBefore + 2, tunFds(), "one /dev/net/tun fd per device");
            String addrA = TunLink.run(List.of("ip", "-n", a, "-4", "addr", "show", "dev", link.deviceA()));
            assertTrue(addrA.contains("inet " + link.addressA() + "/30") && addrA.contains("UP"), addrA);
            String addrB = TunLink.run(List.of("ip", "-n", b, "-4", "addr", "show", "dev", link.deviceB()));
            assertTrue(addrB.contains("inet " + link.addressB() + "/30") && addrB.contains("UP"), addrB);
            String route = TunLink.run(List.of("ip", "-n", a, "route", "get", link.addressB()));
            assertTrue(route.contains("dev " + link.deviceA()), "A reaches B through its TUN device: " + route);
            assertNotEquals(link.deviceA(), link.deviceB(), "two devices");
            assertEquals(List.of("ip", "netns", "exec", a, "iperf3", "-s"), link.commandInA("iperf3", "-s"));
            assertEquals(List.of("ip", "netns", "exec", b, "sh", "-c", "echo hi"), link.commandInB("sh", "-c", "echo hi"));
        } finally {
            link.close();
        }
        assertFalse(link.isRunning());
        assertFalse(namespaces().contains(a) || namespaces().contains(b), "no namespace left: " + namespaces());
        assertEquals(fdsBefore, tunFds(), "no /dev/net/tun fd left");
        IOException gone = assertThrows(IOException.class, () -> TunLink.run(List.of("ip", "-n", a, "link")));
        assertTrue(gone.getMessage().contains(a), gone.getMessage());
        link.close(); // idempotent
    }

    @Test
    void removeStaleDeletesOnlyNamespacesOfDeadProcesses() throws Exception {
        assumeAvailable();
        Process dead = new ProcessBuilder("true").redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(dead.waitFor(10, TimeUnit.SECONDS));
        String stale = "jsock-a-" + dead.pid() + "-0";
        TunLink.run(List.of("ip", "netns", "add", stale));
        try (TunLink live = TunLink.start(Impairment.NONE, 1)) {
            List<String> removed = TunLink.removeStale();
            assertTrue(removed.contains(stale), "the dead process's namespace was removed: " + removed);
            assertFalse(removed.contains(live.namespaceA()) || removed.contains(live.namespaceB()), removed.toString());
            assertTrue(namespaces().containsAll(List.of(live.namespaceA(), live.namespaceB())));
            assertFalse(namespaces().contains(stale));
        } finally {
            if (namespaces().contains(stale)) TunLink.run(List.of("ip", "netns", "del", stale));
        }
    }

    @Test
    void commandLinesForANamespaceAreIpNetnsExec() {
        assertEquals(List.of("ip", "netns", "exec", "jsock-b-1-0", "jsock", "listen", "5001"),
                TunLink.inNamespace("jsock-b-1-0", "jsock", "listen", "5001"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TunLink.inNamespace("x"));
        assertNotNull(e.getMessage());
    }
}
