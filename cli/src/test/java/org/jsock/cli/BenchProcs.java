package org.jsock.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jsock.cli.bench.Json;

/** What the bench tests share: starting iperf3 and jsock, and reading iperf3's report rows and JSON. */
final class BenchProcs {
    private BenchProcs() {}

    static final long START_MS = 15_000; // a child JVM's start, with room for a loaded machine

    /** A report row: id, start, end, transfer, rate, unit prefix, rest. */
    static final Pattern ROW = Pattern.compile(
            "^\\[\\s*(\\d+|SUM)\\]\\s+(\\d+\\.\\d\\d)-(\\d+\\.\\d\\d)\\s+sec\\s+(\\d+(?:\\.\\d+)? [KMGT]?Bytes)\\s+(\\d+(?:\\.\\d+)?) ([KMGT]?)bits/sec(.*)$",
            Pattern.MULTILINE);

    /** A one-off stock iperf3 server on {@code port}, listening when this returns. */
    static ChildProcess iperf3Server(int port, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("-s", "-1", "-p", Integer.toString(port)));
        args.addAll(List.of(more));
        ChildProcess p = iperf3(args.toArray());
        awaitListening(p, port);
        return p;
    }

    static void awaitListening(ChildProcess p, int port) throws Exception {
        try {
            ChildProcess.awaitTcpListening(port, START_MS);
        } catch (AssertionError e) {
            p.close();
            throw new AssertionError(e.getMessage() + p.describe());
        }
    }

    /** iperf3 with {@code args} (numbers welcome), stdin closed. */
    static ChildProcess iperf3(Object... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("iperf3"));
        for (Object a : args) cmd.add(a.toString());
        ChildProcess p = ChildProcess.start(String.join(" ", cmd), cmd);
        p.closeInput();
        return p;
    }

    /** jsock with {@code args} (numbers welcome), stdin closed. */
    static ChildProcess jsock(Object... args) throws IOException {
        List<String> a = new ArrayList<>();
        for (Object x : args) a.add(x.toString());
        ChildProcess p = ChildProcess.jsock(a.toArray(String[]::new));
        p.closeInput();
        return p;
    }

    /** The report rows (stream or [SUM] lines): id, start, end, transfer, rate, unit prefix, rest. */
    static List<String[]> rows(String out) {
        List<String[]> rows = new ArrayList<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) rows.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7).trim()});
        return rows;
    }

    /** A row's rate in bits per second. */
    static double rate(String[] row) {
        double scale = switch (row[5]) {
            case "K" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            case "T" -> 1e12;
            default -> 1;
        };
        return Double.parseDouble(row[4]) * scale;
    }

    // ---- reading iperf3's JSON (-J) -----------------------------------------------------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o, String... path) {
        Map<String, Object> m = (Map<String, Object>) o;
        for (String key : path) {
            Object next = m.get(key);
            if (!(next instanceof Map)) throw new AssertionError("no object at '" + key + "' in " + Json.write(m));
            m = (Map<String, Object>) next;
        }
        return m;
    }

    static List<Object> list(Map<String, Object> root, String... path) {
        Map<String, Object> m = obj(root, java.util.Arrays.copyOf(path, path.length - 1));
        Object v = m.get(path[path.length - 1]);
        if (!(v instanceof List<?>)) throw new AssertionError("no list at '" + path[path.length - 1] + "' in " + Json.write(m));
        return Json.list(m, path[path.length - 1]);
    }

    static double num(Map<String, Object> root, String... path) {
        Map<String, Object> m = obj(root, java.util.Arrays.copyOf(path, path.length - 1));
        Object v = m.get(path[path.length - 1]);
        if (!(v instanceof Number n)) throw new AssertionError("no number at '" + path[path.length - 1] + "' in " + Json.write(m));
        return n.doubleValue();
    }

    static long bytes(Map<String, Object> root, String... path) {
        String[] p = java.util.Arrays.copyOf(path, path.length + 1);
        p[path.length] = "bytes";
        return (long) num(root, p);
    }
}
