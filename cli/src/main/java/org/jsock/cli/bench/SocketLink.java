package org.jsock.cli.bench;

import org.jsock.net.ByteStream;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;
import org.jsock.net.TcpInfo;
import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A stream over a TCP connection or a connected UDP socket: iperf3's own kinds. */
final class SocketLink implements Link {
    private static final int UDP_RCVBUF = 4 << 20;

    private final Socket socket;
    private final boolean udp;
    private final int fd;
    private final SockAddr local;
    private final SockAddr remote;

    private SocketLink(Socket socket, boolean udp) throws IOException {
        this.socket = socket;
        this.udp = udp;
        this.fd = socket.fd();
        this.local = socket.localAddress();
        this.remote = socket.peerAddress();
    }

    /**
     * The link for a connected stream socket, with the test's options set on it (-w, -N, -C); the
     * socket is closed if they cannot be.
     */
    static SocketLink open(Socket socket, Params params, boolean sender) throws IOException {
        try {
            boolean udp = params.udp();
            if (params.window() > 0) {
                socket.set(SockOpt.SO_SNDBUF, params.window());
                socket.set(SockOpt.SO_RCVBUF, params.window());
            } else if (udp && !sender) {
                // The receive loop starts cold (interpreted, then compiled): without room to queue a few
                // milliseconds of datagrams, the kernel drops them and they count as loss. The kernel caps
                // this at net.core.rmem_max.
                socket.set(SockOpt.SO_RCVBUF, UDP_RCVBUF);
            }
            if (!udp && params.noDelay()) socket.set(SockOpt.TCP_NODELAY, true);
            if (!udp && params.congestion() != null) {
                byte[] name = params.congestion().getBytes(StandardCharsets.US_ASCII);
                try {
                    socket.setOption(Sys.IPPROTO_TCP, Sys.TCP_CONGESTION, name);
                } catch (ErrnoException e) {
                    throw new BenchException("TCP congestion control '" + params.congestion() + "' is not available here", e);
                }
            }
            return new SocketLink(socket, udp);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override public ByteStream io() { return socket; }

    @Override public int label() { return fd; }

    @Override public SockAddr local() { return local; }

    @Override public SockAddr remote() { return remote; }

    /** TCP_INFO, for a TCP sender. */
    @Override
    public Figures figures(boolean sender) {
        if (udp || !sender || socket.isClosed()) return null;
        try {
            TcpInfo t = socket.get(SockOpt.TCP_INFO);
            return new Figures(t.totalRetrans(), t.sndCwnd() * t.sndMss(), t.sndWnd(), t.struct().tcpi_rtt(),
                    t.struct().tcpi_rttvar(), t.struct().tcpi_pmtu(), null);
        } catch (IOException e) {
            return null; // closed under us at the end: the figures stay unknown
        }
    }

    /** TCP_CONGESTION, for TCP. */
    @Override
    public String congestion() {
        if (udp) return null;
        try {
            byte[] b = new byte[16];
            int n = socket.getOption(Sys.IPPROTO_TCP, Sys.TCP_CONGESTION, b);
            int len = 0;
            while (len < Math.min(n, b.length) && b[len] != 0) len++;
            return len > 0 ? new String(b, 0, len, StandardCharsets.US_ASCII) : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override public int sendBuffer() { return option(SockOpt.SO_SNDBUF); }

    @Override public int receiveBuffer() { return option(SockOpt.SO_RCVBUF); }

    private int option(SockOpt<Integer> opt) {
        try {
            return socket.get(opt);
        } catch (IOException e) {
            return 0;
        }
    }
}
