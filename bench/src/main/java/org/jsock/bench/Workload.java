package org.jsock.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One workload's results: for each configuration and peer, the metrics of every run, and the
 * medians and ratios that the report shows. Insertion order is the order of the tables.
 */
final class Workload {
    final String id;
    final String title;
    /** The metric the ratios and charts use. */
    final String metric;
    final String unit;
    final boolean higherIsBetter;
    /** The peers ratios are taken against (C epoll and Netty epoll, or the workload's own). */
    final String ref1;
    final String ref2;
    /** Other metrics shown in the table, in order. */
    final List<String> extras;
    /** How to reproduce the figures: the bench/run line and the load generator's command. */
    String command = "";
    String loadCommand = "";
    final List<String> notes = new ArrayList<>();
    String loadBefore = "?";
    String loadAfter = "?";
    /** config -> peer -> runs (metric -> value; a failed run is an empty map with an "error" note). */
    final Map<String, Map<String, List<Map<String, Double>>>> samples = new LinkedHashMap<>();
    final Map<String, Map<String, List<String>>> errors = new LinkedHashMap<>();

    Workload(String id, String title, String metric, String unit, boolean higherIsBetter, String ref1, String ref2, String... extras) {
        this.id = id;
        this.title = title;
        this.metric = metric;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.ref1 = ref1;
        this.ref2 = ref2;
        this.extras = List.of(extras);
    }

    void add(String config, String peer, Map<String, Double> metrics) {
        samples.computeIfAbsent(config, k -> new LinkedHashMap<>()).computeIfAbsent(peer, k -> new ArrayList<>()).add(metrics);
    }

    void fail(String config, String peer, String why) {
        samples.computeIfAbsent(config, k -> new LinkedHashMap<>()).computeIfAbsent(peer, k -> new ArrayList<>());
        errors.computeIfAbsent(config, k -> new LinkedHashMap<>()).computeIfAbsent(peer, k -> new ArrayList<>()).add(why);
    }

    /** The median of {@code metric} over the runs that produced it; NaN if none did. */
    double median(String config, String peer, String metric) {
        List<Map<String, Double>> runs = samples.getOrDefault(config, Map.of()).getOrDefault(peer, List.of());
        double[] v = runs.stream().map(m -> m.get(metric)).filter(x -> x != null && !x.isNaN()).mapToDouble(Double::doubleValue).toArray();
        if (v.length == 0) return Double.NaN;
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    double median(String config, String peer) { return median(config, peer, metric); }

    /** The smallest and largest run of the main metric: how far apart the runs were. */
    double min(String config, String peer) { return values(config, peer).min().orElse(Double.NaN); }

    double max(String config, String peer) { return values(config, peer).max().orElse(Double.NaN); }

    private java.util.stream.DoubleStream values(String config, String peer) {
        return samples.getOrDefault(config, Map.of()).getOrDefault(peer, List.of()).stream()
                .map(m -> m.get(metric)).filter(x -> x != null && !x.isNaN()).mapToDouble(Double::doubleValue);
    }

    /** This peer's median over the reference's: above 1 is more (faster, or slower for latency). */
    double ratio(String config, String peer, String ref) {
        double r = median(config, ref);
        return r == 0 || Double.isNaN(r) ? Double.NaN : median(config, peer) / r;
    }

    int runs(String config, String peer) {
        return (int) samples.getOrDefault(config, Map.of()).getOrDefault(peer, List.of()).stream().filter(m -> !m.isEmpty()).count();
    }
}
