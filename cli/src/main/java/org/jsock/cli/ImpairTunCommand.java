package org.jsock.cli;

import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.impair.TunLink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code jsock impair-tun}: two network namespaces joined by an impaired link ({@link TunLink}),
 * for kernel TCP or any IP traffic, on machines without tc/netem.
 */
@Command(name = "impair-tun", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Impair IP between two network namespaces: a userspace netem for kernel TCP.",
                "",
                "Carries anything over IPv4, where tc/netem is missing. Needs root and /dev/net/tun.",
                "",
                "Makes namespaces A and B (jsock-a-<pid>-<n>, jsock-b-<pid>-<n>) with 'ip netns add', a TUN",
                "device in each (10.77.<n>.1/30 in A, 10.77.<n>.2/30 in B), and forwards every packet between",
                "the two devices through the impairment, the same model as 'jsock impair': loss (and bursts),",
                "delay and jitter, reordering, duplication, corruption, a bottleneck rate with a drop-tail",
                "queue, blackouts. The options apply to each direction, each with its own random stream",
                "(A to B seeded with S, B to A with S+1). The rate counts whole IP packets, headers included.",
                "Corrupted packets fail the receiving kernel's IP/TCP/UDP checksums and are dropped there.",
                "",
                "Run programs in a namespace with 'ip netns exec NAME command...': the names and addresses",
                "are printed at start. Or give --in-b and --in-a: shell commands run in B, then in A, with",
                "JSOCK_TUN_A and JSOCK_TUN_B set to the addresses; the link stays up until A's command ends,",
                "then B's is stopped and jsock exits with A's status.",
                "",
                "Ctrl-C (SIGINT), SIGTERM, or the end of --duration prints what the link did, closes the",
                "devices and deletes both namespaces. After a SIGKILL, 'jsock impair-tun --cleanup' deletes",
                "namespaces that dead jsock processes left.",
                ""},
        footer = {"", "Examples:",
                "  jsock impair-tun --loss 2%% --delay 15 --rate 10 --queue 25",
                "      then, in two other shells, with the names it printed:",
                "  ip netns exec jsock-b-4242-0 jsock listen 5001",
                "  ip netns exec jsock-a-4242-0 jsock connect 10.77.0.2 5001",
                "",
                "  jsock impair-tun --delay 15 --rate 10 --queue 25 --loss 2%% \\",
                "      --in-b 'iperf3 -s -1' --in-a 'sleep 0.5; iperf3 -c $JSOCK_TUN_B -t 10'",
                "  jsock impair-tun --cleanup"})
final class ImpairTunCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--loss", paramLabel = "P", description = "Average loss probability (0.02 or 2%%).")
    String loss;

    @Option(names = "--burst", paramLabel = "N", description = "Mean length of a run of losses, in packets (needs --loss; 1 or less: independent losses).")
    String burst;

    @Option(names = "--delay", paramLabel = "MS", description = "One-way delay in milliseconds (fractions allowed).")
    String delay;

    @Option(names = "--jitter", paramLabel = "MS", description = "Up to this many milliseconds more, uniformly at random, per packet.")
    String jitter;

    @Option(names = "--reorder", paramLabel = "P", description = "Probability that a packet is held back so that later ones overtake it.")
    String reorder;

    @Option(names = "--duplicate", paramLabel = "P", description = "Probability that a packet is delivered twice.")
    String duplicate;

    @Option(names = "--corrupt", paramLabel = "P", description = "Probability that one byte of a packet is changed.")
    String corrupt;

    @Option(names = "--rate", paramLabel = "MBPS", description = "Bottleneck rate in Mbit/s (whole IP packets; default unlimited).")
    String rate;

    @Option(names = "--queue", paramLabel = "PKTS", description = "Drop-tail queue before the bottleneck, in packets (needs --rate).")
    String queue;

    @Option(names = "--blackout", paramLabel = "ON,OFF", description = "Up for ON ms, then down (dropping everything) for OFF ms, repeating.")
    String blackout;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random choices (default 1). A to B uses S, B to A S+1.")
    String seed;

    @Option(names = "--duration", paramLabel = "SECS", description = "Tear down after this many seconds (default: until interrupted).")
    String duration;

    @Option(names = "--in-b", paramLabel = "CMD", description = "A shell command to run in namespace B (started first).")
    String inB;

    @Option(names = "--in-a", paramLabel = "CMD", description = "A shell command to run in namespace A; the link lasts until it ends.")
    String inA;

    @Option(names = "--cleanup", description = "Delete namespaces left by jsock processes that no longer run, and exit.")
    boolean cleanup;

    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (cleanup) {
            List<String> removed = TunLink.removeStale();
            out.println(removed.isEmpty() ? "no stale jsock namespaces" : "deleted " + String.join(", ", removed));
            return 0;
        }
        Impairment impairment = impairment();
        long s = seed == null ? 1 : integer("--seed", seed);
        long durationNanos = duration == null ? 0 : nanos("--duration", duration, 1e9);
        if (duration != null && durationNanos <= 0) throw CliException.usage("--duration must be above 0 seconds, got " + duration);
        if (inA == null && inB != null) throw CliException.usage("--in-b needs --in-a: the link lasts as long as A's command");
        var reason = TunLink.unavailable();
        if (reason.isPresent()) throw new CliException("impair-tun: " + reason.get(), 1, null);

        TunLink link;
        try {
            link = TunLink.start(impairment, impairment, s);
        } catch (IOException e) {
            throw new CliException("impair-tun: " + e.getMessage(), 1, e);
        }
        CountDownLatch signalled = new CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
            signalled.countDown();
            finish(link, out);
        }, "jsock impair-tun shutdown");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            describe(link, impairment, s, out);
            if (inA != null) return runCommands(link, durationNanos, out);
            if (durationNanos > 0) signalled.await(durationNanos, TimeUnit.NANOSECONDS);
            else signalled.await();
            return 0;
        } finally {
            boolean hookRemoved;
            try {
                hookRemoved = Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                hookRemoved = false;
            }
            // Without the hook (a signal came), the hook prints and tears down; the JVM waits for it.
            if (hookRemoved) finish(link, out);
        }
    }

    private void describe(TunLink link, Impairment impairment, long s, PrintStream out) {
        out.println("jsock impair-tun: " + impairment.describe() + ", each way (seed " + s + ")");
        out.println("  A: namespace " + link.namespaceA() + ", device " + link.deviceA() + ", address " + link.addressA() + "/" + TunLink.PREFIX_LENGTH);
        out.println("  B: namespace " + link.namespaceB() + ", device " + link.deviceB() + ", address " + link.addressB() + "/" + TunLink.PREFIX_LENGTH);
        if (inA == null) {
            out.println("Run programs in them with ip netns exec, for example:");
            out.println("  ip netns exec " + link.namespaceB() + " jsock listen 5001");
            out.println("  ip netns exec " + link.namespaceA() + " jsock connect " + link.addressB() + " 5001");
            out.println("Ctrl-C (SIGINT) or SIGTERM" + (duration != null ? ", or " + duration + " s," : "")
                    + " ends the link and deletes both namespaces.");
        }
        out.flush();
    }

    private volatile Process commandA;
    private volatile Process commandB;

    /** Runs --in-b, then --in-a; returns A's exit status once it ends (or 124 when --duration ends it first). */
    private int runCommands(TunLink link, long durationNanos, PrintStream out) throws IOException, InterruptedException {
        Map<String, String> env = Map.of("JSOCK_TUN_A", link.addressA(), "JSOCK_TUN_B", link.addressB(),
                "JSOCK_NETNS_A", link.namespaceA(), "JSOCK_NETNS_B", link.namespaceB());
        if (inB != null) commandB = shell(link.commandInB("sh", "-c", inB), env);
        Process a = shell(link.commandInA("sh", "-c", inA), env);
        commandA = a;
        if (durationNanos > 0 && !a.waitFor(durationNanos, TimeUnit.NANOSECONDS)) {
            out.println("jsock impair-tun: --duration ended A's command");
            return 124;
        }
        int status = a.waitFor();
        // B's command may be about to end by itself (iperf3 -s -1 after its test): a moment for that.
        Process b = commandB;
        if (b != null) b.waitFor(1, TimeUnit.SECONDS);
        return status;
    }

    private static Process shell(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO().redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Stops a command and whatever its shell started (SIGTERM, then SIGKILL after 5 s). */
    private static void stop(Process p) {
        if (p == null || !p.isAlive()) return;
        List<ProcessHandle> tree = p.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private boolean finished;

    /** Once, from the command or the shutdown hook, whichever comes first; the other waits for it. */
    private synchronized void finish(TunLink link, PrintStream out) {
        if (finished) return;
        finished = true;
        stop(commandA);
        stop(commandB);
        if (link.failure() != null) out.println("jsock impair-tun: forwarding failed: " + link.failure());
        out.println("A -> B: " + link.statsAToB());
        out.println("B -> A: " + link.statsBToA());
        if (link.forwardDrops() > 0) out.println("refused by the kernel or over the memory bound: " + link.forwardDrops());
        out.flush();
        link.close();
    }

    // ---- options --------------------------------------------------------------------------------

    private Impairment impairment() {
        Impairment.Builder b = Impairment.builder();
        if (loss != null) b.loss(probability("--loss", loss));
        if (burst != null) b.burst(number("--burst", burst, "4"));
        if (delay != null) b.delayNanos(nanos("--delay", delay, 1e6));
        if (jitter != null) b.jitterNanos(nanos("--jitter", jitter, 1e6));
        if (reorder != null) b.reorder(probability("--reorder", reorder));
        if (duplicate != null) b.duplicate(probability("--duplicate", duplicate));
        if (corrupt != null) b.corrupt(probability("--corrupt", corrupt));
        if (rate != null) b.rateMbps(number("--rate", rate, "10"));
        if (queue != null) b.queue((int) Math.min(Integer.MAX_VALUE, integer("--queue", queue)));
        if (blackout != null) {
            String[] parts = blackout.split(",", -1);
            if (parts.length != 2) throw CliException.usage("--blackout takes ON,OFF in milliseconds (500,100), got " + blackout);
            b.blackout(Duration.ofNanos(nanos("--blackout", parts[0], 1e6)), Duration.ofNanos(nanos("--blackout", parts[1], 1e6)));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    static double probability(String option, String text) {
        String t = text.strip();
        boolean percent = t.endsWith("%");
        if (percent) t = t.substring(0, t.length() - 1).strip();
        if (!DECIMAL.matcher(t).matches()) {
            throw CliException.usage(option + " takes a probability, 0.02 or 2%, got " + text);
        }
        double p = Double.parseDouble(t) / (percent ? 100 : 1);
        if (p > 1) throw CliException.usage(option + " must be at most 1 (100%), got " + text);
        return p;
    }

    private static double number(String option, String text, String example) {
        String t = text.strip();
        if (!DECIMAL.matcher(t).matches()) throw CliException.usage(option + " takes a number >= 0, " + example + " say, got " + text);
        return Double.parseDouble(t);
    }

    private static long nanos(String option, String text, double unitNanos) {
        String t = text.strip();
        if (!DECIMAL.matcher(t).matches()) throw CliException.usage(option + " takes a number >= 0 (fractions allowed), got " + text);
        double n = Double.parseDouble(t) * unitNanos;
        if (n > Long.MAX_VALUE / 2.0) throw CliException.usage(option + " is too large: " + text);
        return Math.round(n);
    }

    private static long integer(String option, String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw CliException.usage(option + " takes a whole number, got " + text);
        }
    }
}
