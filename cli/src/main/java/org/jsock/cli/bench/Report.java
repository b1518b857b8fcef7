package org.jsock.cli.bench;

import org.jsock.net.SockAddr;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a test prints, in iperf3's two shapes: text lines as the test goes ("[  5]   0.00-1.00   sec
 * 2.43 GBytes  20.9 Gbits/sec"), or one JSON document at the end ({@code -J}: start, intervals, end).
 *
 * <p>Rows are computed once ({@link Row}) and rendered either way. The client's summary has a
 * sender and a receiver line for each stream, from its own figures and the server's; the server's
 * text shows its own side only, as iperf3's does.
 *
 * <p>rudp streams report as TCP's do, with rudp's figures in TCP's places: the bytes retransmitted
 * where TCP counts segments ("Retr", "retransmits"), its window and RTT; and with -J, each end's
 * rudp counters as an "rudp" object in a stream's sender and receiver.
 */
final class Report {
    static final String SEPARATOR = "- - - - - - - - - - - - - - - - - - - - - - - - -";

    private final PrintStream out;
    private final boolean json;
    private final boolean client;
    /** The -J document as it grows. */
    private final Map<String, Object> start = Json.object();
    private final List<Object> intervals = new ArrayList<>();
    private final Map<String, Object> end = Json.object();
    private final List<Object> connected = new ArrayList<>();
    private Params params;
    private boolean headerShown;
    /** The last interval ended with a separator line, so the summary needs none of its own. */
    private boolean separated;

    Report(PrintStream out, boolean json, boolean client) {
        this.out = out;
        this.json = json;
        this.client = client;
        start.put("connected", connected);
        start.put("version", BenchVersion.text());
        start.put("system_info", BenchVersion.systemInfo());
    }

    boolean json() { return json; }

    /** A line of text output (nothing in JSON mode). */
    void line(String text) {
        if (json) return;
        out.println(text);
        out.flush();
    }

    // ---- the start ----------------------------------------------------------------------------

    void connecting(String host, int port) {
        line("Connecting to host " + host + ", port " + port);
        Map<String, Object> to = Json.object();
        to.put("host", host);
        to.put("port", (long) port);
        timestamp();
        start.put("connecting_to", to);
    }

    void accepted(SockAddr from) {
        line("Accepted connection from " + host(from) + ", port " + port(from));
        Map<String, Object> a = Json.object();
        a.put("host", host(from));
        a.put("port", (long) port(from));
        timestamp();
        start.put("accepted_connection", a);
    }

    private void timestamp() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Map<String, Object> t = Json.object();
        t.put("time", now.format(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)).replace("Z", "GMT"));
        t.put("timesecs", now.toEpochSecond());
        start.put("timestamp", t);
    }

    /** The parameters, once known; {@code mss} is the control connection's (0 if unknown). */
    void test(Params p, byte[] cookie, int mss, int sndbuf, int rcvbuf) {
        this.params = p;
        start.put("cookie", Protocol.cookieText(cookie));
        if (!p.udp() && mss > 0) start.put("tcp_mss_default", (long) mss);
        start.put("target_bitrate", p.rate());
        start.put("sock_bufsize", (long) p.window());
        start.put("sndbuf_actual", (long) sndbuf);
        start.put("rcvbuf_actual", (long) rcvbuf);
        Map<String, Object> t = Json.object();
        t.put("protocol", p.udp() ? "UDP" : p.rudp() ? "RUDP" : "TCP");
        t.put("num_streams", (long) p.parallel());
        t.put("blksize", (long) p.len());
        t.put("omit", (long) p.omit());
        t.put("duration", (long) p.duration());
        t.put("bytes", p.bytes());
        t.put("blocks", p.blocks());
        t.put("reverse", p.reverse() ? 1L : 0L);
        t.put("tos", 0L);
        t.put("target_bitrate", p.rate());
        t.put("bidir", p.bidir() ? 1L : 0L);
        start.put("test_start", t);
    }

    void reverseNote(String host) {
        if (params.reverse() && !params.bidir()) line("Reverse mode, remote host " + host + " is sending");
    }

    void connected(Stream s) {
        // rudp says so, and which congestion control runs: the rest of the line is iperf3's.
        String rudp = params.rudp() ? " (rudp, " + s.link.congestion() + ")" : "";
        line(String.format(Locale.ROOT, "[%3d] local %s port %d connected to %s port %d%s", s.label, host(s.local), port(s.local),
                host(s.remote), port(s.remote), rudp));
        Map<String, Object> c = Json.object();
        c.put("socket", (long) s.label);
        c.put("local_host", host(s.local));
        c.put("local_port", (long) port(s.local));
        c.put("remote_host", host(s.remote));
        c.put("remote_port", (long) port(s.remote));
        connected.add(c);
    }

    /** An address as iperf3 shows it: an IPv4-mapped IPv6 address as plain IPv4. */
    static String host(SockAddr a) {
        if (a instanceof SockAddr.Inet4 v4) return v4.host();
        if (a instanceof SockAddr.Inet6 v6) {
            byte[] b = v6.address();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) mapped = b[i] == 0;
            if (mapped) return (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
            return v6.host();
        }
        return a.toString();
    }

    static int port(SockAddr a) {
        if (a instanceof SockAddr.Inet4 v4) return v4.port();
        if (a instanceof SockAddr.Inet6 v6) return v6.port();
        return 0;
    }

    // ---- rows -------------------------------------------------------------------------------

    /** One line of a report: a stream, or the sum of a direction's streams, over a span of time. */
    static final class Row {
        Integer socket;          // null for a sum
        String role;             // TX-C, RX-S, ... with --bidir; else null
        boolean sender;          // this side sends on it
        boolean udp;
        boolean rudp;            // retrans counts bytes, not segments
        double start, end, seconds;
        long bytes;
        double bps;
        boolean omitted;
        long retrans = -1;       // TCP or rudp sender; -1 unknown
        long cwnd, sndWnd, rtt, rttVar, pmtu;
        long packets;            // UDP: sent, or expected at the receiver
        long lost;
        long outOfOrder;
        double jitterMs;

        double lostPercent() { return packets > 0 ? 100.0 * lost / packets : 0; }
    }

    /** A direction's streams summed: bytes, packets and loss add up, jitter is averaged. */
    static Row sum(List<Row> rows) {
        Row s = new Row();
        Row first = rows.getFirst();
        s.role = first.role;
        s.sender = first.sender;
        s.udp = first.udp;
        s.rudp = first.rudp;
        s.start = first.start;
        s.end = first.end;
        s.seconds = first.seconds;
        s.omitted = first.omitted;
        s.retrans = 0;
        for (Row r : rows) {
            s.bytes += r.bytes;
            s.bps += r.bps;
            s.packets += r.packets;
            s.lost += r.lost;
            s.outOfOrder += r.outOfOrder;
            s.jitterMs += r.jitterMs / rows.size();
            if (r.retrans < 0) s.retrans = -1;
            else if (s.retrans >= 0) s.retrans += r.retrans;
        }
        return s;
    }

    // ---- intervals --------------------------------------------------------------------------

    /** One interval: a row per stream, and sums when a direction has several streams. */
    void interval(List<Row> rows) {
        Map<String, Object> j = Json.object();
        List<Object> streams = new ArrayList<>();
        for (Row r : rows) streams.add(intervalJson(r));
        j.put("streams", streams);
        List<Row> forward = new ArrayList<>(), backward = new ArrayList<>();
        split(rows, forward, backward);
        if (!json && !headerShown) {
            out.println(intervalHeader(rows));
            headerShown = true;
        }
        for (Row r : rows) line(intervalText(r));
        for (List<Row> group : List.of(forward, backward)) {
            if (group.isEmpty()) continue;
            Row s = sum(group);
            if (group.size() > 1) line(intervalText(s));
            j.put(group == forward ? "sum" : "sum_bidir_reverse", intervalJson(s));
        }
        // Several streams: iperf3 rules off each interval's block of lines.
        if (rows.size() > 1) line(SEPARATOR);
        separated = rows.size() > 1;
        intervals.add(j);
    }

    /** With --bidir, rows of streams carrying the client's data, then the server's; otherwise all in one. */
    private void split(List<Row> rows, List<Row> forward, List<Row> backward) {
        for (Row r : rows) {
            boolean clientSends = client == r.sender;
            (params.bidir() && !clientSends ? backward : forward).add(r);
        }
    }

    private String intervalHeader(List<Row> rows) {
        String h = params.bidir() ? "[ ID][Role] Interval           Transfer     Bitrate" : "[ ID] Interval           Transfer     Bitrate";
        boolean anySender = rows.stream().anyMatch(r -> r.sender);
        boolean anyReceiver = rows.stream().anyMatch(r -> !r.sender);
        if (params.udp()) return h + (anyReceiver ? "         Jitter    Lost/Total Datagrams" : "         Total Datagrams");
        if (params.rudp()) return anySender ? h + "         Retr         Cwnd" : h;
        return anySender ? h + "         Retr  Cwnd" : h;
    }

    private String prefix(Row r) {
        String id = r.socket == null ? "[SUM]" : String.format(Locale.ROOT, "[%3d]", r.socket);
        return r.role == null ? id : id + "[" + r.role + "]";
    }

    private String base(Row r) {
        return prefix(r) + String.format(Locale.ROOT, " %6.2f-%-6.2f sec  %s  %s", r.start, r.end, Units.bytes(r.bytes),
                Units.bits(r.bps));
    }

    private String udpLoss(Row r) {
        return String.format(Locale.ROOT, "  %5.3f ms  %d/%d (%s%%)", r.jitterMs, r.lost, r.packets, Units.percent(r.lostPercent()));
    }

    private String intervalText(Row r) {
        String t = base(r);
        if (r.udp) t += r.sender ? "  " + r.packets : udpLoss(r);
        else if (r.sender && r.rudp) t += r.socket == null ? rudpRetrans(r).stripTrailing() : rudpRetrans(r) + "  " + Units.bytes(r.cwnd);
        else if (r.sender) t += String.format(Locale.ROOT, " %4d", Math.max(0, r.retrans))
                + (r.socket == null ? "" : "   " + Units.bytes(r.cwnd));
        return r.omitted ? t + "  (omitted)" : t;
    }

    /** rudp retransmits bytes, not segments: a size where TCP shows a count, as wide as the widest size. */
    private static String rudpRetrans(Row r) {
        return String.format(Locale.ROOT, "  %-11s", Units.bytes(Math.max(0, r.retrans)));
    }

    private Map<String, Object> intervalJson(Row r) {
        Map<String, Object> j = Json.object();
        if (r.socket != null) j.put("socket", (long) r.socket);
        times(j, r);
        if (!r.udp && r.sender) {
            // rudp: bytes retransmitted, where iperf3 has TCP's segments.
            j.put("retransmits", Math.max(0, r.retrans));
            if (r.socket != null) {
                j.put("snd_cwnd", r.cwnd);
                if (!r.rudp) j.put("snd_wnd", r.sndWnd);
                j.put("rtt", r.rtt);
                if (!r.rudp) {
                    j.put("rttvar", r.rttVar);
                    j.put("pmtu", r.pmtu);
                }
            }
        } else if (r.udp && !r.sender) {
            udpJson(j, r);
        } else if (r.udp) {
            j.put("packets", r.packets);
        }
        j.put("omitted", r.omitted);
        j.put("sender", r.sender);
        return j;
    }

    private static void times(Map<String, Object> j, Row r) {
        j.put("start", r.start);
        j.put("end", r.end);
        j.put("seconds", r.seconds);
        j.put("bytes", r.bytes);
        j.put("bits_per_second", r.bps);
    }

    private static void udpJson(Map<String, Object> j, Row r) {
        j.put("jitter_ms", r.jitterMs);
        j.put("lost_packets", r.lost);
        j.put("packets", r.packets);
        j.put("lost_percent", r.lostPercent());
    }

    // ---- the end ----------------------------------------------------------------------------

    /**
     * The summary. Each stream gives a sender row and a receiver row: this side's figures for the
     * role it played, the peer's (from the results exchange) for the other.
     */
    void summary(List<Stream> streams, Run run) {
        List<Row[]> pairs = new ArrayList<>();
        for (Stream s : streams) pairs.add(new Row[] {endRow(s, true, run), endRow(s, false, run)});
        if (!json) {
            if (!separated) out.println(SEPARATOR);
            String h = params.bidir() ? "[ ID][Role] Interval           Transfer     Bitrate" : "[ ID] Interval           Transfer     Bitrate";
            boolean senderLines = client || streams.stream().anyMatch(s -> s.sender);
            out.println(h + (params.udp() ? "         Jitter    Lost/Total Datagrams" : senderLines ? "         Retr" : ""));
        }
        List<Object> js = new ArrayList<>();
        for (int i = 0; i < streams.size(); i++) {
            Stream s = streams.get(i);
            Row snd = pairs.get(i)[0], rcv = pairs.get(i)[1];
            // iperf3's server prints only its own side; its client prints both.
            if (client || s.sender) line(summaryText(snd, true));
            if (client || !s.sender) line(summaryText(rcv, false));
            Map<String, Object> j = Json.object();
            if (params.udp()) {
                Map<String, Object> u = Json.object();
                u.put("socket", (long) s.label);
                times(u, snd);
                udpJson(u, rcv);
                u.put("out_of_order", rcv.outOfOrder);
                u.put("sender", s.sender);
                j.put("udp", u);
            } else {
                Map<String, Object> a = Json.object();
                a.put("socket", (long) s.label);
                times(a, snd);
                a.put("retransmits", Math.max(0, snd.retrans));
                boolean mine = s.sender;
                a.put("max_snd_cwnd", mine ? s.maxCwnd : 0L);
                a.put("max_snd_wnd", mine ? s.maxSndWnd : 0L);
                a.put("max_rtt", mine ? s.maxRtt : 0L);
                a.put("min_rtt", mine && s.rttCount > 0 ? s.minRtt : 0L);
                a.put("mean_rtt", mine && s.rttCount > 0 ? s.rttSum / s.rttCount : 0L);
                a.put("sender", s.sender);
                Map<String, Object> b = Json.object();
                b.put("socket", (long) s.label);
                times(b, rcv);
                b.put("sender", s.sender);
                if (params.rudp()) {
                    // Each end's own rudp counters: this side's, and the peer's from the results exchange.
                    a.put("rudp", rudpEnd(s, true));
                    b.put("rudp", rudpEnd(s, false));
                }
                j.put("sender", a);
                j.put("receiver", b);
            }
            js.add(j);
        }
        end.put("streams", js);
        List<Row> fs = new ArrayList<>(), fr = new ArrayList<>(), bs = new ArrayList<>(), br = new ArrayList<>();
        for (int i = 0; i < streams.size(); i++) {
            boolean clientSends = client == streams.get(i).sender;
            boolean back = params.bidir() && !clientSends;
            (back ? bs : fs).add(pairs.get(i)[0]);
            (back ? br : fr).add(pairs.get(i)[1]);
        }
        sums(fs, fr, "");
        sums(bs, br, "_bidir_reverse");
        Map<String, Object> cpu = Json.object();
        cpu.put("host_total", run.cpuUsage.total());
        cpu.put("host_user", run.cpuUsage.user());
        cpu.put("host_system", run.cpuUsage.system());
        Map<String, Object> peer = run.peerResults != null ? run.peerResults : Map.of();
        cpu.put("remote_total", Json.number(peer, "cpu_util_total", 0));
        cpu.put("remote_user", Json.number(peer, "cpu_util_user", 0));
        cpu.put("remote_system", Json.number(peer, "cpu_util_system", 0));
        end.put("cpu_utilization_percent", cpu);
        if (!params.udp() && !params.rudp()) {
            String mine = run.congestion, theirs = Json.string(peer, "congestion_used");
            boolean localSends = streams.stream().anyMatch(s -> s.sender);
            String snd = localSends ? mine : theirs, rcv = localSends ? theirs : mine;
            if (snd != null) end.put("sender_tcp_congestion", snd);
            if (rcv != null) end.put("receiver_tcp_congestion", rcv);
        }
    }

    private void sums(List<Row> senders, List<Row> receivers, String suffix) {
        if (senders.isEmpty()) return;
        Row s = sum(senders), r = sum(receivers);
        if (senders.size() > 1) {
            if (client || s.sender) line(summaryText(s, true));
            if (client || !s.sender) line(summaryText(r, false));
        }
        Map<String, Object> sj = Json.object(), rj = Json.object();
        times(sj, s);
        times(rj, r);
        if (params.udp()) {
            Map<String, Object> both = Json.object();
            times(both, s);
            udpJson(both, r);
            both.put("sender", s.sender);
            end.put(suffix.isEmpty() ? "sum" : "sum" + suffix, both);
            sj.put("jitter_ms", 0.0);
            sj.put("lost_packets", 0L);
            sj.put("packets", s.packets);
            sj.put("lost_percent", 0.0);
            udpJson(rj, r);
        } else {
            sj.put("retransmits", Math.max(0, s.retrans));
        }
        sj.put("sender", s.sender);
        rj.put("sender", r.sender);
        end.put("sum_sent" + suffix, sj);
        end.put("sum_received" + suffix, rj);
    }

    /** The rudp counters of a stream's sending or receiving end, or an empty object if the peer sent none. */
    private static Map<String, Object> rudpEnd(Stream s, boolean senderSide) {
        Stream.End e = senderSide == s.sender ? s.localEnd : s.peerEnd;
        return e != null && e.rudp() != null ? e.rudp() : Json.object();
    }

    /** A stream's sender row (its sending side's figures) or receiver row. */
    private Row endRow(Stream s, boolean senderSide, Run run) {
        Stream.End e = senderSide == s.sender ? s.localEnd : s.peerEnd;
        Row r = new Row();
        r.socket = s.label;
        r.role = run.role(s);
        r.sender = s.sender;
        r.udp = s.udp;
        r.rudp = params.rudp();
        if (e == null) return r; // the peer's results never came
        Stream.End snd = s.sender ? s.localEnd : (s.peerEnd != null ? s.peerEnd : s.localEnd);
        r.start = 0;
        r.end = e.end();
        // iperf3 gives both rows the sender's duration in "seconds", and a rate over each side's own time.
        r.seconds = snd.end() - snd.start();
        r.bytes = e.bytes();
        double span = e.end() - e.start();
        r.bps = span > 0 ? e.bytes() * 8 / span : 0;
        r.retrans = senderSide ? e.retrans() : -1;
        if (s.udp) {
            r.packets = e.packets();
            r.lost = senderSide ? 0 : e.lost();
            r.outOfOrder = senderSide ? 0 : e.outOfOrder();
            r.jitterMs = senderSide ? 0 : e.jitterSeconds() * 1000;
        }
        return r;
    }

    private String summaryText(Row r, boolean senderRow) {
        String t = base(r);
        if (r.udp) return t + udpLoss(r) + (senderRow ? "  sender" : "  receiver");
        if (senderRow && r.rudp) return t + (r.retrans >= 0 ? rudpRetrans(r) : " ".repeat(13)) + "     sender";
        if (senderRow) return t + (r.retrans >= 0 ? String.format(Locale.ROOT, " %4d", r.retrans) : "     ") + "             sender";
        return t + "                  receiver";
    }

    /** Ends the output: the JSON document, or iperf3's closing line for a client. */
    void done(String error) {
        if (json) {
            Map<String, Object> doc = Json.object();
            doc.put("start", start);
            doc.put("intervals", intervals);
            doc.put("end", end);
            if (error != null) doc.put("error", error);
            out.println(Json.pretty(doc));
        } else if (client && error == null) {
            out.println();
            out.println("iperf Done.");
        }
        out.flush();
    }
}
