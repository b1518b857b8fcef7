package org.jsock.rudp.conn;

import org.jsock.net.SockAddr;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.RudpException;
import org.jsock.rudp.RudpStats;
import org.jsock.rudp.cc.CongestionController;
import org.jsock.rudp.cc.Pacer;
import org.jsock.rudp.recovery.LossDetector;
import org.jsock.rudp.recovery.ReceivedPackets;
import org.jsock.rudp.recovery.RttEstimator;
import org.jsock.rudp.recovery.SentPacket;
import org.jsock.rudp.wire.AckRanges;
import org.jsock.rudp.wire.Cid;
import org.jsock.rudp.wire.ErrorCode;
import org.jsock.rudp.wire.Frame;
import org.jsock.rudp.wire.Packet;
import org.jsock.rudp.wire.PacketCodec;
import org.jsock.rudp.wire.PacketType;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One rudp connection as a state machine without I/O (docs/rudp.md): packets and time go in
 * ({@link #onPacket}, {@link #onTimer}), datagrams come out ({@link #poll}), and {@link #nextTimer}
 * says when to call again. The application side ({@link #write}, {@link #read}, {@link #close}, ...)
 * changes what there is to send. Not thread-safe: its {@link Endpoint} serializes every call.
 *
 * <p>Time is {@code long} nanoseconds from any origin, given by the caller: the simulator's virtual
 * clock or {@link System#nanoTime()}.
 */
public final class Connection {
    /** Where a connection is in its life. */
    public enum State { HANDSHAKE, ESTABLISHED, CLOSING, DRAINING, CLOSED }

    private final boolean client;
    private final RudpConfig config;
    private final SockAddr peer;
    private final Cid localCid;
    private Cid peerCid;
    private final Cid originalDcid;      // the client's first, random DCID (before RETRY)
    private int version;
    private byte[] token = new byte[0];
    private boolean retried;
    private int retries;                 // RETRYs taken: more than one only when a cookie expired
    private static final int MAX_RETRIES = 4;
    /** The longest a client waits between INITIAL probes, however far the PTO has backed off (docs/rudp.md). */
    private static final long HANDSHAKE_MAX_PROBE_INTERVAL = 2_000_000_000L;
    /** How long a closer that is still hearing from its peer stays to answer it with CLOSE again. */
    private static final long CLOSING_REARM_MIN = 2_000_000_000L;

    private State state = State.HANDSHAKE;
    private long nextPacketNumber;
    private final RttEstimator rtt;
    private final CongestionController cc;
    private final LossDetector loss;
    private final Pacer pacer;
    private final ReceivedPackets received;
    private final SendStream send;
    private final RecvStream recv;
    private int maxDatagram;             // ours, lowered to the peer's once its PARAMS arrive
    private final ByteBuffer streamScratch;   // one packet's worth of stream bytes, reused

    private long peerMaxData;            // how far the peer lets us send
    private boolean peerParamsSeen;
    private long idleTimeout;            // effective, nanos; 0 = none
    private boolean handshakeConfirmed;

    // What must go out in the next packets.
    private boolean initialPending;      // client: an INITIAL (first, after RETRY/VN, on probe or loss)
    private boolean paramsPending;       // server: a HANDSHAKE carrying PARAMS
    private boolean maxDataPending;
    private long dataBlockedSentAt = -1; // the limit we last said we were blocked at
    private boolean dataBlockedPending;
    private boolean pingPending;
    private int probesPending;
    private long pacedUntil;             // a paced packet may leave at this time

    // Closing.
    private boolean closeRequested;      // graceful close: CLOSE once everything is acknowledged
    private long lingerDeadline = Long.MAX_VALUE;
    private Frame.Close closeFrame;      // what we sent or must send
    private int closeCopies;             // CLOSE packets still to send
    private long stateDeadline = Long.MAX_VALUE;   // end of CLOSING / DRAINING
    private RudpException failure;       // why it ended badly, for the application
    private boolean inputShutdown;
    private boolean outputShutdown;

    // Times.
    private final long createdAt;
    private long lastReceived;
    private long lastSent;

    // Statistics.
    private long packetsSent, packetsReceived, bytesSent, bytesReceived, streamBytesSent, duplicatePackets;
    // The endpoint's handle on this connection's timer: when it is set for, and which heap entry is current.
    long timerAt = Long.MAX_VALUE;
    long timerSeq;

    Connection(boolean client, RudpConfig config, SockAddr peer, Cid localCid, Cid peerCid,
               Cid originalDcid, int version, long now) {
        this.client = client;
        this.config = config;
        this.peer = peer;
        this.localCid = localCid;
        this.peerCid = peerCid;
        this.originalDcid = originalDcid;
        this.version = version;
        this.createdAt = now;
        this.lastReceived = now;
        this.maxDatagram = config.maxDatagramSize();
        this.streamScratch = ByteBuffer.allocate(maxDatagram);
        this.rtt = new RttEstimator(config.maxAckDelay().toNanos());
        this.cc = CongestionController.create(config.congestionControl(), maxDatagram);
        this.loss = new LossDetector(rtt, cc);
        this.pacer = new Pacer(maxDatagram);
        this.received = new ReceivedPackets(256, config.maxAckDelay().toNanos());
        this.send = new SendStream(config.sendBuffer());
        this.recv = new RecvStream(config.receiveWindow());
        this.idleTimeout = config.idleTimeout().toNanos();
        if (client) {
            initialPending = true;
            loss.setArmWhenIdle(true);
        } else {
            paramsPending = true;
        }
    }

    // ---------------------------------------------------------------- identity and status

    public boolean isClient() { return client; }

    public SockAddr peer() { return peer; }

    public Cid localCid() { return localCid; }

    public State state() { return state; }

    public boolean isEstablished() { return state == State.ESTABLISHED; }

    /** The error that ended the connection, or null. */
    public RudpException failure() { return failure; }

    /** True once nothing more can be read or written (the connection is closing, draining or gone). */
    public boolean isTerminated() { return state == State.CLOSING || state == State.DRAINING || state == State.CLOSED; }

    // ---------------------------------------------------------------- application side

    /** Bytes that {@link #write} would take now. */
    public int writable() { return isTerminated() || outputShutdown || closeRequested ? 0 : send.free(); }

    /** Takes bytes from {@code src} into the send buffer; returns how many (0 when the buffer is full). */
    public int write(ByteBuffer src) throws RudpException {
        checkUsable("send");
        if (outputShutdown || closeRequested) throw new RudpException(RudpException.Kind.CLOSED, -1, "", "send: output is shut down");
        // A client buffers until the handshake completes: the server's window is not known before.
        return send.write(src);
    }

    /** Bytes received and held for the application (in order or waiting for a gap): at most the receive window. */
    public long receiveBuffered() { return recv.buffered(); }

    /** Bytes written and not yet acknowledged by the peer: at most the send buffer. */
    public long sendBuffered() { return send.unacked(); }

    /** True when {@link #read} would return data, end of stream, or throw. */
    public boolean readable() {
        return recv.available() > 0 || recv.atEnd() || inputShutdown || state == State.CLOSED
                || state == State.DRAINING || state == State.CLOSING || failure != null;
    }

    /**
     * Reads into {@code dst}: the count (0 if nothing is ready yet), or -1 at the end of the stream.
     * After a failure, buffered bytes are still read first; then the failure is thrown.
     */
    public int read(ByteBuffer dst) throws RudpException {
        if (inputShutdown) return -1;
        int n = recv.read(dst);
        if (n > 0) {
            if (recv.updateLimit()) maxDataPending = true;
            return n;
        }
        if (n < 0) return -1;
        if (failure != null) throw failure;
        if (isTerminated()) {
            // The peer closed without error but before its FIN: the stream ended early.
            throw new RudpException(RudpException.Kind.CLOSED_BY_PEER, closeFrame == null ? -1 : closeFrame.code(),
                    closeFrame == null ? "" : closeFrame.reason(), "recv: connection closed before the end of the stream");
        }
        return 0;
    }

    /** Ends our direction: the peer reads end of stream after the last byte written. */
    public void shutdownOutput() {
        outputShutdown = true;
        send.finish();
    }

    /** Stops reading: what arrives is dropped, and the peer's window stays open. */
    public void shutdownInput() {
        inputShutdown = true;
        recv.discardReady();
        if (recv.updateLimit()) maxDataPending = true;
    }

    /**
     * Orderly close: sends the FIN if not yet sent, waits (up to the linger time) for every byte to be
     * acknowledged, then sends CLOSE(NO_ERROR).
     */
    public void close(long now) {
        if (isTerminated() || closeRequested) return;
        if (client && state == State.HANDSHAKE) {
            enterClosing(now, ErrorCode.NO_ERROR, "closed during the handshake");
            return;
        }
        closeRequested = true;
        outputShutdown = true;
        send.finish();
        long linger = config.linger().toNanos();
        lingerDeadline = linger == 0 ? now : now + linger;
    }

    /** Closes at once with APPLICATION_ERROR and {@code reason}: unacknowledged data is abandoned. */
    public void abort(long now, String reason) {
        if (isTerminated()) return;
        enterClosing(now, ErrorCode.APPLICATION_ERROR, reason);
        failure = new RudpException(RudpException.Kind.ABORTED, ErrorCode.APPLICATION_ERROR, reason, "connection aborted: " + reason);
    }

    private void checkUsable(String call) throws RudpException {
        if (failure != null) throw failure;
        if (isTerminated()) throw new RudpException(RudpException.Kind.CLOSED, -1, "", call + ": connection is closed");
    }

    // ---------------------------------------------------------------- input

    /** A verified packet for this connection, from a datagram of {@code datagramLength} bytes. */
    void onPacket(long now, Packet p, int datagramLength) {
        packetsReceived++;
        bytesReceived += datagramLength;
        switch (state) {
            case CLOSED, DRAINING -> { return; }
            case CLOSING -> {
                for (Frame f : p.frames()) {
                    if (f instanceof Frame.Close) {
                        state = State.DRAINING;
                        return;
                    }
                }
                // The peer has not seen our CLOSE: send it again, and stay for another three PTOs, as
                // long as the peer keeps trying (TCP's TIME_WAIT answers a retransmitted FIN the same way).
                // A peer still sending ack-eliciting packets is retransmitting or probing: stay, at
                // least 2 s, since its probes back off and each must still find us here.
                closeCopies = Math.max(closeCopies, 1);
                if (p.ackEliciting()) stateDeadline = Math.max(stateDeadline, now + Math.max(3 * rtt.pto(), CLOSING_REARM_MIN));
                return;
            }
            default -> { }
        }
        if (p.type() == PacketType.RETRY) {
            onRetry(p);
            return;
        }
        if (client && state == State.HANDSHAKE) {
            if (p.type() != PacketType.HANDSHAKE) return;   // nothing is understood before the server's PARAMS
            peerCid = p.scid();
            state = State.ESTABLISHED;
            handshakeConfirmed = true;
            initialPending = false;
            loss.setArmWhenIdle(false);
        } else if (!client) {
            if (p.type() == PacketType.INITIAL && !handshakeConfirmed) paramsPending = true;  // our HANDSHAKE was lost
            if (p.type() == PacketType.SHORT && !handshakeConfirmed) {
                handshakeConfirmed = true;
                paramsPending = false;
                state = State.ESTABLISHED;
            }
        }
        if (!received.onPacket(now, p.number(), p.ackEliciting())) {
            duplicatePackets++;
            return;
        }
        lastReceived = now;
        for (Frame f : p.frames()) {
            if (state != State.ESTABLISHED && state != State.HANDSHAKE) break;
            switch (f) {
                case Frame.Ack a -> onAck(now, a);
                case Frame.Stream s -> onStream(now, s);
                case Frame.MaxData m -> { if (m.maximum() > peerMaxData) peerMaxData = m.maximum(); }
                case Frame.DataBlocked b -> maxDataPending = true;
                case Frame.Close c -> onPeerClose(now, c);
                case Frame.Params params -> onParams(params);
                case Frame.Ping ping -> { }
                case Frame.Padding pad -> { }
            }
        }
    }

    private void onRetry(Packet p) {
        if (!client || retries >= MAX_RETRIES || state != State.HANDSHAKE || !p.dcid().equals(localCid)) return;
        // After the first RETRY, only a fresh cookie for the same server CID counts (the server renews an
        // expired one that way); a RETRY with another CID answers a stale duplicate INITIAL: ignored.
        if (retried && (!p.scid().equals(peerCid) || java.util.Arrays.equals(token, p.token()))) return;
        retried = true;
        retries++;
        peerCid = p.scid();
        token = p.token();
        initialPending = true;
        // The first INITIAL was answered: it will never be acknowledged, so forget it, and start the
        // probe timer afresh (RFC 9002 resets recovery on Retry).
        loss.discardAll();
        loss.setArmWhenIdle(true);
    }

    /** The server offered {@code versions}: start again with the best common one, or fail. */
    void onVersionNegotiation(long now, int[] versions) {
        if (!client || state != State.HANDSHAKE || retried) return;
        for (int v : versions) if (v == version) return;   // lists ours: not genuine (docs/rudp.md)
        for (int mine : config.versions()) {
            for (int theirs : versions) {
                if (mine == theirs) {
                    version = mine;
                    initialPending = true;
                    loss.discardAll();
                    loss.setArmWhenIdle(true);
                    return;
                }
            }
        }
        failure = new RudpException(RudpException.Kind.NO_COMMON_VERSION, -1, "",
                "connect: no common version: server offers " + versionList(versions) + ", we speak " + versionList(config.versions()));
        state = State.CLOSED;
    }

    /** The peer's UDP port answered with ICMP port unreachable: nobody is there any more. */
    void onUnreachable(long now) {
        if (isTerminated() || state == State.CLOSED) return;
        String what = state == State.HANDSHAKE
                ? "connect: Connection refused: nothing listens on UDP " + peer
                : "connection lost: " + peer + " is no longer listening (ICMP port unreachable)";
        failure = new RudpException(RudpException.Kind.REFUSED, -1, "", what);
        state = State.CLOSED;
        loss.discardAll();
    }

    private static String versionList(int[] vs) {
        List<String> out = new ArrayList<>();
        for (int v : vs) out.add(String.format("0x%08x", v));
        return out.toString();
    }

    private void onParams(Frame.Params p) {
        if (peerParamsSeen) return;
        peerParamsSeen = true;
        peerMaxData = Math.max(peerMaxData, p.initialMaxData());
        rtt.setMaxAckDelay(Duration.ofMillis(p.maxAckDelayMillis()).toNanos());
        if (p.maxDatagramSize() >= RudpConfig.MIN_DATAGRAM) maxDatagram = Math.min(maxDatagram, p.maxDatagramSize());
        long theirs = Duration.ofMillis(p.idleTimeoutMillis()).toNanos();
        if (theirs > 0 && (idleTimeout == 0 || theirs < idleTimeout)) idleTimeout = theirs;
    }

    private void onAck(long now, Frame.Ack a) {
        LossDetector.AckOutcome out;
        try {
            out = loss.onAck(now, a.ranges(), a.ackDelayMicros() * 1000, handshakeConfirmed);
        } catch (IllegalArgumentException e) {
            protocolError(now, ErrorCode.PROTOCOL_VIOLATION, "ACK of a packet never sent: " + e.getMessage());
            return;
        }
        for (SentPacket p : out.acked()) onFramesAcked(p);
        for (SentPacket p : out.lost()) onFramesLost(p);
    }

    private void onStream(long now, Frame.Stream s) {
        try {
            recv.onData(s.offset(), s.data(), s.fin());
            if (inputShutdown) recv.discardReady();
        } catch (RecvStream.StreamError e) {
            protocolError(now, e.code, e.getMessage());
        }
    }

    private void onPeerClose(long now, Frame.Close c) {
        closeFrame = c;
        if (c.code() != ErrorCode.NO_ERROR) {
            failure = new RudpException(RudpException.Kind.CLOSED_BY_PEER, c.code(), c.reason(),
                    "connection closed by peer: " + ErrorCode.name(c.code()) + (c.reason().isEmpty() ? "" : " (" + c.reason() + ")"));
        }
        state = State.DRAINING;
        stateDeadline = now + 3 * rtt.pto();
        loss.discardAll();
    }

    /** A packet for this connection could not be parsed: close with FRAME_ENCODING_ERROR. */
    void abortProtocol(long now, String message) {
        if (!isTerminated()) protocolError(now, ErrorCode.FRAME_ENCODING_ERROR, message);
    }

    private void protocolError(long now, int code, String message) {
        failure = new RudpException(RudpException.Kind.PROTOCOL_ERROR, code, message,
                "protocol error: " + ErrorCode.name(code) + ": " + message);
        enterClosing(now, code, message);
    }

    private void enterClosing(long now, int code, String reason) {
        closeFrame = new Frame.Close(code, reason.length() > 200 ? reason.substring(0, 200) : reason);
        // Two copies: a CLOSE is not retransmitted, and a lost one leaves the peer to time out.
        closeCopies = 2;
        state = State.CLOSING;
        stateDeadline = now + 3 * rtt.pto();
        loss.discardAll();
    }

    private void onFramesAcked(SentPacket p) {
        if (!(p.frames() instanceof List<?> items)) return;
        for (Object o : items) {
            if (o instanceof SendStream.Chunk c) send.onAcked(c.offset(), c.length(), c.fin());
            else if (o instanceof AckSent a) received.forgetBelow(a.largest() + 1);
        }
    }

    private void onFramesLost(SentPacket p) {
        if (!(p.frames() instanceof List<?> items)) return;
        for (Object o : items) {
            switch (o) {
                case SendStream.Chunk c -> send.onLost(c.offset(), c.length(), c.fin());
                case Frame.MaxData m -> maxDataPending = true;
                case Frame.DataBlocked b -> dataBlockedPending = send.blockedBy(peerMaxData);
                case Frame.Params pr -> { if (client) initialPending = state == State.HANDSHAKE; else paramsPending = !handshakeConfirmed; }
                default -> { }
            }
        }
    }

    // ---------------------------------------------------------------- timers

    /** When {@link #onTimer} must next run (absolute nanos), or {@link Long#MAX_VALUE}. */
    public long nextTimer(long now) {
        if (state == State.CLOSED) return Long.MAX_VALUE;
        if (state == State.CLOSING || state == State.DRAINING) return stateDeadline;
        long t = loss.timerDeadline(now);
        t = Math.min(t, received.ackDeadline());
        if (idleTimeout > 0) t = Math.min(t, idleDeadline());
        if (client && state == State.HANDSHAKE) {
            t = Math.min(t, createdAt + config.handshakeTimeout().toNanos());
            t = Math.min(t, handshakeProbeDeadline());
        }
        if (pacedUntil > now && wantsToSend()) t = Math.min(t, pacedUntil);
        if (closeRequested) t = Math.min(t, lingerDeadline);
        long keepAlive = config.keepAlive().toNanos();
        if (keepAlive > 0 && state == State.ESTABLISHED) t = Math.min(t, lastSent + keepAlive);
        return t;
    }

    private long handshakeProbeDeadline() {
        return lastSent + Math.max(HANDSHAKE_MAX_PROBE_INTERVAL, rtt.pto());
    }

    private long idleDeadline() {
        return lastReceived + Math.max(idleTimeout, 3 * rtt.pto());
    }

    /** Runs whatever fell due by {@code now}. */
    public void onTimer(long now) {
        switch (state) {
            case CLOSED -> { return; }
            case CLOSING, DRAINING -> {
                if (now >= stateDeadline) state = State.CLOSED;
                return;
            }
            default -> { }
        }
        if (client && state == State.HANDSHAKE && now >= createdAt + config.handshakeTimeout().toNanos()) {
            failure = new RudpException(RudpException.Kind.HANDSHAKE_TIMEOUT, -1, "",
                    "connect: connection timed out (no handshake from " + peer + " in " + config.handshakeTimeout().toMillis() + " ms)");
            state = State.CLOSED;
            return;
        }
        if (idleTimeout > 0 && now >= idleDeadline()) {
            failure = new RudpException(RudpException.Kind.IDLE_TIMEOUT, -1, "",
                    "connection timed out: nothing heard from " + peer + " for " + (now - lastReceived) / 1_000_000 + " ms");
            state = State.CLOSED;
            loss.discardAll();
            return;
        }
        if (closeRequested && now >= lingerDeadline && !send.allAcked()) {
            String why = "linger timeout: " + send.unacked() + " bytes unacknowledged";
            enterClosing(now, ErrorCode.APPLICATION_ERROR, why);
            failure = new RudpException(RudpException.Kind.ABORTED, ErrorCode.APPLICATION_ERROR, why, "close: " + why);
            return;
        }
        long keepAlive = config.keepAlive().toNanos();
        if (keepAlive > 0 && state == State.ESTABLISHED && now >= lastSent + keepAlive) pingPending = true;
        if (client && state == State.HANDSHAKE && now >= handshakeProbeDeadline() && now < loss.timerDeadline(now)) {
            probesPending = Math.max(probesPending, 1);   // the backed-off PTO is too far away
            initialPending = true;
        }
        if (now >= loss.timerDeadline(now)) {
            LossDetector.TimeoutOutcome out = loss.onTimeout(now);
            for (SentPacket p : out.lost()) onFramesLost(p);
            if (out.probes() > 0) {
                probesPending = out.probes();
                if (client && state == State.HANDSHAKE) initialPending = true;
            }
        }
    }

    /** A probe has nothing new to carry: send the oldest unacknowledged data again (or a PING). */
    private void requeueOldestData() {
        for (SentPacket p : loss.unacked()) {
            if (p.frames() instanceof List<?> items) {
                for (Object o : items) {
                    if (o instanceof SendStream.Chunk c) {
                        send.onLost(c.offset(), c.length(), c.fin());
                        return;
                    }
                }
            }
        }
        if (!client && !handshakeConfirmed) {
            paramsPending = true;   // the client may never have had our HANDSHAKE: a PING it would drop
            return;
        }
        pingPending = true;
    }

    // ---------------------------------------------------------------- output

    private boolean canSendStream() {
        return state == State.ESTABLISHED || (!client && state == State.HANDSHAKE);
    }

    /** True if an ack-eliciting packet is waiting (subject to congestion control and pacing). */
    private boolean wantsToSend() {
        if (client && state == State.HANDSHAKE) return initialPending || probesPending > 0;
        if (state != State.ESTABLISHED && state != State.HANDSHAKE) return false;
        if (paramsPending || maxDataPending || pingPending || probesPending > 0) return true;
        if (dataBlockedPending) return true;
        return canSendStream() && send.hasSendable(peerMaxData);
    }

    private boolean closeReady() {
        return closeRequested && (state == State.ESTABLISHED || (!client && state == State.HANDSHAKE)) && send.allAcked();
    }

    /**
     * Writes the next datagram to send into {@code out} (from position 0) and returns its length, or
     * returns 0 when nothing may be sent now. Call until it returns 0.
     */
    public int poll(long now, ByteBuffer out) {
        out.clear();
        if (state == State.CLOSED || state == State.DRAINING) return 0;
        if (closeReady()) enterClosing(now, ErrorCode.NO_ERROR, "");
        if (state == State.CLOSING) {
            if (closeCopies == 0) return 0;
            closeCopies--;
            return emit(now, out, List.of(closeFrame), List.of(), false);
        }
        if (send.blockedBy(peerMaxData) && dataBlockedSentAt != peerMaxData) dataBlockedPending = true;

        boolean ackNow = received.ranges() != null && received.ackDue(now);
        boolean eliciting = wantsToSend();
        if (!eliciting && cc.canSend(maxDatagram)) cc.onApplicationLimited(now);
        if (!eliciting && !ackNow) return 0;

        boolean probe = probesPending > 0;
        if (eliciting && !probe) {
            int size = maxDatagram;
            boolean blocked = !cc.canSend(size);
            if (!blocked && config.pacing()) {
                long at = pacer.nextSendTime(now, size, cc.pacingRate(), cc.window(), rtt.smoothed());
                if (at > now) {
                    pacedUntil = at;
                    blocked = true;
                }
            }
            if (blocked) {
                if (!ackNow) return 0;
                eliciting = false;   // the ACK goes alone; the data waits for the window or the pacer
            }
        }
        if (!eliciting) {
            int room = maxDatagram - PacketCodec.SHORT_HEADER_LENGTH - PacketCodec.CRC_LENGTH;
            return emit(now, out, List.of(ackFrame(now, Frame.ackRangesThatFit(room))), List.of(), false);
        }
        if (probe) {
            probesPending--;
            // A probe carries data: new data if any, else the oldest unacknowledged data again (both
            // probes of a pair then carry it, so one loss does not cost another backed-off PTO).
            if (canSendStream() && !send.hasSendable(peerMaxData)) requeueOldestData();
        }
        return emitEliciting(now, out, ackNow || received.hasUnacked());
    }

    /** Ranges an ACK that travels with other frames may carry: the rest of the packet is for them. */
    private static final int PIGGYBACK_ACK_RANGES = 32;

    /** An ACK of at most {@code maxRanges} ranges, the highest (the peer learns of new arrivals first). */
    private Frame.Ack ackFrame(long now, int maxRanges) {
        AckRanges r = received.ranges();
        if (r.count() > maxRanges) r = r.first(maxRanges);
        return new Frame.Ack(received.ackDelayMicros(now), r);
    }

    /** Remembers which of our packets carried an ACK, and up to where: when it is acknowledged, those ranges need no repeating. */
    record AckSent(long largest) {}

    private int emitEliciting(long now, ByteBuffer out, boolean withAck) {
        List<Frame> frames = new ArrayList<>(4);
        List<Object> sent = new ArrayList<>(4);
        if (withAck && received.ranges() != null) frames.add(ackFrame(now, PIGGYBACK_ACK_RANGES));
        if (client && state == State.HANDSHAKE) {
            Frame.Params params = params();
            frames.add(params);
            sent.add(params);
            initialPending = false;
            return emit(now, out, frames, sent, true);
        }
        if (!client && paramsPending) {
            Frame.Params params = params();
            frames.add(params);
            sent.add(params);
            paramsPending = false;
            return emit(now, out, frames, sent, true);
        }
        if (maxDataPending) {
            Frame.MaxData m = new Frame.MaxData(recv.limit());
            frames.add(m);
            sent.add(m);
            maxDataPending = false;
        }
        if (dataBlockedPending) {
            Frame.DataBlocked b = new Frame.DataBlocked(peerMaxData);
            frames.add(b);
            sent.add(b);
            dataBlockedPending = false;
            dataBlockedSentAt = peerMaxData;
        }
        // Fill the rest with stream data.
        streamScratch.clear();
        int room = maxDatagram - PacketCodec.SHORT_HEADER_LENGTH - PacketCodec.CRC_LENGTH - framesSize(frames);
        boolean anyStream = false;
        while (canSendStream() && room > Frame.streamOverhead() && send.hasSendable(peerMaxData)) {
            SendStream.Chunk c = send.next(room - Frame.streamOverhead(), peerMaxData);
            if (c == null) break;
            // The packet's stream bytes go side by side in one reusable buffer: the codec copies
            // them into the datagram before this method returns.
            int at = streamScratch.position();
            send.copy(c.offset(), c.length(), streamScratch);
            ByteBuffer data = streamScratch.slice(at, c.length());
            Frame.Stream f = new Frame.Stream(c.offset(), data, c.fin());
            frames.add(f);
            sent.add(c);
            room -= f.encodedSize();
            streamBytesSent += c.length();
            anyStream = true;
        }
        boolean elicits = anyStream || !sent.isEmpty();
        if (!elicits) {
            frames.add(new Frame.Ping());
        }
        pingPending = false;
        return emit(now, out, frames, sent, true);
    }

    /** Our transport parameters, as the client's INITIAL and the server's HANDSHAKE carry them. */
    private Frame.Params params() {
        return new Frame.Params((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()),
                config.receiveWindow(), config.maxDatagramSize(), (int) config.maxAckDelay().toMillis());
    }

    private static int framesSize(List<Frame> frames) {
        int n = 0;
        for (Frame f : frames) n += f.encodedSize();
        return n;
    }

    /** Encodes, records and counts one packet. */
    private int emit(long now, ByteBuffer out, List<Frame> frames, List<Object> sentItems, boolean ackEliciting) {
        long pn = nextPacketNumber++;
        Packet p;
        if (client && state == State.HANDSHAKE) {
            Cid dcid = retried ? peerCid : originalDcid;
            List<Frame> padded = new ArrayList<>(frames);
            Packet probe = Packet.initial(version, dcid, localCid, token, pn, padded);
            int pad = Math.max(PacketCodec.MIN_INITIAL_DATAGRAM, 0) - PacketCodec.encodedLength(probe);
            if (pad > 0) padded.add(new Frame.Padding(pad));
            p = Packet.initial(version, dcid, localCid, token, pn, padded);
        } else if (!client && !handshakeConfirmed && sentItems.stream().anyMatch(o -> o instanceof Frame.Params)) {
            p = Packet.handshake(version, peerCid, localCid, pn, frames);
        } else {
            p = Packet.shortHeader(peerCid, pn, frames);
        }
        int n = PacketCodec.encode(p, out);
        out.flip();
        boolean hadAck = false;
        List<Object> items = sentItems;
        for (Frame f : frames) {
            if (f instanceof Frame.Ack a) {
                hadAck = true;
                items = new ArrayList<>(sentItems);
                items.add(new AckSent(a.ranges().largest()));
                break;
            }
        }
        boolean inFlight = ackEliciting;
        loss.onPacketSent(new SentPacket(pn, now, n, ackEliciting, inFlight, items.isEmpty() ? null : List.copyOf(items)));
        if (inFlight && config.pacing()) pacer.onPacketSent(now, n, cc.pacingRate(), cc.window(), rtt.smoothed());
        if (hadAck) received.onAckSent(now);
        packetsSent++;
        bytesSent += n;
        lastSent = now;
        return n;
    }

    // ---------------------------------------------------------------- statistics

    public RudpStats stats(long corruptDropped) {
        return new RudpStats(Duration.ofNanos(rtt.smoothed()), Duration.ofNanos(rtt.hasSample() ? rtt.min() : 0),
                cc.window(), cc.bytesInFlight(), packetsSent, packetsReceived, bytesSent, bytesReceived,
                streamBytesSent, send.retransmittedBytes(), recv.readOffset(), loss.lostPackets(), duplicatePackets,
                corruptDropped, loss.ptoCount(), cc.name());
    }

    @Override public String toString() {
        return (client ? "client " : "server ") + localCid + " <-> " + peer + " " + state;
    }
}
