package org.jsock.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct tcp_info} from {@code <linux/tcp.h>}: the fields Linux documents, read with
 * {@code getsockopt(fd, IPPROTO_TCP, TCP_INFO, ...)}. Offsets match gcc's {@code offsetof}; a test
 * checks each one. A kernel may fill fewer bytes than {@link #SIZEOF}; unfilled fields read 0.
 * Times are in microseconds unless the field name says otherwise; {@code __u32} fields read as
 * unsigned {@code long}.
 */
public final class tcp_info extends Struct {
    public static final int SIZEOF = 232;

    public tcp_info() { this(Arena.ofAuto()); }
    public tcp_info(Arena arena) { super(alloc(arena, SIZEOF), SIZEOF); }
    private tcp_info(MemorySegment seg) { super(seg, SIZEOF); }

    public static tcp_info at(MemorySegment seg) { return new tcp_info(seg); }

    private int u8(long off) { return Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, off)); }
    private long u32(long off) { return Integer.toUnsignedLong(seg.get(ValueLayout.JAVA_INT, off)); }
    private long u64(long off) { return seg.get(ValueLayout.JAVA_LONG, off); }

    /** Offsets of every field, by C name, for tests and tools. */
    public static final java.util.Map<String, Integer> OFFSETS = java.util.Map.ofEntries(
            java.util.Map.entry("tcpi_state", 0),
            java.util.Map.entry("tcpi_ca_state", 1),
            java.util.Map.entry("tcpi_retransmits", 2),
            java.util.Map.entry("tcpi_probes", 3),
            java.util.Map.entry("tcpi_backoff", 4),
            java.util.Map.entry("tcpi_options", 5),
            java.util.Map.entry("tcpi_rto", 8),
            java.util.Map.entry("tcpi_ato", 12),
            java.util.Map.entry("tcpi_snd_mss", 16),
            java.util.Map.entry("tcpi_rcv_mss", 20),
            java.util.Map.entry("tcpi_unacked", 24),
            java.util.Map.entry("tcpi_sacked", 28),
            java.util.Map.entry("tcpi_lost", 32),
            java.util.Map.entry("tcpi_retrans", 36),
            java.util.Map.entry("tcpi_fackets", 40),
            java.util.Map.entry("tcpi_last_data_sent", 44),
            java.util.Map.entry("tcpi_last_ack_sent", 48),
            java.util.Map.entry("tcpi_last_data_recv", 52),
            java.util.Map.entry("tcpi_last_ack_recv", 56),
            java.util.Map.entry("tcpi_pmtu", 60),
            java.util.Map.entry("tcpi_rcv_ssthresh", 64),
            java.util.Map.entry("tcpi_rtt", 68),
            java.util.Map.entry("tcpi_rttvar", 72),
            java.util.Map.entry("tcpi_snd_ssthresh", 76),
            java.util.Map.entry("tcpi_snd_cwnd", 80),
            java.util.Map.entry("tcpi_advmss", 84),
            java.util.Map.entry("tcpi_reordering", 88),
            java.util.Map.entry("tcpi_rcv_rtt", 92),
            java.util.Map.entry("tcpi_rcv_space", 96),
            java.util.Map.entry("tcpi_total_retrans", 100),
            java.util.Map.entry("tcpi_pacing_rate", 104),
            java.util.Map.entry("tcpi_max_pacing_rate", 112),
            java.util.Map.entry("tcpi_bytes_acked", 120),
            java.util.Map.entry("tcpi_bytes_received", 128),
            java.util.Map.entry("tcpi_segs_out", 136),
            java.util.Map.entry("tcpi_segs_in", 140),
            java.util.Map.entry("tcpi_notsent_bytes", 144),
            java.util.Map.entry("tcpi_min_rtt", 148),
            java.util.Map.entry("tcpi_data_segs_in", 152),
            java.util.Map.entry("tcpi_data_segs_out", 156),
            java.util.Map.entry("tcpi_delivery_rate", 160),
            java.util.Map.entry("tcpi_busy_time", 168),
            java.util.Map.entry("tcpi_rwnd_limited", 176),
            java.util.Map.entry("tcpi_sndbuf_limited", 184),
            java.util.Map.entry("tcpi_delivered", 192),
            java.util.Map.entry("tcpi_delivered_ce", 196),
            java.util.Map.entry("tcpi_bytes_sent", 200),
            java.util.Map.entry("tcpi_bytes_retrans", 208),
            java.util.Map.entry("tcpi_dsack_dups", 216),
            java.util.Map.entry("tcpi_reord_seen", 220),
            java.util.Map.entry("tcpi_rcv_ooopack", 224),
            java.util.Map.entry("tcpi_snd_wnd", 228));

    public int tcpi_state() { return u8(0); }
    public int tcpi_ca_state() { return u8(1); }
    public int tcpi_retransmits() { return u8(2); }
    public int tcpi_probes() { return u8(3); }
    public int tcpi_backoff() { return u8(4); }
    public int tcpi_options() { return u8(5); }
    /** Bit-field: the low 4 bits of byte 6. */
    public int tcpi_snd_wscale() { return u8(6) & 0xF; }
    /** Bit-field: the high 4 bits of byte 6. */
    public int tcpi_rcv_wscale() { return u8(6) >>> 4; }
    /** Bit-field: bit 0 of byte 7. */
    public int tcpi_delivery_rate_app_limited() { return u8(7) & 1; }
    /** Bit-field: bits 1-2 of byte 7. */
    public int tcpi_fastopen_client_fail() { return (u8(7) >>> 1) & 3; }
    public long tcpi_rto() { return u32(8); }
    public long tcpi_ato() { return u32(12); }
    public long tcpi_snd_mss() { return u32(16); }
    public long tcpi_rcv_mss() { return u32(20); }
    public long tcpi_unacked() { return u32(24); }
    public long tcpi_sacked() { return u32(28); }
    public long tcpi_lost() { return u32(32); }
    public long tcpi_retrans() { return u32(36); }
    public long tcpi_fackets() { return u32(40); }
    public long tcpi_last_data_sent() { return u32(44); }
    public long tcpi_last_ack_sent() { return u32(48); }
    public long tcpi_last_data_recv() { return u32(52); }
    public long tcpi_last_ack_recv() { return u32(56); }
    public long tcpi_pmtu() { return u32(60); }
    public long tcpi_rcv_ssthresh() { return u32(64); }
    public long tcpi_rtt() { return u32(68); }
    public long tcpi_rttvar() { return u32(72); }
    public long tcpi_snd_ssthresh() { return u32(76); }
    public long tcpi_snd_cwnd() { return u32(80); }
    public long tcpi_advmss() { return u32(84); }
    public long tcpi_reordering() { return u32(88); }
    public long tcpi_rcv_rtt() { return u32(92); }
    public long tcpi_rcv_space() { return u32(96); }
    public long tcpi_total_retrans() { return u32(100); }
    public long tcpi_pacing_rate() { return u64(104); }
    public long tcpi_max_pacing_rate() { return u64(112); }
    public long tcpi_bytes_acked() { return u64(120); }
    public long tcpi_bytes_received() { return u64(128); }
    public long tcpi_segs_out() { return u32(136); }
    public long tcpi_segs_in() { return u32(140); }
    public long tcpi_notsent_bytes() { return u32(144); }
    public long tcpi_min_rtt() { return u32(148); }
    public long tcpi_data_segs_in() { return u32(152); }
    public long tcpi_data_segs_out() { return u32(156); }
    public long tcpi_delivery_rate() { return u64(160); }
    public long tcpi_busy_time() { return u64(168); }
    public long tcpi_rwnd_limited() { return u64(176); }
    public long tcpi_sndbuf_limited() { return u64(184); }
    public long tcpi_delivered() { return u32(192); }
    public long tcpi_delivered_ce() { return u32(196); }
    public long tcpi_bytes_sent() { return u64(200); }
    public long tcpi_bytes_retrans() { return u64(208); }
    public long tcpi_dsack_dups() { return u32(216); }
    public long tcpi_reord_seen() { return u32(220); }
    public long tcpi_rcv_ooopack() { return u32(224); }
    public long tcpi_snd_wnd() { return u32(228); }
}
