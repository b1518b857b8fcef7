package org.jsock.bench.rudp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** bench/results/rudp.md: the tables of a run, from the same numbers as rudp.json. */
final class RudpReport {
    private RudpReport() {}

    /** What the numbers were measured on. */
    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpu", read("/proc/cpuinfo").lines().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown"));
        m.put("kernel", read("/proc/sys/kernel/osrelease").trim());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("loadAverage", read("/proc/loadavg").trim());
        return m;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String markdown(Map<String, Object> root, List<RudpBench.Series> series, Map<String, Object> results,
                           RudpBench.Options o) {
        StringBuilder b = new StringBuilder();
        b.append("# rudp over real UDP: the scenario suite, its goals, and KCP\n\n");
        b.append("Generated ").append(root.get("generated")).append(" by `").append(root.get("command")).append("` at commit ")
                .append(root.get("commit")).append(". Machine: ")
                .append(machine(root)).append(".\n\n");
        b.append("Every scenario runs through `org.jsock.rudp.impair.Relay` on 127.0.0.1 (real UDP sockets, the link ")
                .append("imposed both ways). Base link: ").append(RudpBench.base().build().describe())
                .append(". Time: from the client's first call (rudp: `connect`) to the receiver reading the last byte. ")
                .append("Goodput: payload bits / time. Overhead: UDP payload bytes offered to the relay in both directions / ")
                .append("payload bytes delivered (+IP/UDP: 28 B more per datagram). Every byte delivered is compared with what was sent. ")
                .append("Medians of the successful runs.\n\n");

        goals(b, series);

        b.append("## Transfers\n\n");
        b.append("rudp with 64 KiB flow-control windows (the issue's small windows); KCP `kcp-fast`: ")
                .append(RudpBench.KCP_FAST.describe()).append("; `kcp-cwnd`: the same with KCP's congestion window (nc 0). ")
                .append("\"10 MB\" is 10 MiB. Under loss, 10 MB runs once; the loss comparison is repeated at 2 MiB, which rudp ")
                .append("survives (see the failures below the table).\n\n");
        transferTable(b, series.stream().filter(s -> s.scenario().startsWith("transfer")).toList());

        b.append("## The other scenarios\n\n");
        transferTable(b, series.stream().filter(s -> !s.scenario().startsWith("transfer")).toList());

        if (results.get("handshake") instanceof Map<?, ?> h) {
            b.append(String.format(Locale.ROOT, "**Handshake** (%s, 1 KB each way): %s of %s runs byte for byte; connect %s ms, "
                            + "whole exchange %s ms (medians); overhead %s.\n\n",
                    h.get("link"), h.get("ok"), h.get("runs"), ms(h.get("connectSecondsMedian")), ms(h.get("secondsMedian")),
                    fmt(h.get("overheadMedian"), 2)));
        }
        for (String key : List.of("handshakeLoss", "connections")) {
            if (results.get(key) instanceof Map<?, ?> m) {
                b.append(String.format(Locale.ROOT, "**%s** (%s; %s B each way, %s at a time): %s of %s completed byte for byte "
                                + "in %s s (%s per second); connect median %s ms, p90 %s ms, max %s ms; whole exchange median %s ms, "
                                + "p90 %s ms. Errors: %s.\n\n",
                        cap(String.valueOf(m.get("title"))), m.get("link"), m.get("bytesEachWay"), m.get("parallel"), m.get("ok"),
                        m.get("attempted"), fmt(m.get("wallSeconds"), 1), fmt(m.get("connectionsPerSecond"), 1),
                        ms(m.get("connectSecondsMedian")), ms(m.get("connectSecondsP90")), ms(m.get("connectSecondsMax")),
                        ms(m.get("secondsMedian")), ms(m.get("secondsP90")),
                        m.get("errors") instanceof Map<?, ?> e && !e.isEmpty() ? e.toString() : "none"));
            }
        }
        if (results.get("amplification") instanceof Map<?, ?> a && a.get("probes") instanceof List<?> probes) {
            b.append("**Amplification** (").append(a.get("link")).append("): datagrams from a plain UDP socket that never ")
                    .append("completes a handshake; the limit is 3.\n\n");
            b.append("| probe | sent | bytes sent | answers | bytes received | largest answer | received / sent |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (Object x : probes) {
                Amplification.Probe p = (Amplification.Probe) x;
                b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d B | %.3f |\n", p.kind(), p.datagramsSent(),
                        p.bytesSent(), p.datagramsReceived(), p.bytesReceived(), p.largestReply(), p.ratio()));
            }
            b.append('\n');
        }
        b.append("Raw numbers, every run: `rudp.json`, beside this file.\n");
        return b.toString();
    }

    private static void goals(StringBuilder b, List<RudpBench.Series> series) {
        b.append("## Goals\n\n| goal | target | measured | met |\n|---|---|---|---|\n");
        String big = "transfer", small = RudpBench.LOSS_SCENARIO;
        for (String cc : List.of("newreno", "cubic", "bbr", "newreno-1mib", "bbr-1mib")) {
            String big2 = cc.endsWith("-1mib") ? "transfer, 1 MiB windows" : big;
            find(series, big2, "rudp", cc, "no loss").ifPresent(s -> {
                row(b, "goodput, no loss, 10 MB (" + cc + ")", ">= 90% of 10 Mbit/s", outcome(s, pct(s.linkShare())), s.ok() > 0 && s.linkShare() >= 0.90);
                row(b, "overhead, no loss, 10 MB (" + cc + ")", "<= 1.10",
                        outcome(s, fmt(s.overhead(), 3) + " (+IP/UDP " + fmt(s.overheadIpUdp(), 3) + ")"), s.ok() > 0 && s.overhead() <= 1.10);
            });
            for (String scenario : List.of(big2, small)) {
                find(series, scenario, "rudp", cc, "2% loss").ifPresent(s -> row(b, "goodput, 2% loss, " + size(s) + " (" + cc + ")",
                        ">= 75% of 10 Mbit/s", outcome(s, pct(s.linkShare())), s.ok() == s.runs() && s.linkShare() >= 0.75));
            }
        }
        for (String cond : List.of("2% loss", "5% loss")) {
            for (String scenario : List.of(big, small)) for (String kcp : List.of(RudpBench.KCP_FAST.name(), RudpBench.KCP_CWND.name())) {
                Optional<RudpBench.Series> k = find(series, scenario, "kcp", kcp, cond);
                for (String cc : List.of("newreno", "cubic", "bbr")) {
                    Optional<RudpBench.Series> r = find(series, scenario, "rudp", cc, cond);
                    if (k.isEmpty() || r.isEmpty()) continue;
                    RudpBench.Series rs = r.get(), ks = k.get();
                    boolean both = rs.ok() == rs.runs() && ks.ok() == ks.runs();
                    String label = cond + ", " + size(rs) + " (" + cc + " vs " + ks.config() + ")";
                    row(b, "faster than KCP, " + label, "time < KCP's",
                            outcome(rs, fmt(rs.seconds(), 2) + " s") + " vs " + outcome(ks, fmt(ks.seconds(), 2) + " s"),
                            both && rs.seconds() < ks.seconds());
                    row(b, "less retransmission than KCP, " + label, "retransmitted < KCP's",
                            outcome(rs, pct(rs.retransmittedShare())) + " vs " + outcome(ks, pct(ks.retransmittedShare()))
                                    + " of the payload; sender bytes/delivered " + fmt(rs.upPerDelivered(), 3) + " vs " + fmt(ks.upPerDelivered(), 3),
                            both && rs.retransmittedShare() < ks.retransmittedShare());
                }
            }
        }
        b.append('\n');
    }

    /** The figure, or that the runs failed (with how many). */
    private static String outcome(RudpBench.Series s, String figure) {
        if (s.ok() == 0) return "failed (" + s.runs() + "/" + s.runs() + ")";
        return s.ok() == s.runs() ? figure : figure + " (" + (s.runs() - s.ok()) + " of " + s.runs() + " failed)";
    }

    private static String size(RudpBench.Series s) {
        return s.results().isEmpty() ? "?" : size(s.results().getFirst().bytes());
    }

    private static void row(StringBuilder b, String goal, String target, String measured, boolean met) {
        b.append("| ").append(goal).append(" | ").append(target).append(" | ").append(measured).append(" | ")
                .append(met ? "yes" : "**no**").append(" |\n");
    }

    private static Optional<RudpBench.Series> find(List<RudpBench.Series> series, String scenario, String protocol, String config,
                                                   String condition) {
        return series.stream().filter(s -> s.scenario().equals(scenario) && s.protocol().equals(protocol)
                && s.config().equals(config) && s.condition().equals(condition)).findFirst();
    }

    private static void transferTable(StringBuilder b, List<RudpBench.Series> rows) {
        if (rows.isEmpty()) return;
        b.append("| scenario | link | protocol | ok | size | time s | goodput Mbit/s | of link | overhead | +IP/UDP | sender B/delivered | retransmitted | lost pkts |\n");
        b.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RudpBench.Series s : rows) {
            long size = s.results().isEmpty() ? 0 : s.results().getFirst().bytes();
            b.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %d/%d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                    s.scenario(), s.condition(), s.protocol(), s.config(), s.ok(), s.runs(), size(size), fmt(s.seconds(), 2),
                    fmt(s.goodputMbps(), 2), pct(s.linkShare()), fmt(s.overhead(), 3), fmt(s.overheadIpUdp(), 3),
                    fmt(s.upPerDelivered(), 3), pct(s.retransmittedShare()),
                    s.protocol().equals("rudp") ? fmt(s.packetsLost(), 0) : "n/a"));
        }
        b.append('\n');
        for (RudpBench.Series s : rows) {
            for (RudpBench.Transfer t : s.results()) {
                if (!t.ok()) b.append("- failed: ").append(s.scenario()).append(", ").append(s.protocol()).append(' ').append(s.config())
                        .append(", ").append(s.condition()).append(", seed ").append(t.seed()).append(": ").append(t.error()).append('\n');
            }
        }
        if (rows.stream().anyMatch(s -> s.ok() < s.runs())) b.append('\n');
    }

    private static String machine(Map<String, Object> root) {
        if (!(root.get("machine") instanceof Map<?, ?> m)) return "unknown";
        return m.get("cpus") + " CPUs (" + m.get("cpu") + "), Linux " + m.get("kernel") + ", " + m.get("java")
                + ", load average at the end " + m.get("loadAverage");
    }

    private static String size(long bytes) {
        if (bytes == 10L * RudpBench.MiB) return "10 MB";
        if (bytes >= RudpBench.MiB) return fmt(bytes / (double) RudpBench.MiB, 0) + " MiB";
        return bytes + " B";
    }

    static String pct(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    static String fmt(Object v, int decimals) {
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())) return "n/a";
        return String.format(Locale.ROOT, "%." + decimals + "f", n.doubleValue());
    }

    private static String ms(Object seconds) {
        if (!(seconds instanceof Number n) || Double.isNaN(n.doubleValue())) return "n/a";
        return String.format(Locale.ROOT, "%.0f", n.doubleValue() * 1e3);
    }

    private static String cap(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
