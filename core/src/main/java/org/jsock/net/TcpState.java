package org.jsock.net;

/** A TCP connection's state as {@code tcpi_state} reports it (values from {@code <netinet/tcp.h>}). */
public enum TcpState {
    UNKNOWN, ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING;

    public static TcpState of(int v) {
        TcpState[] all = values();
        return v > 0 && v < all.length ? all[v] : UNKNOWN;
    }
}
