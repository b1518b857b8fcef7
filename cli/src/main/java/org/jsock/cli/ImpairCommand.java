package org.jsock.cli;

import org.jsock.net.Resolver;
import org.jsock.net.SockAddr;
import org.jsock.net.SockType;
import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.impair.LinkStats;
import org.jsock.rudp.impair.Relay;
import org.jsock.sys.GaiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

@Command(name = "impair", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Relay UDP through an impaired link: loss, delay, rate limits, corruption and more.",
                "",
                "Both ways: loss, bursts of loss, delay, jitter, reordering, duplication, corruption, a rate",
                "limit with a queue, and blackouts. For testing what runs over UDP (rudp, say) where",
                "tc/netem is not available: point the client at --listen instead of at the server, and the",
                "relay forwards to --to. (For kernel TCP, see jsock impair-tun.)",
                "",
                "Each client address gets its own socket connected to the target (as socat's UDP relay does), so",
                "replies reach the right client; a client silent for 60 s is forgotten. Each direction has its",
                "own impairment state, with the same settings. What happens to a datagram, in order:",
                "  blackout  --blackout ON,OFF (ms): up for ON, then everything dropped for OFF, again and again",
                "  loss      lost with probability P; with --burst N > 1, losses come in runs averaging N",
                "            (a Gilbert-Elliott chain whose long-run loss rate is still P); N <= 1: independent",
                "  rate      the bottleneck: each datagram takes bytes*8/rate to send and waits for those ahead;",
                "            --queue: a drop-tail queue of that many datagrams (needs --rate; default unbounded)",
                "  delay     one-way delay, plus a uniform random extra in [0, jitter] (jitter may reorder)",
                "  reorder   with probability P, held back by a further random delay of up to max(1 ms, delay),",
                "            so that later datagrams overtake it",
                "  duplicate with probability P, a second copy, with its own jitter, reordering and corruption",
                "  corrupt   with probability P, one byte of a delivered copy is changed",
                "Probabilities are written 0.02 or 2%%. Runs are seeded (--seed): the same datagrams meet the same",
                "fate. Prints what it relays at start, and each direction's counts when it stops (SIGINT, SIGTERM,",
                "or --duration); -v prints them every second too.",
                ""},
        footer = {"", "Examples:",
                "  jsock impair --listen 9000 --to 127.0.0.1:7000 --loss 2%%",
                "      client -> 127.0.0.1:9000 -> server at 127.0.0.1:7000, losing 2%% each way",
                "  jsock impair --listen 9000 --to 127.0.0.1:7000 --loss 5%% --burst 4 --delay 30 --jitter 5",
                "      a lossy Wi-Fi: losses in runs of 4 on average, 30-35 ms each way",
                "  jsock impair --listen 9000 --to 127.0.0.1:7000 --rate 10 --queue 25 --delay 20",
                "      a 10 Mbit/s bottleneck with a 25-packet buffer and 40 ms of round trip",
                "  jsock impair --listen 9000 --to 127.0.0.1:7000 --blackout 5000,2000",
                "      up 5 s, down 2 s, again and again",
                "  jsock -v impair --listen [::1]:9000 --to [::1]:7000 --reorder 1%% --duplicate 1%% --duration 30",
                "      30 s, with counts every second"})
final class ImpairCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "[HOST:]PORT",
            description = "Where clients send (HOST defaults to 127.0.0.1; [::1]:PORT for IPv6; port 0: any free port).")
    String listen;

    @Option(names = "--to", paramLabel = "HOST:PORT", description = "The server datagrams are relayed to.")
    String to;

    @Option(names = "--loss", paramLabel = "P", description = "Average loss probability (0.02 or 2%%).")
    String loss;

    @Option(names = "--burst", paramLabel = "N", description = "Mean length of a run of losses, in datagrams (needs --loss; 1 or less: independent losses).")
    String burst;

    @Option(names = "--delay", paramLabel = "MS", description = "One-way delay in milliseconds (fractions allowed).")
    String delay;

    @Option(names = "--jitter", paramLabel = "MS", description = "Up to this many milliseconds more, uniformly at random, per datagram.")
    String jitter;

    @Option(names = "--reorder", paramLabel = "P", description = "Probability that a datagram is held back so that later ones overtake it.")
    String reorder;

    @Option(names = "--duplicate", paramLabel = "P", description = "Probability that a datagram is delivered twice.")
    String duplicate;

    @Option(names = "--corrupt", paramLabel = "P", description = "Probability that one byte of a datagram is changed.")
    String corrupt;

    @Option(names = "--rate", paramLabel = "MBPS", description = "Bottleneck rate in Mbit/s (payload bytes; default unlimited).")
    String rate;

    @Option(names = "--queue", paramLabel = "PKTS", description = "Drop-tail queue before the bottleneck, in datagrams (needs --rate).")
    String queue;

    @Option(names = "--blackout", paramLabel = "ON,OFF", description = "Up for ON ms, then down (dropping everything) for OFF ms, repeating.")
    String blackout;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random choices (default 1). Upstream uses S, downstream S+1.")
    String seed;

    @Option(names = "--duration", paramLabel = "SECS", description = "Stop after this many seconds (default: run until interrupted).")
    String duration;

    @ParentCommand Main main;

    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");

    @Override
    public Integer call() throws Exception {
        if (listen == null || to == null) throw CliException.usage("impair needs --listen [HOST:]PORT and --to HOST:PORT");
        Impairment impairment = impairment();
        long seedValue = seed == null ? 1 : integer("--seed", seed);
        long durationNanos = duration == null ? 0 : positiveNanos("--duration", duration, 1e9);
        SockAddr listenAddress = address("--listen", listen, "127.0.0.1", true);
        SockAddr target = address("--to", to, null, false);
        boolean verbose = main.verbose.length > 0;

        Relay relay;
        try {
            relay = Relay.start(listenAddress, target, impairment, seedValue);
        } catch (IOException e) {
            throw CliException.network("impair: listen " + listenAddress, e);
        }
        System.err.println("jsock: relaying UDP " + relay.localAddress() + " -> " + target + ", each way: " + impairment.describe()
                + "; seed " + seedValue);

        AtomicBoolean reported = new AtomicBoolean();
        Runnable finish = () -> {
            if (reported.compareAndSet(false, true)) {
                relay.close();
                report(relay, "");
            }
        };
        CountDownLatch signalled = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            signalled.countDown();
            finish.run();
        }, "jsock impair shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        long start = System.nanoTime();
        long nextReport = start + 1_000_000_000L;
        while (relay.isRunning()) {
            long now = System.nanoTime();
            if (durationNanos > 0 && now - start >= durationNanos) break;
            long wake = now + 200_000_000L; // look at the relay's health now and then
            if (verbose) wake = Math.min(wake, nextReport);
            if (durationNanos > 0) wake = Math.min(wake, start + durationNanos);
            if (signalled.await(Math.max(0, wake - now), TimeUnit.NANOSECONDS)) {
                return 0; // SIGINT/SIGTERM: the hook closes the relay and reports; the JVM exits after it
            }
            long after = System.nanoTime();
            if (durationNanos > 0 && after - start >= durationNanos) break; // the final report follows
            if (verbose && after >= nextReport) {
                report(relay, "after " + Math.round((after - start) / 1e9) + " s, ");
                nextReport += 1_000_000_000L;
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // a signal came at the very end: the hook reports, once
        }
        Throwable failure = relay.failure();
        finish.run();
        if (failure != null) throw new CliException("impair: the relay stopped: " + Main.describe(failure), 1, failure);
        return 0;
    }

    /** Each direction's counts, and the relay's own drops when there are any. */
    private static void report(Relay relay, String when) {
        LinkStats up = relay.upstreamStats();
        LinkStats down = relay.downstreamStats();
        StringBuilder sb = new StringBuilder();
        sb.append("jsock: ").append(when).append("client -> target: ").append(up).append('\n');
        sb.append("jsock: ").append(when).append("target -> client: ").append(down).append('\n');
        if (relay.relayDrops() > 0) {
            sb.append("jsock: ").append(when).append("dropped by the relay itself (full buffers, target unreachable): ")
                    .append(relay.relayDrops()).append('\n');
        }
        System.err.print(sb);
        System.err.flush();
    }

    // ---- reading the options -------------------------------------------------------------------

    private Impairment impairment() {
        Impairment.Builder b = Impairment.builder();
        if (loss != null) b.loss(probability("--loss", loss));
        if (burst != null) {
            if (loss == null) throw CliException.usage("--burst needs --loss: it shapes how the losses come");
            b.burst(number("--burst", burst, "a mean run length such as 4"));
        }
        if (delay != null) b.delayNanos(nanos("--delay", delay, 1e6));
        if (jitter != null) b.jitterNanos(nanos("--jitter", jitter, 1e6));
        if (reorder != null) b.reorder(probability("--reorder", reorder));
        if (duplicate != null) b.duplicate(probability("--duplicate", duplicate));
        if (corrupt != null) b.corrupt(probability("--corrupt", corrupt));
        double mbps = rate == null ? 0 : number("--rate", rate, "Mbit/s such as 10 or 0.5");
        b.rateMbps(mbps);
        if (queue != null) {
            if (mbps == 0) throw CliException.usage("--queue needs --rate: without a bottleneck nothing waits in the queue");
            if (!queue.matches("[0-9]{1,9}")) throw CliException.usage("bad --queue '" + queue + "': expected a number of datagrams, such as 25");
            b.queue(Integer.parseInt(queue));
        }
        if (blackout != null) {
            String[] parts = blackout.split(",", -1);
            if (parts.length != 2) throw CliException.usage("bad --blackout '" + blackout + "': expected ON,OFF in milliseconds, such as 5000,2000");
            long up = positiveNanos("--blackout", parts[0], 1e6);
            long down = positiveNanos("--blackout", parts[1], 1e6);
            b.blackout(Duration.ofNanos(up), Duration.ofNanos(down));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage()); // combinations, such as a loss too high for its bursts
        }
    }

    /** 0.02 or 2%. */
    static double probability(String option, String text) {
        String t = text.strip();
        boolean percent = t.endsWith("%");
        if (percent) t = t.substring(0, t.length() - 1).strip();
        if (!DECIMAL.matcher(t).matches()) {
            throw CliException.usage("bad " + option + " '" + text + "': expected a probability such as 0.02 or 2%");
        }
        double p = Double.parseDouble(t) / (percent ? 100 : 1);
        if (p > 1) {
            throw CliException.usage("bad " + option + " '" + text + "': a probability is at most 1 (100%)"
                    + (percent ? "" : "; for " + t + " percent write " + t + "%"));
        }
        return p;
    }

    private static double number(String option, String text, String example) {
        String t = text.strip();
        if (!DECIMAL.matcher(t).matches()) throw CliException.usage("bad " + option + " '" + text + "': expected " + example);
        return Double.parseDouble(t);
    }

    /** A non-negative decimal in some unit (milliseconds: 1e6) to nanoseconds. */
    private static long nanos(String option, String text, double unitNanos) {
        String t = text.strip();
        if (!DECIMAL.matcher(t).matches()) throw CliException.usage("bad " + option + " '" + text + "': expected a number such as 15 or 0.5");
        double n = Double.parseDouble(t) * unitNanos;
        if (n > 1e18) throw CliException.usage("bad " + option + " '" + text + "': too large");
        return Math.round(n);
    }

    private static long positiveNanos(String option, String text, double unitNanos) {
        long n = nanos(option, text, unitNanos);
        if (n <= 0) throw CliException.usage("bad " + option + " '" + text + "': must be more than 0");
        return n;
    }

    private static long integer(String option, String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw CliException.usage("bad " + option + " '" + text + "': expected an integer");
        }
    }

    /**
     * [HOST:]PORT or HOST:PORT, with IPv6 in brackets. An unknown host is bad input (exit 2), as a
     * malformed one is; a resolver that cannot answer now (EAI_AGAIN) is a network error (exit 1).
     */
    static SockAddr address(String option, String text, String defaultHost, boolean portZeroAllowed) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw CliException.usage("bad " + option + " '" + text + "': expected [IPV6]:PORT, such as [::1]:9000");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                if (defaultHost == null) throw CliException.usage("bad " + option + " '" + text + "': expected HOST:PORT, such as 127.0.0.1:7000");
                host = defaultHost;
                port = text;
            } else {
                if (text.indexOf(':') != colon) {
                    throw CliException.usage("bad " + option + " '" + text + "': IPv6 addresses need brackets, as in [::1]:9000");
                }
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            }
        }
        int p = Inputs.port(port);
        if (p == 0 && !portZeroAllowed) throw CliException.usage("bad " + option + " '" + text + "': port 0 is not a destination");
        Inputs.checkHost(host);
        try {
            return Resolver.resolve(host, p, null, SockType.DGRAM);
        } catch (GaiException e) {
            int exit = e.codeName().equals("EAI_AGAIN") ? 1 : 2;
            throw new CliException(option + " " + host + ": " + e.text() + " (" + e.codeName() + ")", exit, e);
        }
    }
}
