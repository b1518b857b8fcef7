package org.jsock.net;

import org.jsock.sys.tcp_info;

import java.time.Duration;

/**
 * A snapshot of TCP_INFO: the kernel's view of one connection. Common fields are typed here; every
 * field Linux documents is on {@link #struct()} under its C name.
 */
public final class TcpInfo {
    private final tcp_info info;
    private final int filled;

    TcpInfo(tcp_info copy, int filled) {
        this.info = copy;
        this.filled = filled;
    }

    /** The raw struct (a copy), with every {@code tcpi_*} field. */
    public tcp_info struct() { return info; }

    /** How many bytes the kernel filled in. */
    public int length() { return filled; }

    public TcpState state() { return TcpState.of(info.tcpi_state()); }
    public Duration rtt() { return Duration.ofNanos(info.tcpi_rtt() * 1000); }
    public Duration rttVar() { return Duration.ofNanos(info.tcpi_rttvar() * 1000); }
    public Duration rto() { return Duration.ofNanos(info.tcpi_rto() * 1000); }
    public long sndCwnd() { return info.tcpi_snd_cwnd(); }
    public long sndMss() { return info.tcpi_snd_mss(); }
    public long rcvMss() { return info.tcpi_rcv_mss(); }
    public long unacked() { return info.tcpi_unacked(); }
    public long totalRetrans() { return info.tcpi_total_retrans(); }
    public long bytesAcked() { return info.tcpi_bytes_acked(); }
    public long bytesReceived() { return info.tcpi_bytes_received(); }
    public long bytesSent() { return info.tcpi_bytes_sent(); }
    public long bytesRetrans() { return info.tcpi_bytes_retrans(); }
    public long segsOut() { return info.tcpi_segs_out(); }
    public long segsIn() { return info.tcpi_segs_in(); }
    public long notsentBytes() { return info.tcpi_notsent_bytes(); }
    public long deliveryRate() { return info.tcpi_delivery_rate(); }
    public long sndWnd() { return info.tcpi_snd_wnd(); }

    @Override public String toString() {
        return "TcpInfo[state=" + state() + ", rtt=" + info.tcpi_rtt() + "us, rttvar=" + info.tcpi_rttvar()
                + "us, cwnd=" + sndCwnd() + ", mss=" + sndMss() + ", retrans=" + totalRetrans()
                + ", bytes_acked=" + bytesAcked() + ", bytes_received=" + bytesReceived() + "]";
    }
}
