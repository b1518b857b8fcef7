package org.jsock.rudp;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How an rudp endpoint behaves: one immutable value, changed with the {@code with*} methods.
 * The defaults suit a LAN or the Internet: 1200-byte datagrams (QUIC's safe minimum), NewReno,
 * 1 MiB windows, a 30 s idle timeout.
 *
 * @param maxDatagramSize     largest UDP payload sent or accepted (1200 to 65,507); never fragmented
 * @param congestionControl   "newreno", "cubic" or "bbr" ({@link org.jsock.rudp.cc.CongestionController#names()})
 * @param receiveWindow       bytes the peer may send ahead of what the application has read
 * @param sendBuffer          bytes the application may write ahead of the peer's acknowledgements
 * @param idleTimeout         a connection that hears nothing this long is dropped (zero: never)
 * @param keepAlive           send a PING after this long without sending (zero: never)
 * @param handshakeTimeout    connect gives up after this long
 * @param linger              close waits this long for written data to be acknowledged, then aborts
 * @param maxAckDelay         how long a receiver may hold back an ACK
 * @param cookieLifetime      how long a server accepts a cookie (RETRY token) it issued
 * @param acceptBacklog       connections a server holds that the application has not accepted yet
 * @param versions            protocol versions, preferred first
 * @param pacing              space packets out at 1.25 × cwnd / RTT, or at BBR's pacing rate (off: send bursts up to cwnd)
 */
public record RudpConfig(int maxDatagramSize, String congestionControl, int receiveWindow, int sendBuffer,
                         Duration idleTimeout, Duration keepAlive, Duration handshakeTimeout, Duration linger,
                         Duration maxAckDelay, Duration cookieLifetime, int acceptBacklog, int[] versions,
                         boolean pacing) {
    /** The one version this release speaks (docs/rudp.md). */
    public static final int VERSION_1 = 1;
    public static final int MIN_DATAGRAM = 1200;
    public static final int MAX_DATAGRAM = 65_507;

    public RudpConfig {
        if (maxDatagramSize < MIN_DATAGRAM || maxDatagramSize > MAX_DATAGRAM) {
            throw new IllegalArgumentException("max datagram size " + maxDatagramSize + " is outside " + MIN_DATAGRAM + ".." + MAX_DATAGRAM);
        }
        org.jsock.rudp.cc.CongestionController.create(congestionControl, maxDatagramSize); // validates the name
        if (receiveWindow < maxDatagramSize) throw new IllegalArgumentException("receive window " + receiveWindow + " is below one datagram");
        if (sendBuffer < 1) throw new IllegalArgumentException("send buffer must be at least 1 byte");
        for (Duration d : List.of(idleTimeout, keepAlive, handshakeTimeout, linger, maxAckDelay, cookieLifetime)) {
            if (d.isNegative()) throw new IllegalArgumentException("negative duration " + d);
        }
        if (maxAckDelay.toMillis() > 65_535) throw new IllegalArgumentException("max ack delay above 65535 ms");
        if (acceptBacklog < 1) throw new IllegalArgumentException("accept backlog must be at least 1");
        if (versions.length == 0) throw new IllegalArgumentException("no versions");
        versions = versions.clone();
    }

    public static RudpConfig defaults() {
        return new RudpConfig(MIN_DATAGRAM, "newreno", 1 << 20, 1 << 20, Duration.ofSeconds(30), Duration.ZERO,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(25), Duration.ofSeconds(10), 128,
                new int[] {VERSION_1}, true);
    }

    @Override public int[] versions() { return versions.clone(); }

    public RudpConfig withMaxDatagramSize(int v) { return new RudpConfig(v, congestionControl, receiveWindow, sendBuffer, idleTimeout, keepAlive, handshakeTimeout, linger, maxAckDelay, cookieLifetime, acceptBacklog, versions, pacing); }
    public RudpConfig withCongestionControl(String v) { return new RudpConfig(maxDatagramSize, v, receiveWindow, sendBuffer, idleTimeout, keepAlive, handshakeTimeout, linger, maxAckDelay, cookieLifetime, acceptBacklog, versions, pacing); }
    public RudpConfig withReceiveWindow(int v) { return new RudpConfig(maxDatagramSize, congestionControl, v, sendBuffer, idleTimeout, keepAlive, handshakeTimeout, linger, maxAckDelay, cookieLifetime, acceptBacklog, versions, pacing); }
    public RudpConfig withSendBuffer(int v) { return new RudpConfig(maxDatagramSize, congestionControl, receiveWindow, v, idleTimeout, keepAlive, handshakeTimeout, linger, maxAckDelay, cookieLifetime, acceptBacklog, versions, pacing); }
    public RudpConfig withIdleTimeout(Duration v) { return new RudpConfig(maxDatagramSize, congestionControl, receiveWindow, sendBuffer, v, keepAlive, handshakeTimeout, linger, maxAckDelay, cookieLifetime, acceptBacklog, versions, pacing); }
    public RudpConfig withKeepAlive(Duration v) { return new RudpConfig(maxDatagramSize, congestionControl, receiveWindow, sendBuffer, idleTimeout, v, handshakeTimeout, linger, maxAckDelay, cookieLifetime, acceptBacklog, versions, pacing); }
    public RudpConfig withHandshakeTimeout(Duration v) { return new RudpConfig(maxDatagramSize, congestionControl, receiveWindow, sendBuffer, idleTimeout, keepAlive, v, linger, maxAckDelay, cookieLifetime, acceptBacklog, versions, pacing); }
    public RudpConfig withLinger(Duration v) { return new RudpConfig(maxDatagramSize, congestionControl, receiveWindow, sendBuffer, idleTimeout, keepAlive, handshakeTimeout, v, maxAckDelay, cookieLifetime, acceptBacklog, versions, pacing); }
    public RudpConfig withMaxAckDelay(Duration v) { return new RudpConfig(maxDatagramSize, congestionControl, receiveWindow, sendBuffer, idleTimeout, keepAlive, handshakeTimeout, linger, v, cookieLifetime, acceptBacklog, versions, pacing); }
    public RudpConfig withCookieLifetime(Duration v) { return new RudpConfig(maxDatagramSize, congestionControl, receiveWindow, sendBuffer, idleTimeout, keepAlive, handshakeTimeout, linger, maxAckDelay, v, acceptBacklog, versions, pacing); }
    public RudpConfig withAcceptBacklog(int v) { return new RudpConfig(maxDatagramSize, congestionControl, receiveWindow, sendBuffer, idleTimeout, keepAlive, handshakeTimeout, linger, maxAckDelay, cookieLifetime, v, versions, pacing); }
    public RudpConfig withVersions(int... v) { return new RudpConfig(maxDatagramSize, congestionControl, receiveWindow, sendBuffer, idleTimeout, keepAlive, handshakeTimeout, linger, maxAckDelay, cookieLifetime, acceptBacklog, v, pacing); }
    public RudpConfig withPacing(boolean v) { return new RudpConfig(maxDatagramSize, congestionControl, receiveWindow, sendBuffer, idleTimeout, keepAlive, handshakeTimeout, linger, maxAckDelay, cookieLifetime, acceptBacklog, versions, v); }

    public boolean supports(int version) {
        for (int v : versions) if (v == version) return true;
        return false;
    }

    @Override public boolean equals(Object o) {
        return o instanceof RudpConfig c && c.maxDatagramSize == maxDatagramSize && c.congestionControl.equals(congestionControl)
                && c.receiveWindow == receiveWindow && c.sendBuffer == sendBuffer && c.idleTimeout.equals(idleTimeout)
                && c.keepAlive.equals(keepAlive) && c.handshakeTimeout.equals(handshakeTimeout) && c.linger.equals(linger)
                && c.maxAckDelay.equals(maxAckDelay) && c.cookieLifetime.equals(cookieLifetime)
                && c.acceptBacklog == acceptBacklog && Arrays.equals(c.versions, versions) && c.pacing == pacing;
    }

    @Override public int hashCode() { return Arrays.hashCode(versions) * 31 + maxDatagramSize; }

    @Override public String toString() {
        return "RudpConfig[datagram " + maxDatagramSize + ", " + congestionControl + ", window " + receiveWindow
                + ", send buffer " + sendBuffer + ", idle " + idleTimeout + ", versions " + Arrays.toString(versions) + "]";
    }
}
