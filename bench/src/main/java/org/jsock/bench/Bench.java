package org.jsock.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark driver (bench/run): starts every peer once, pinned to the server CPU, and runs the C
 * load generator, pinned to the other CPU, against each in turn, A B C A B C, so that slow drifts
 * of the machine touch every peer alike. Medians of the runs, ratios against C epoll and Netty
 * epoll, and bench/results/*.json, results.md and a PNG per workload.
 * <pre>
 *   build C -> start peers -> warm-up -> pingpong, echo, bulk, connrate, udp, tls -> memory (fresh peers)
 * </pre>
 * Everything talks to 127.0.0.1 only. Every run has a time limit, and so has the whole
 * benchmark (--max-minutes): what is left when it passes is reported as not measured.
 */
public final class Bench {
    static final List<String> TCP_PEERS = List.of("c-block", "c-epoll", "nio-block", "nio-selector", "netty-epoll", "netty-nio",
            "jsock-iterative", "jsock-threads", "jsock-virtual", "jsock-loop", "jsock-loops-reuseport", "jsock-loops-acceptor");
    static final List<String> UDP_PEERS = List.of("c-udp-plain", "c-udp-batch", "nio-udp", "jsock-udp", "jsock-udp-batch");
    static final List<String> TLS_PEERS = List.of("openssl", "netty-tls", "jsock-tls-loop", "jsock-tls-socket");
    static final List<String> ALL_WORKLOADS = List.of("pingpong", "echo", "bulk", "connrate", "udp", "tls", "memory");
    /** Peers live at most this long, whatever happens to the driver. */
    static final int PEER_MAX_SECONDS = 3 * 3600;

    // ==== settings ==============================================================================

    static final class Settings {
        boolean quick;
        int runs = 3;
        int ppSize = 64;
        int ppCount = 200_000;
        int ppWarm = 20_000;
        int[] echoConns = {1, 100, 1000};
        int[] echoSizes = {64, 512};
        int[] echoDepths = {1, 16};
        double echoSeconds = 2;
        double bulkSeconds = 10;
        int bulkWrite = 64 * 1024;
        double connSeconds = 5;
        int connConc = 16;
        int connSize = 64;
        double udpSeconds = 5;
        int udpSize = 64;
        int[] udpWindows = {32};
        int idle = 10_000;
        int idleSize = 64;
        double tlsSeconds = 10;
        int tlsWrite = 64 * 1024;
        double warmSeconds = 2;
        boolean configWarm = true;
        boolean iperf = true;
        Set<String> workloads = new LinkedHashSet<>(ALL_WORKLOADS);
        Set<String> peers;
        int serverCpu = 1;
        int clientCpu = 0;
        int loops = 2;
        double maxMinutes = 90;
        Path out;
        Path root = Path.of(".");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");

        void quick() {
            quick = true;
            runs = 2;
            ppCount = 20_000;
            ppWarm = 2_000;
            echoSeconds = 0.3;
            bulkSeconds = 1;
            connSeconds = 1;
            udpSeconds = 1;
            idle = 2_000;
            tlsSeconds = 2;
            warmSeconds = 0.5;
            configWarm = false;
        }

        Map<String, String> describe() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("quick", String.valueOf(quick));
            m.put("runs", String.valueOf(runs));
            m.put("pingpong", ppSize + " B x " + ppCount + " round trips (+" + ppWarm + " warm-up)");
            m.put("echo", "conns " + Arrays.toString(echoConns) + ", sizes " + Arrays.toString(echoSizes) + " B, in flight "
                    + Arrays.toString(echoDepths) + ", " + echoSeconds + " s each");
            m.put("bulk", bulkWrite + " B writes, " + bulkSeconds + " s");
            m.put("connrate", connConc + " at once, " + connSize + " B exchange, " + connSeconds + " s");
            m.put("udp", udpSize + " B, window " + Arrays.toString(udpWindows) + ", " + udpSeconds + " s");
            m.put("memory", idle + " idle connections");
            m.put("tls", tlsWrite + " B writes, " + tlsSeconds + " s");
            m.put("warm-up", warmSeconds + " s per peer" + (configWarm ? ", plus one untimed run per configuration" : ""));
            m.put("cpus", "server " + serverCpu + ", load generator " + clientCpu);
            m.put("jsock LOOPS threads", String.valueOf(loops));
            return m;
        }
    }

    static Settings parse(String[] args) {
        Settings s = new Settings();
        for (String a : args) if (a.equals("--quick")) s.quick();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--quick")) continue;
            if (a.equals("--no-config-warmup")) { s.configWarm = false; continue; }
            if (a.equals("--no-iperf")) { s.iperf = false; continue; }
            if (i + 1 >= args.length) usage("missing value after " + a);
            String v = args[++i];
            switch (a) {
                case "--runs" -> s.runs = Integer.parseInt(v);
                case "--workloads" -> s.workloads = new LinkedHashSet<>(List.of(v.split(",")));
                case "--peers" -> s.peers = new LinkedHashSet<>(List.of(v.split(",")));
                case "--pingpong-count" -> s.ppCount = Integer.parseInt(v);
                case "--pingpong-size" -> s.ppSize = Integer.parseInt(v);
                case "--echo-conns" -> s.echoConns = ints(v);
                case "--echo-sizes" -> s.echoSizes = ints(v);
                case "--echo-depths" -> s.echoDepths = ints(v);
                case "--echo-seconds" -> s.echoSeconds = Double.parseDouble(v);
                case "--bulk-seconds" -> s.bulkSeconds = Double.parseDouble(v);
                case "--bulk-write" -> s.bulkWrite = Integer.parseInt(v);
                case "--conn-seconds" -> s.connSeconds = Double.parseDouble(v);
                case "--conn-concurrency" -> s.connConc = Integer.parseInt(v);
                case "--udp-seconds" -> s.udpSeconds = Double.parseDouble(v);
                case "--udp-size" -> s.udpSize = Integer.parseInt(v);
                case "--udp-window" -> s.udpWindows = ints(v);
                case "--idle" -> s.idle = Integer.parseInt(v);
                case "--tls-seconds" -> s.tlsSeconds = Double.parseDouble(v);
                case "--warmup-seconds" -> s.warmSeconds = Double.parseDouble(v);
                case "--server-cpu" -> s.serverCpu = Integer.parseInt(v);
                case "--client-cpu" -> s.clientCpu = Integer.parseInt(v);
                case "--loops" -> s.loops = Integer.parseInt(v);
                case "--max-minutes" -> s.maxMinutes = Double.parseDouble(v);
                case "--out" -> s.out = Path.of(v);
                case "--root" -> s.root = Path.of(v);
                default -> usage("unknown option " + a);
            }
        }
        for (String w : s.workloads) if (!ALL_WORKLOADS.contains(w)) usage("unknown workload " + w + ": " + ALL_WORKLOADS);
        if (s.out == null) s.out = s.root.resolve(s.quick ? "bench/results/quick" : "bench/results");
        return s;
    }

    private static int[] ints(String v) {
        return Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static void usage(String why) {
        System.err.println("bench: " + why);
        System.err.println("usage: bench/run [--quick] [--runs N] [--workloads " + String.join(",", ALL_WORKLOADS) + "] [--peers A,B]\n"
                + "  [--pingpong-count N] [--echo-conns 1,100,1000] [--echo-sizes 64,512] [--echo-depths 1,16] [--echo-seconds S]\n"
                + "  [--bulk-seconds S] [--conn-seconds S] [--conn-concurrency N] [--udp-seconds S] [--udp-window 32,256] [--idle N] [--tls-seconds S]\n"
                + "  [--warmup-seconds S] [--no-config-warmup] [--no-iperf] [--loops N] [--max-minutes M] [--out DIR]");
        System.exit(2);
    }

    // ==== state =================================================================================

    private final Settings s;
    private final String invocation;
    private final Path cdir;
    private final Path logs;
    private final long deadline;
    private Path cert;
    private Path key;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final List<Workload> done = new ArrayList<>();
    private final Map<String, String> machine = new LinkedHashMap<>();

    /** A started peer and the ports it reported. */
    record Running(Procs.Child child, Map<String, String> ports) {
        int port(String name) { return Integer.parseInt(ports.get(name)); }
    }

    private Bench(Settings s, String invocation) {
        this.s = s;
        this.invocation = invocation;
        this.cdir = s.root.resolve("bench/target/c");
        this.logs = s.root.resolve("bench/target/logs");
        this.deadline = System.nanoTime() + (long) (s.maxMinutes * 60e9);
    }

    public static void main(String[] args) throws Exception {
        Settings s = parse(args);
        Bench b = new Bench(s, "bench/run " + String.join(" ", args));
        try {
            b.run();
        } finally {
            b.stopAll();
        }
    }

    private boolean timeLeft() { return System.nanoTime() < deadline; }

    private boolean wanted(String peer) { return s.peers == null || s.peers.contains(peer); }

    private List<String> peers(List<String> all, boolean withIterative) {
        return all.stream().filter(this::wanted).filter(p -> withIterative || !p.equals("jsock-iterative")).toList();
    }

    private void run() throws Exception {
        Files.createDirectories(s.out);
        Files.createDirectories(logs);
        machine();
        say("machine: " + machine);
        say("settings: " + s.describe());
        buildC();
        boolean tcp = s.workloads.stream().anyMatch(w -> List.of("pingpong", "echo", "bulk", "connrate").contains(w));
        if (s.workloads.contains("tls")) makeCertificate();
        if (tcp) {
            for (String p : peers(TCP_PEERS, true)) start(p);
            warmUp();
        }
        if (s.workloads.contains("pingpong")) finish(pingpong());
        if (s.workloads.contains("echo")) finish(echo());
        if (s.workloads.contains("bulk")) finish(bulk());
        if (s.workloads.contains("connrate")) finish(connrate());
        stopAll();
        if (s.workloads.contains("udp")) {
            for (String p : peers(UDP_PEERS, false)) start(p);
            finish(udp());
            stopAll();
        }
        if (s.workloads.contains("tls")) {
            for (String p : peers(TLS_PEERS, false)) start(p);
            finish(tlsBulk());
            finish(tlsHandshakes());
            stopAll();
        }
        if (s.workloads.contains("memory")) finish(memory());
        say("done: " + s.out.resolve("results.md"));
    }

    private void finish(Workload w) throws IOException {
        w.loadAfter = Procs.loadavg();
        done.add(w);
        Report.writeJson(s.out.resolve(w.id + ".json"), w, machine, s.describe());
        if (w.id.equals("pingpong")) Chart.write(s.out.resolve(w.id + ".png"), w.title, w.unit, w.ref1, Chart.percentileGroups(w, List.of("p50_us", "p99_us", "p999_us")));
        else Chart.write(s.out.resolve(w.id + ".png"), w.title, w.unit, w.ref1, Chart.groups(w));
        Files.writeString(s.out.resolve("results.md"), Report.markdown(done, machine, s.describe()));
        say(Report.table(w));
    }

    private static void say(String msg) {
        System.out.println(msg);
        System.out.flush();
    }

    // ==== the machine and the build ============================================================

    private void machine() throws IOException, InterruptedException {
        String cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        Matcher m = Pattern.compile("model name\\s*:\\s*(.*)").matcher(cpuinfo);
        machine.put("cpu", m.find() ? m.group(1).trim() : "?");
        machine.put("nproc", String.valueOf(Pattern.compile("(?m)^processor\\s*:").matcher(cpuinfo).results().count()));
        machine.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        machine.put("memory", Files.readAllLines(Path.of("/proc/meminfo")).getFirst().replaceAll("\\s+", " "));
        machine.put("gcc", Procs.run(List.of("gcc", "--version"), 20, logs.resolve("tools.log")).lines().findFirst().orElse("?"));
        machine.put("openssl", Procs.run(List.of("openssl", "version"), 20, logs.resolve("tools.log")).strip());
        machine.put("netty", io.netty.util.Version.identify().values().stream().map(v -> v.artifactVersion()).distinct().findFirst().orElse("?"));
        machine.put("fd limit", ulimit());
        machine.put("load average at start", Procs.loadavg());
        machine.put("started", Instant.now().toString());
    }

    private String ulimit() throws IOException, InterruptedException {
        return Procs.run(List.of("sh", "-c", "ulimit -n"), 10, logs.resolve("tools.log")).strip();
    }

    private void buildC() throws IOException, InterruptedException {
        Files.createDirectories(cdir);
        Path src = s.root.resolve("bench/c");
        for (String name : List.of("echo_block", "echo_epoll", "udp_echo", "loadgen")) {
            List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-Wextra", "-pthread", "-o",
                    cdir.resolve(name).toString(), src.resolve(name + ".c").toString()));
            if (name.equals("loadgen")) cmd.addAll(List.of("-lssl", "-lcrypto"));
            Procs.run(cmd, 120, logs.resolve("gcc.log"));
        }
    }

    private void makeCertificate() throws IOException, InterruptedException {
        cert = s.root.resolve("bench/target/tls-cert.pem");
        key = s.root.resolve("bench/target/tls-key.pem");
        // One EC P-256 certificate (PKCS#8 key) for every TLS server, so they do the same work.
        Procs.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"), 30, logs.resolve("tools.log"));
    }

    // ==== peers ==================================================================================

    private List<String> javaCmd(String kind) {
        List<String> cmd = new ArrayList<>(List.of(s.java, "-Xmx2g", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Djsock.bench.loops=" + s.loops,
                "-cp", s.classPath, "org.jsock.bench.Peer", kind, String.valueOf(PEER_MAX_SECONDS)));
        if (cert != null) cmd.addAll(List.of(cert.toString(), key.toString()));
        return cmd;
    }

    private Running start(String peer) throws IOException, InterruptedException {
        String max = String.valueOf(PEER_MAX_SECONDS);
        int sslPort = 0;
        List<String> cmd = switch (peer) {
            case "c-block" -> List.of(cdir.resolve("echo_block").toString(), max);
            case "c-epoll" -> List.of(cdir.resolve("echo_epoll").toString(), max);
            case "c-udp-plain" -> List.of(cdir.resolve("udp_echo").toString(), "plain", max);
            case "c-udp-batch" -> List.of(cdir.resolve("udp_echo").toString(), "batch", max);
            case "openssl" -> {
                sslPort = Procs.freePort();
                yield List.of("openssl", "s_server", "-accept", "127.0.0.1:" + sslPort, "-cert", cert.toString(),
                        "-key", key.toString(), "-quiet");
            }
            default -> javaCmd(peer);
        };
        Procs.Child c = new Procs.Child(peer, Procs.pinned(s.serverCpu, cmd), logs.resolve(peer + ".log"), peer.equals("openssl"));
        Map<String, String> ports;
        try {
            if (peer.equals("openssl")) {
                Procs.awaitListening(sslPort, 20);
                ports = Map.of("tls", String.valueOf(sslPort));
            } else {
                ports = Procs.fields(c.await("READY", 60), "READY");
            }
        } catch (IOException e) {
            c.close();
            throw e;
        }
        Running r = new Running(c, ports);
        running.put(peer, r);
        say("started " + peer + " pid " + c.pid() + " " + ports);
        return r;
    }

    private void stopAll() {
        for (Running r : running.values()) r.child().close();
        running.clear();
    }

    // ==== the load generator ======================================================================

    private Map<String, String> load(double timeout, Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(cdir.resolve("loadgen").toString()));
        for (Object a : args) cmd.add(String.valueOf(a));
        String out = Procs.run(Procs.pinned(s.clientCpu, cmd), timeout, logs.resolve("loadgen.log"));
        return Procs.fields(out, "RESULT");
    }

    private static double d(Map<String, String> m, String k) {
        return Double.parseDouble(m.get(k));
    }

    private void warmUp() throws InterruptedException {
        say("warm-up: " + s.warmSeconds + " s of echo, 10,000 round trips and " + s.warmSeconds + " s of bulk per peer");
        for (var e : running.entrySet()) {
            try {
                int echo = e.getValue().port("echo");
                load(60, "pingpong", echo, 64, 10_000, 0, logs.resolve("warm.lat"));
                if (e.getKey().equals("jsock-iterative")) continue;
                load(s.warmSeconds * 2 + 60, "echo", echo, 100, 64, 16, s.warmSeconds);
                load(s.warmSeconds * 2 + 60, "bulk", e.getValue().port("discard"), s.warmSeconds, s.bulkWrite);
            } catch (IOException ex) {
                say("warm-up of " + e.getKey() + " failed: " + ex.getMessage());
            }
        }
    }

    /**
     * Runs {@code body} for each peer in turn, {@code s.runs} times round (A B C A B C), after an
     * untimed warm-up pass when asked; records what each run measured.
     */
    private void alternate(Workload w, String config, List<String> peers, boolean warm, Measure body) throws InterruptedException {
        if (warm && s.configWarm) {
            for (String p : peers) {
                if (!timeLeft()) break;
                try {
                    body.run(p, true);
                } catch (IOException e) {
                    say("  warm-up " + p + ": " + e.getMessage());
                }
            }
        }
        for (int r = 1; r <= s.runs; r++) {
            for (String p : peers) {
                if (!timeLeft()) {
                    w.fail(config, p, "not run: --max-minutes passed");
                    continue;
                }
                try {
                    Map<String, Double> m = body.run(p, false);
                    w.add(config, p, m);
                    say(String.format(Locale.ROOT, "  [%s | %s] %-22s run %d/%d: %s %s", w.id, config, p, r, s.runs,
                            Report.fmt(m.getOrDefault(w.metric, Double.NaN)), w.unit));
                } catch (IOException e) {
                    w.fail(config, p, e.getMessage());
                    say("  [" + w.id + " | " + config + "] " + p + " run " + r + " FAILED: " + e.getMessage());
                }
            }
        }
    }

    @FunctionalInterface
    interface Measure {
        /** One run against {@code peer}; {@code warm}: a short untimed one. */
        Map<String, Double> run(String peer, boolean warm) throws IOException, InterruptedException;
    }

    private Workload begin(Workload w, String loadCommand) {
        w.command = invocation;
        w.loadCommand = loadCommand;
        w.loadBefore = Procs.loadavg();
        say("\n== " + w.title + " (load average " + w.loadBefore + ")");
        return w;
    }

    // ==== workloads ==============================================================================

    private Workload pingpong() throws InterruptedException {
        Workload w = begin(new Workload("pingpong", "Ping-pong latency", "p50_us", "µs", false, "c-epoll", "netty-epoll",
                "p99_us", "p999_us", "max_us", "mean_us"),
                "taskset -c " + s.clientCpu + " bench/target/c/loadgen pingpong PORT " + s.ppSize + " " + s.ppCount + " " + s.ppWarm + " FILE");
        w.notes.add("One connection, " + s.ppSize + " B request and response, " + s.ppCount + " timed round trips after "
                + s.ppWarm + " untimed ones; percentiles from HdrHistogram (3 significant digits) over the raw latencies the load generator wrote.");
        String config = s.ppSize + " B";
        Path lat = logs.resolve("pingpong.lat");
        alternate(w, config, peers(TCP_PEERS, true), false, (p, warm) -> {
            double timeout = Math.max(120, s.ppCount / 1000.0);
            load(timeout, "pingpong", running.get(p).port("echo"), s.ppSize, s.ppCount, s.ppWarm, lat);
            return latencies(lat);
        });
        return w;
    }

    private static Map<String, Double> latencies(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder());
        Histogram h = new Histogram(60_000_000_000L, 3);
        while (b.remaining() >= 8) h.recordValue(Math.max(1, b.getLong()));
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("p50_us", h.getValueAtPercentile(50) / 1000.0);
        m.put("p99_us", h.getValueAtPercentile(99) / 1000.0);
        m.put("p999_us", h.getValueAtPercentile(99.9) / 1000.0);
        m.put("max_us", h.getMaxValue() / 1000.0);
        m.put("mean_us", h.getMean() / 1000.0);
        m.put("count", (double) h.getTotalCount());
        return m;
    }

    private Workload echo() throws InterruptedException {
        Workload w = begin(new Workload("echo", "Echo throughput", "rps", "responses/s", true, "c-epoll", "netty-epoll", "errors"),
                "taskset -c " + s.clientCpu + " bench/target/c/loadgen echo PORT CONNS SIZE IN_FLIGHT " + s.echoSeconds);
        w.notes.add("Each connection keeps IN_FLIGHT requests outstanding and sends one more per response; the first fifth "
                + "of the time (at most 1 s) is not counted. Requests and responses are SIZE bytes.");
        for (int conns : s.echoConns) {
            for (int size : s.echoSizes) {
                for (int depth : s.echoDepths) {
                    String config = conns + " conn, " + size + " B, " + depth + " in flight";
                    alternate(w, config, peers(TCP_PEERS, false), true, (p, warm) -> {
                        double secs = warm ? Math.min(0.5, s.echoSeconds) : s.echoSeconds;
                        Map<String, String> r = load(secs * 2 + 60, "echo", running.get(p).port("echo"), conns, size, depth, secs);
                        Thread.sleep(100); // let a thread-per-connection server reap its threads
                        return Map.of("rps", d(r, "rps"), "errors", d(r, "errors"));
                    });
                }
            }
        }
        return w;
    }

    private Workload bulk() throws InterruptedException {
        Workload w = begin(new Workload("bulk", "Bulk stream", "gbytes_per_s", "GB/s", true, "c-epoll", "netty-epoll", "gbits_per_s"),
                "taskset -c " + s.clientCpu + " bench/target/c/loadgen bulk DISCARD_PORT " + s.bulkSeconds + " " + s.bulkWrite);
        w.notes.add("One connection, " + s.bulkWrite + " B writes for " + s.bulkSeconds + " s to the peer's discard port "
                + "(the server reads and drops): the server's receive path. GB is 10^9 bytes.");
        List<String> peers = new ArrayList<>(peers(TCP_PEERS, false));
        if (s.iperf && wanted("iperf3")) {
            peers.add("iperf3");
            w.notes.add("iperf3 is stock iperf3 on both ends (iperf3 -s -1, iperf3 -c -t " + s.bulkSeconds + " -l " + s.bulkWrite
                    + " -O 1 -J, pinned the same way): its receiver figure, as a reference for the loopback itself.");
        }
        String config = s.bulkWrite / 1024 + " KiB writes";
        alternate(w, config, peers, true, (p, warm) -> {
            double secs = warm ? Math.min(1, s.bulkSeconds) : s.bulkSeconds;
            if (p.equals("iperf3")) return iperf(secs);
            Map<String, String> r = load(secs * 2 + 60, "bulk", running.get(p).port("discard"), secs, s.bulkWrite);
            return Map.of("gbytes_per_s", d(r, "gbytes_per_s"), "gbits_per_s", d(r, "gbits_per_s"));
        });
        return w;
    }

    private static final Pattern IPERF_RECEIVED = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.e+]+)");

    private Map<String, Double> iperf(double secs) throws IOException, InterruptedException {
        int port = Procs.freePort();
        try (Procs.Child server = new Procs.Child("iperf3-s", Procs.pinned(s.serverCpu,
                List.of("iperf3", "-s", "-1", "-B", "127.0.0.1", "-p", String.valueOf(port))), logs.resolve("iperf3.log"))) {
            Thread.sleep(300);
            int t = Math.max(1, (int) Math.round(secs));
            String out = Procs.run(Procs.pinned(s.clientCpu, List.of("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(port),
                    "-t", String.valueOf(t), "-l", String.valueOf(s.bulkWrite), "-O", "1", "-J")), t * 3 + 30, logs.resolve("iperf3.log"));
            Matcher m = IPERF_RECEIVED.matcher(out);
            if (!m.find()) throw new IOException("iperf3: no sum_received in its JSON");
            double bps = Double.parseDouble(m.group(1));
            server.waitFor(10);
            return Map.of("gbytes_per_s", bps / 8 / 1e9, "gbits_per_s", bps / 1e9);
        }
    }

    private Workload connrate() throws InterruptedException {
        Workload w = begin(new Workload("connrate", "Connection rate", "per_s", "connections/s", true, "c-epoll", "netty-epoll", "errors"),
                "taskset -c " + s.clientCpu + " bench/target/c/loadgen connrate PORT " + s.connSeconds + " " + s.connConc + " " + s.connSize);
        w.notes.add("Connect, send " + s.connSize + " B, read the echo, close; " + s.connConc + " connections in progress at once "
                + "(non-blocking connects in one epoll client), from 16 source addresses 127.0.0.2-17 so TIME_WAIT cannot exhaust ports.");
        String config = s.connConc + " at once, " + s.connSize + " B exchange";
        alternate(w, config, peers(TCP_PEERS, false), true, (p, warm) -> {
            double secs = warm ? Math.min(1, s.connSeconds) : s.connSeconds;
            Map<String, String> r = load(secs * 2 + 60, "connrate", running.get(p).port("echo"), secs, s.connConc, s.connSize);
            Thread.sleep(200);
            return Map.of("per_s", d(r, "per_s"), "errors", d(r, "errors"));
        });
        return w;
    }

    private Workload udp() throws InterruptedException {
        Workload w = begin(new Workload("udp", "UDP echo", "pps", "datagrams/s", true, "c-udp-plain", "nio-udp", "refills"),
                "taskset -c " + s.clientCpu + " bench/target/c/loadgen udp PORT " + s.udpSize + " WINDOW " + s.udpSeconds);
        w.notes.add(s.udpSize + " B datagrams echoed; the client keeps WINDOW in flight, batching its own calls with "
                + "sendmmsg/recvmmsg, and refills the window after 20 ms of silence (refills counts those: lost datagrams).");
        w.notes.add("c-udp-plain, nio-udp and jsock-udp are one-thread loops of one receive and one send per datagram; "
                + "c-udp-batch and jsock-udp-batch take up to 64 queued datagrams per recvmmsg (MSG_WAITFORONE) and echo them "
                + "with sendmmsg. No Netty UDP peer.");
        for (int window : s.udpWindows) {
            String config = s.udpSize + " B, window " + window;
            alternate(w, config, peers(UDP_PEERS, false), true, (p, warm) -> {
                double secs = warm ? Math.min(1, s.udpSeconds) : s.udpSeconds;
                Map<String, String> r = load(secs * 2 + 60, "udp", running.get(p).port("udp"), s.udpSize, window, secs);
                return Map.of("pps", d(r, "pps"), "refills", d(r, "refills"));
            });
        }
        return w;
    }

    private Workload tlsBulk() throws InterruptedException {
        Workload w = begin(new Workload("tls-bulk", "TLS bulk stream", "gbytes_per_s", "GB/s", true, "openssl", "netty-tls", "gbits_per_s"),
                "taskset -c " + s.clientCpu + " bench/target/c/loadgen tls-bulk PORT " + s.tlsSeconds + " " + s.tlsWrite);
        w.notes.add("One TLS connection from the C load generator (OpenSSL " + machine.get("openssl") + ", no certificate check), "
                + s.tlsWrite + " B SSL_write calls for " + s.tlsSeconds + " s; the server decrypts and drops. All servers use one EC P-256 "
                + "certificate. openssl is `openssl s_server -quiet` (it writes what it reads to /dev/null).");
        String config = s.tlsWrite / 1024 + " KiB writes";
        Set<String> suites = new LinkedHashSet<>();
        alternate(w, config, peers(TLS_PEERS, false), true, (p, warm) -> {
            double secs = warm ? Math.min(1, s.tlsSeconds) : s.tlsSeconds;
            Map<String, String> r = load(secs * 2 + 60, "tls-bulk", running.get(p).port("tls"), secs, s.tlsWrite);
            suites.add(p + ": " + r.get("protocol") + " " + r.get("cipher"));
            return Map.of("gbytes_per_s", d(r, "gbytes_per_s"), "gbits_per_s", d(r, "gbits_per_s"));
        });
        w.notes.add("Negotiated: " + String.join("; ", suites));
        return w;
    }

    private static final Pattern S_TIME = Pattern.compile("(\\d+) connections in (\\d+) real seconds");

    private Workload tlsHandshakes() throws InterruptedException {
        int secs = Math.max(1, (int) Math.round(s.tlsSeconds));
        Workload w = begin(new Workload("tls-handshake", "TLS handshakes", "s_time_per_s", "handshakes/s", true, "openssl", "netty-tls",
                "loadgen_per_s"),
                "taskset -c " + s.clientCpu + " openssl s_time -connect 127.0.0.1:PORT -new -time " + secs
                        + "  and  taskset -c " + s.clientCpu + " bench/target/c/loadgen tls-hs PORT " + s.tlsSeconds);
        w.notes.add("Full handshakes one after another, no resumption: openssl s_time -new (its count over its whole real seconds, "
                + "which it reports as an integer) and the C load generator's tls-hs (connect, SSL_connect, SSL_shutdown, close; "
                + "timed with a monotonic clock after a warm-up).");
        String config = "full handshakes";
        Set<String> suites = new LinkedHashSet<>();
        alternate(w, config, peers(TLS_PEERS, false), true, (p, warm) -> {
            int port = running.get(p).port("tls");
            if (warm) {
                load(60, "tls-hs", port, 1);
                return Map.of();
            }
            String out = Procs.run(Procs.pinned(s.clientCpu, List.of("openssl", "s_time", "-connect", "127.0.0.1:" + port,
                    "-new", "-time", String.valueOf(secs))), secs * 3 + 30, logs.resolve("s_time.log"));
            Matcher m = S_TIME.matcher(out);
            if (!m.find()) throw new IOException("s_time printed no count: " + out.strip());
            double sTime = Double.parseDouble(m.group(1)) / Math.max(1, Double.parseDouble(m.group(2)));
            Map<String, String> r = load(s.tlsSeconds * 2 + 60, "tls-hs", port, s.tlsSeconds);
            suites.add(p + ": " + r.get("protocol") + " " + r.get("cipher"));
            return Map.of("s_time_per_s", sTime, "loadgen_per_s", d(r, "per_s"), "loadgen_errors", d(r, "errors"));
        });
        w.notes.add("Negotiated: " + String.join("; ", suites));
        return w;
    }

    private Workload memory() throws InterruptedException {
        Workload w = begin(new Workload("memory", "Memory with idle connections", "rss_per_conn_kib", "KiB RSS per connection", false,
                "c-epoll", "netty-epoll", "rss_mib", "heap_per_conn_b", "heap_mib", "threads"),
                "taskset -c " + s.clientCpu + " bench/target/c/loadgen idle PORT " + s.idle + " " + s.idleSize);
        w.notes.add(s.idle + " connections, each after one " + s.idleSize + " B exchange, held idle. Each peer is a fresh process: "
                + "RSS (VmRSS) and, for Java, heap used after System.gc() are read before and 2 s after the connections open; "
                + "per connection is the difference over " + s.idle + ". The client's own memory is not counted.");
        w.notes.add("Each process may hold 20,000 fds (ulimit -n, not raisable here); server and load generator are separate "
                + "processes, so " + s.idle + " connections fit.");
        String config = s.idle + " idle";
        int memRuns = 1;
        for (int r = 1; r <= memRuns; r++) {
            for (String p : peers(TCP_PEERS, false)) {
                if (!timeLeft()) {
                    w.fail(config, p, "not run: --max-minutes passed");
                    continue;
                }
                try {
                    Map<String, Double> m = idleMemory(p);
                    w.add(config, p, m);
                    say(String.format(Locale.ROOT, "  [memory] %-22s %.2f KiB/conn, RSS %.1f MiB, heap %.0f B/conn, %d threads",
                            p, m.get("rss_per_conn_kib"), m.get("rss_mib"), m.getOrDefault("heap_per_conn_b", Double.NaN), m.get("threads").intValue()));
                } catch (IOException e) {
                    w.fail(config, p, e.getMessage());
                    say("  [memory] " + p + " FAILED: " + e.getMessage());
                } finally {
                    stopAll();
                }
            }
        }
        return w;
    }

    private Map<String, Double> idleMemory(String peer) throws IOException, InterruptedException {
        Running r = start(peer);
        boolean java = !peer.startsWith("c-");
        int port = r.port("echo");
        // Touch the code paths once, so the baseline has the classes loaded.
        load(60, "echo", port, 10, 64, 1, 0.5);
        Thread.sleep(500);
        double heap0 = java ? heap(r) : Double.NaN;
        long rss0 = Procs.rss(r.child().pid());
        Map<String, Double> m = new LinkedHashMap<>();
        try (Procs.Child idle = new Procs.Child("loadgen-idle", Procs.pinned(s.clientCpu,
                List.of(cdir.resolve("loadgen").toString(), "idle", String.valueOf(port), String.valueOf(s.idle), String.valueOf(s.idleSize))),
                logs.resolve("loadgen.log"))) {
            idle.await("READY", 600);
            Thread.sleep(2000);
            double heap1 = java ? heap(r) : Double.NaN;
            long rss1 = Procs.rss(r.child().pid());
            m.put("rss_mib", rss1 / 1048576.0);
            m.put("rss_base_mib", rss0 / 1048576.0);
            m.put("rss_per_conn_kib", (rss1 - rss0) / 1024.0 / s.idle);
            m.put("heap_mib", heap1 / 1048576.0);
            m.put("heap_per_conn_b", (heap1 - heap0) / s.idle);
            m.put("threads", (double) Procs.threads(r.child().pid()));
            idle.send("close");
            idle.waitFor(120);
        }
        return m;
    }

    private static double heap(Running r) throws IOException, InterruptedException {
        r.child().send("heap");
        return Double.parseDouble(Procs.fields(r.child().await("HEAP", 60), "HEAP").get("used"));
    }
}
