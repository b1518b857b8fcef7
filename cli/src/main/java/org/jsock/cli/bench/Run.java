package org.jsock.cli.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A test once its streams exist, on either side: starts them, keeps the clock (omitted seconds,
 * interval edges), reports each interval, takes the final figures, and builds and reads the
 * results JSON that the two sides exchange.
 *
 * <p>Only the control thread calls into a Run; the streams' own threads touch only their counters.
 */
final class Run {
    final Params params;
    final boolean client;
    final List<Stream> streams;
    final Report report;
    private final Control control;
    private final long intervalNanos;
    private final Cpu cpu = new Cpu();

    /** This side's CPU use over the counted seconds; set by {@link #finish}. */
    Cpu.Usage cpuUsage;
    /** The peer's results, once exchanged. */
    Map<String, Object> peerResults;
    /** This side's congestion control algorithm (TCP's, or rudp's), or null. */
    String congestion;

    /** Time zero of the reported times: the start, then the end of the omitted seconds. */
    private long origin;
    private long lastEdge;
    private long nextEdge;
    private long omitEnd;
    private boolean omitting;
    private boolean anyInterval;

    Run(Params params, boolean client, List<Stream> streams, Report report, Control control, double intervalSeconds) {
        this.params = params;
        this.client = client;
        this.streams = streams;
        this.report = report;
        this.control = control;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    /** With --bidir, a stream's role as iperf3 labels it: TX-C, RX-C (client), TX-S, RX-S (server). */
    String role(Stream s) {
        if (!params.bidir()) return null;
        return (s.sender ? "TX-" : "RX-") + (client ? "C" : "S");
    }

    /** Starts the clock and every stream. */
    void start() {
        long now = System.nanoTime();
        origin = lastEdge = now;
        omitting = params.omit() > 0;
        omitEnd = now + params.omit() * 1_000_000_000L;
        nextEdge = intervalNanos > 0 ? now + intervalNanos : Long.MAX_VALUE;
        for (Stream s : streams) s.base = s.last = s.sample();
        if (!streams.isEmpty()) congestion = streams.getFirst().link.congestion();
        cpu.start();
        for (Stream s : streams) s.start();
    }

    /** The counted seconds end here (the client's clock; the server's ends at TEST_END). */
    long deadline() {
        return params.duration() > 0 ? omitEnd + params.duration() * 1_000_000_000L : Long.MAX_VALUE;
    }

    /**
     * Reports intervals until {@code deadline} passes, {@code done} holds, or a state byte arrives on
     * the control connection; returns that state, or {@link Control#NONE}.
     */
    int runUntil(long deadline, BooleanSupplier done) throws IOException {
        while (true) {
            long now = System.nanoTime();
            if (now >= deadline || done.getAsBoolean()) return Control.NONE;
            long next = Math.min(deadline, Math.min(nextEdge, omitting ? omitEnd : Long.MAX_VALUE));
            // Checked often enough to notice a byte limit being reached.
            int state = control.poll(Math.min(next - now, 50_000_000L));
            if (state != Control.NONE) return state;
            now = System.nanoTime();
            if (omitting && now >= omitEnd) {
                interval(now);
                omitting = false;
                origin = lastEdge = now;
                nextEdge = intervalNanos > 0 ? now + intervalNanos : Long.MAX_VALUE;
                for (Stream s : streams) s.base = s.last = s.sample();
                cpu.start();
            } else if (now >= nextEdge) {
                interval(now);
                nextEdge += intervalNanos;
                if (nextEdge <= now) nextEdge = now + intervalNanos; // a stall: don't report a burst of empty intervals
            }
        }
    }

    /** Reports the span since the last edge as one interval. */
    private void interval(long now) {
        List<Report.Row> rows = new ArrayList<>();
        for (Stream s : streams) {
            Stream.Sample x = s.sample();
            rows.add(row(s, s.last, x, lastEdge, now));
            if (!omitting) track(s, x);
            s.last = x;
        }
        lastEdge = now;
        anyInterval = true;
        report.interval(rows);
    }

    /** A TCP or rudp sender's extremes of cwnd, window and RTT, for the end report. */
    private static void track(Stream s, Stream.Sample x) {
        if (x.retrans() < 0) return;
        Link.Figures t = x.transport();
        s.maxCwnd = Math.max(s.maxCwnd, t.cwnd());
        s.maxSndWnd = Math.max(s.maxSndWnd, t.sndWnd());
        s.maxRtt = Math.max(s.maxRtt, t.rtt());
        s.minRtt = Math.min(s.minRtt, t.rtt());
        s.rttSum += t.rtt();
        s.rttCount++;
    }

    /** A stream's interval from {@code from} to {@code to}: the counters' change between samples a and b. */
    private Report.Row row(Stream s, Stream.Sample a, Stream.Sample b, long from, long to) {
        Report.Row r = new Report.Row();
        r.socket = s.label;
        r.role = role(s);
        r.sender = s.sender;
        r.udp = s.udp;
        r.rudp = params.rudp();
        r.start = (from - origin) / 1e9;
        r.end = (to - origin) / 1e9;
        r.seconds = (to - from) / 1e9;
        r.bytes = b.bytes() - a.bytes();
        r.bps = r.seconds > 0 ? r.bytes * 8 / r.seconds : 0;
        r.omitted = omitting;
        if (b.retrans() >= 0) {
            Link.Figures t = b.transport();
            r.retrans = a.retrans() >= 0 ? b.retrans() - a.retrans() : 0;
            r.cwnd = t.cwnd();
            r.sndWnd = t.sndWnd();
            r.rtt = t.rtt();
            r.rttVar = t.rttVar();
            r.pmtu = t.pmtu();
        }
        r.packets = b.packets() - a.packets();
        r.lost = b.lost() - a.lost();
        r.outOfOrder = b.outOfOrder() - a.outOfOrder();
        r.jitterMs = b.jitterMicros() / 1000;
        return r;
    }

    /**
     * Takes the final figures: reports the last part-interval (unless it is a sliver under a tenth
     * of an interval, or nothing was reported yet and it is the whole test), then each stream's end.
     */
    void finish() {
        long now = System.nanoTime();
        if (intervalNanos > 0 && (now - lastEdge >= intervalNanos / 10 || !anyInterval)) interval(now);
        double end = (now - origin) / 1e9;
        for (Stream s : streams) {
            Stream.Sample x = s.last.nanos() >= now ? s.last : s.sample();
            if (s.rttCount == 0) track(s, x); // no interval reports (-i 0): the end is the one sample
            Stream.Sample b = s.base;
            long retrans = x.retrans() >= 0 && b.retrans() >= 0 ? x.retrans() - b.retrans() : -1;
            Map<String, Object> rudp = x.transport() != null && x.transport().rudp() != null ? RudpLink.json(x.transport().rudp()) : null;
            s.localEnd = new Stream.End(x.bytes() - b.bytes(), x.packets() - b.packets(), x.lost() - b.lost(),
                    x.outOfOrder() - b.outOfOrder(), x.jitterMicros() / 1e6, retrans, 0, end, rudp);
        }
        cpuUsage = cpu.stop();
    }

    /** Total bytes so far on the streams this side receives (for a client's -n in reverse mode). */
    long receivedBytes() {
        long n = 0;
        for (Stream s : streams) if (!s.sender) n += s.bytes - s.base.bytes();
        return n;
    }

    /** The first stream failure, if a stream's thread ended on an error. */
    IOException failure() {
        for (Stream s : streams) if (s.failure != null) return s.failure;
        return null;
    }

    void closeStreams() {
        for (Stream s : streams) s.stop();
        for (Stream s : streams) s.close();
    }

    // ---- the results exchange -----------------------------------------------------------------

    /** This side's results, in the shape iperf3 sends in EXCHANGE_RESULTS. */
    Map<String, Object> results() {
        Map<String, Object> j = Json.object();
        j.put("cpu_util_total", cpuUsage.total());
        j.put("cpu_util_user", cpuUsage.user());
        j.put("cpu_util_system", cpuUsage.system());
        boolean anySender = streams.stream().anyMatch(s -> s.sender);
        j.put("sender_has_retransmits", anySender ? (params.udp() ? 0L : 1L) : -1L);
        // iperf3's key is TCP's; rudp's algorithm travels in each stream's "rudp" object.
        if (congestion != null && !params.rudp()) j.put("congestion_used", congestion);
        List<Object> list = new ArrayList<>();
        for (Stream s : streams) {
            Stream.End e = s.localEnd;
            Map<String, Object> x = Json.object();
            x.put("id", (long) s.id);
            x.put("bytes", e.bytes());
            x.put("retransmits", !s.udp && s.sender ? e.retrans() : -1L);
            x.put("jitter", s.sender ? 0.0 : e.jitterSeconds());
            x.put("errors", s.sender ? 0L : e.lost());
            x.put("packets", e.packets());
            x.put("start_time", e.start());
            x.put("end_time", e.end());
            if (e.rudp() != null) x.put("rudp", e.rudp());
            list.add(x);
        }
        j.put("streams", list);
        return j;
    }

    /** Reads the peer's results onto the streams, matching iperf3's stream ids. */
    @SuppressWarnings("unchecked")
    void takePeerResults(Map<String, Object> j) throws BenchException {
        peerResults = j;
        Map<Long, Stream> byId = new HashMap<>();
        for (Stream s : streams) byId.put((long) s.id, s);
        for (Object o : Json.list(j, "streams")) {
            if (!(o instanceof Map<?, ?> m)) continue;
            Map<String, Object> x = (Map<String, Object>) m;
            Stream s = byId.get(Json.count(x, "id", -1));
            if (s == null) throw new BenchException("the peer's results name stream " + x.get("id") + ", which this test does not have");
            double end = Json.number(x, "end_time", s.localEnd.end());
            Map<String, Object> rudp = x.get("rudp") instanceof Map<?, ?> r ? (Map<String, Object>) r : null;
            s.peerEnd = new Stream.End(Math.max(0, Json.count(x, "bytes", 0)), Math.max(0, Json.count(x, "packets", 0)),
                    Math.max(0, Json.count(x, "errors", 0)), 0, Json.number(x, "jitter", 0),
                    Json.count(x, "retransmits", -1), Json.number(x, "start_time", 0), end, rudp);
        }
    }
}
