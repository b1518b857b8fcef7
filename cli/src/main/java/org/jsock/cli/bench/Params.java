package org.jsock.cli.bench;

import java.util.Map;

/**
 * One test's parameters, as the client sends them in PARAM_EXCHANGE (iperf3's key names).
 *
 * @param udp        UDP streams instead of TCP
 * @param duration   seconds of test after the omitted ones (0: until a byte or block count is met)
 * @param omit       seconds at the start that are not counted
 * @param bytes      stop once the senders have sent this many bytes in all (0: no limit)
 * @param blocks     stop once the senders have sent this many blocks in all (0: no limit)
 * @param parallel   streams in each direction
 * @param reverse    the server sends
 * @param bidir      both send, on separate streams
 * @param len        bytes a write (TCP) or datagram (UDP)
 * @param rate       target bits/s for each stream (0: as fast as it goes)
 * @param counters64 UDP packet numbers are 64 bits
 * @param window     SO_SNDBUF and SO_RCVBUF for the streams (0: the kernel's default)
 * @param noDelay    TCP_NODELAY on the streams
 * @param congestion the TCP congestion control algorithm to ask for (null: the default)
 * @param rudp       rudp streams (jsock's reliable byte stream over UDP) instead of TCP; sent as
 *                   {@code "rudp": true} beside {@code "tcp": true}, which a stock iperf3 ignores
 * @param rudpCongestion the rudp congestion control to use (null: rudp's default)
 */
public record Params(boolean udp, int duration, int omit, long bytes, long blocks, int parallel, boolean reverse,
                     boolean bidir, int len, long rate, boolean counters64, int window, boolean noDelay,
                     String congestion, boolean rudp, String rudpCongestion) {

    /** The same test with blocks of {@code n} bytes. */
    Params withLen(int n) {
        return new Params(udp, duration, omit, bytes, blocks, parallel, reverse, bidir, n, rate, counters64, window, noDelay,
                congestion, rudp, rudpCongestion);
    }

    /** The JSON the client sends. */
    Map<String, Object> toJson(String version) {
        Map<String, Object> j = Json.object();
        j.put(udp ? "udp" : "tcp", true);
        j.put("omit", (long) omit);
        j.put("time", (long) duration);
        j.put("num", bytes);
        j.put("blockcount", blocks);
        j.put("parallel", (long) parallel);
        if (reverse) j.put("reverse", true);
        if (bidir) j.put("bidirectional", true);
        if (window > 0) j.put("window", (long) window);
        if (noDelay) j.put("nodelay", true);
        j.put("len", (long) len);
        if (rate > 0) j.put("bandwidth", rate);
        if (congestion != null) j.put("congestion", congestion);
        if (counters64) j.put("udp_counters_64bit", true);
        j.put("pacing_timer", 1000L);
        if (rudp) {
            j.put("rudp", true);
            if (rudpCongestion != null) j.put("rudp_congestion", rudpCongestion);
        }
        j.put("client_version", version);
        return j;
    }

    /** Reads what a client sent; throws BenchException for what this server cannot run. */
    static Params fromJson(Map<String, Object> j) throws BenchException {
        boolean udp = Json.bool(j, "udp");
        if (!udp && !Json.bool(j, "tcp")) throw new BenchException("the client asked for a protocol other than TCP or UDP");
        boolean rudp = Json.bool(j, "rudp");
        if (udp && rudp) throw new BenchException("the client asked for UDP and rudp streams at once");
        int parallel = (int) Json.count(j, "parallel", 1);
        if (parallel < 1 || parallel > 128) throw new BenchException("the client asked for " + parallel + " streams");
        int len = (int) Json.count(j, "len", 0);
        int header = Protocol.udpHeaderSize(Json.bool(j, "udp_counters_64bit"));
        if (len <= 0) len = udp ? Protocol.DEFAULT_UDP_LEN : Protocol.DEFAULT_TCP_LEN;
        if (udp && (len < header || len > Protocol.MAX_UDP_LEN)) {
            throw new BenchException("the client asked for UDP datagrams of " + len + " bytes");
        }
        if (!udp && len > 128 << 20) throw new BenchException("the client asked for blocks of " + len + " bytes");
        return new Params(udp, (int) Json.count(j, "time", 10), (int) Math.max(0, Json.count(j, "omit", 0)),
                Math.max(0, Json.count(j, "num", 0)), Math.max(0, Json.count(j, "blockcount", 0)), parallel,
                Json.bool(j, "reverse"), Json.bool(j, "bidirectional"), len, Math.max(0, Json.count(j, "bandwidth", 0)),
                Json.bool(j, "udp_counters_64bit"), (int) Math.max(0, Json.count(j, "window", 0)), Json.bool(j, "nodelay"),
                Json.string(j, "congestion"), rudp, Json.string(j, "rudp_congestion"));
    }

    /** Streams the client opens: P, or 2P with --bidir (its senders first). */
    int streamCount() { return bidir ? 2 * parallel : parallel; }

    /** Whether the n-th stream (from 0, in creation order) carries data from client to server. */
    boolean clientSends(int n) {
        if (bidir) return n < parallel;
        return !reverse;
    }
}
