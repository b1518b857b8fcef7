package org.jsock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a workload's results as JSON, and all of them as one markdown file. */
final class Report {
    private Report() {}

    // ==== JSON ===================================================================================

    static void writeJson(Path file, Workload w, Map<String, String> machine, Map<String, String> settings) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("{\n");
        field(b, 1, "workload", w.id).append(",\n");
        field(b, 1, "title", w.title).append(",\n");
        field(b, 1, "metric", w.metric).append(",\n");
        field(b, 1, "unit", w.unit).append(",\n");
        indent(b, 1).append("\"higherIsBetter\": ").append(w.higherIsBetter).append(",\n");
        field(b, 1, "ratioAgainst", w.ref1 + ", " + w.ref2).append(",\n");
        field(b, 1, "command", w.command).append(",\n");
        field(b, 1, "loadGenerator", w.loadCommand).append(",\n");
        field(b, 1, "loadAverageBefore", w.loadBefore).append(",\n");
        field(b, 1, "loadAverageAfter", w.loadAfter).append(",\n");
        indent(b, 1).append("\"notes\": [");
        for (int i = 0; i < w.notes.size(); i++) b.append(i == 0 ? "" : ", ").append(str(w.notes.get(i)));
        b.append("],\n");
        map(b, 1, "machine", machine).append(",\n");
        map(b, 1, "settings", settings).append(",\n");
        indent(b, 1).append("\"results\": [\n");
        boolean first = true;
        for (var ce : w.samples.entrySet()) {
            for (var pe : ce.getValue().entrySet()) {
                String config = ce.getKey(), peer = pe.getKey();
                if (!first) b.append(",\n");
                first = false;
                indent(b, 2).append("{\"config\": ").append(str(config)).append(", \"peer\": ").append(str(peer));
                b.append(", \"median\": ").append(num(w.median(config, peer)));
                b.append(", \"ratio_vs_").append(w.ref1).append("\": ").append(num(w.ratio(config, peer, w.ref1)));
                b.append(", \"ratio_vs_").append(w.ref2).append("\": ").append(num(w.ratio(config, peer, w.ref2)));
                b.append(", \"medians\": {");
                List<Map<String, Double>> runs = pe.getValue();
                var keys = runs.stream().flatMap(m -> m.keySet().stream()).distinct().toList();
                for (int i = 0; i < keys.size(); i++) {
                    b.append(i == 0 ? "" : ", ").append(str(keys.get(i))).append(": ").append(num(w.median(config, peer, keys.get(i))));
                }
                b.append("}, \"runs\": [");
                for (int i = 0; i < runs.size(); i++) {
                    b.append(i == 0 ? "{" : ", {");
                    int j = 0;
                    for (var m : runs.get(i).entrySet()) b.append(j++ == 0 ? "" : ", ").append(str(m.getKey())).append(": ").append(num(m.getValue()));
                    b.append("}");
                }
                b.append("]");
                List<String> errs = w.errors.getOrDefault(config, Map.of()).getOrDefault(peer, List.of());
                if (!errs.isEmpty()) {
                    b.append(", \"errors\": [");
                    for (int i = 0; i < errs.size(); i++) b.append(i == 0 ? "" : ", ").append(str(errs.get(i)));
                    b.append("]");
                }
                b.append("}");
            }
        }
        b.append("\n");
        indent(b, 1).append("]\n}\n");
        Files.writeString(file, b);
    }

    private static StringBuilder indent(StringBuilder b, int n) { return b.append("  ".repeat(n)); }

    private static StringBuilder field(StringBuilder b, int n, String k, String v) {
        return indent(b, n).append(str(k)).append(": ").append(str(v));
    }

    private static StringBuilder map(StringBuilder b, int n, String k, Map<String, String> m) {
        indent(b, n).append(str(k)).append(": {");
        int i = 0;
        for (var e : m.entrySet()) b.append(i++ == 0 ? "" : ", ").append(str(e.getKey())).append(": ").append(str(e.getValue()));
        return b.append("}");
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "null";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        return String.format(Locale.ROOT, "%.4f", v);
    }

    // ==== markdown ===============================================================================

    static String markdown(List<Workload> ws, Map<String, String> machine, Map<String, String> settings) {
        StringBuilder b = new StringBuilder("# jsock benchmark results\n\n");
        b.append("Written by `bench/run`. Medians of the runs; ratios are this peer's median over the reference's ")
         .append("(for latency and memory, above 1 means slower or bigger).\n\n");
        b.append("Machine: ");
        machine.forEach((k, v) -> b.append(k).append(" `").append(v).append("`; "));
        b.append("\n\nSettings: ");
        settings.forEach((k, v) -> b.append(k).append("=`").append(v).append("` "));
        b.append("\n");
        for (Workload w : ws) b.append(table(w));
        return b.toString();
    }

    static String table(Workload w) {
        StringBuilder b = new StringBuilder();
        b.append("\n## ").append(w.title).append("\n\n");
        b.append("Command: `").append(w.command).append("`  \nLoad generator: `").append(w.loadCommand).append("`  \n");
        b.append("Load average before / after: ").append(w.loadBefore).append(" / ").append(w.loadAfter).append("\n\n");
        for (String n : w.notes) b.append("- ").append(n).append("\n");
        if (!w.notes.isEmpty()) b.append("\n");
        b.append("| config | peer | ").append(w.metric).append(" (").append(w.unit).append(")");
        for (String e : w.extras) b.append(" | ").append(e);
        b.append(" | range | × ").append(w.ref1).append(" | × ").append(w.ref2).append(" | runs |\n");
        b.append("|---|---|---:");
        for (int i = 0; i < w.extras.size(); i++) b.append("|---:");
        b.append("|---:|---:|---:|---:|\n");
        for (var ce : w.samples.entrySet()) {
            for (String peer : ce.getValue().keySet()) {
                String config = ce.getKey();
                b.append("| ").append(config).append(" | ").append(peer).append(" | ").append(fmt(w.median(config, peer)));
                for (String e : w.extras) b.append(" | ").append(fmt(w.median(config, peer, e)));
                b.append(" | ").append(fmt(w.min(config, peer))).append("–").append(fmt(w.max(config, peer)));
                b.append(" | ").append(ratio(w.ratio(config, peer, w.ref1))).append(" | ").append(ratio(w.ratio(config, peer, w.ref2)));
                b.append(" | ").append(w.runs(config, peer));
                List<String> errs = w.errors.getOrDefault(config, Map.of()).getOrDefault(peer, List.of());
                if (!errs.isEmpty()) b.append(" (").append(errs.size()).append(" failed: ").append(errs.getFirst().replace("|", "/")).append(")");
                b.append(" |\n");
            }
        }
        return b.toString();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "—";
        double a = Math.abs(v);
        if (a >= 1000 || v == Math.rint(v)) return String.format(Locale.ROOT, "%,.0f", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.2f", v);
    }
}
