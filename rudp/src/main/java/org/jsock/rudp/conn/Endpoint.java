package org.jsock.rudp.conn;

import org.jsock.net.SockAddr;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.wire.Cid;
import org.jsock.rudp.wire.MalformedPacketException;
import org.jsock.rudp.wire.Packet;
import org.jsock.rudp.wire.PacketCodec;
import org.jsock.rudp.wire.PacketType;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * The connections behind one UDP socket, as a state machine without I/O: datagrams and time go in,
 * datagrams come out through a {@link DatagramSink}. A server endpoint answers new clients with a
 * stateless RETRY, makes a connection only for a valid cookie, and routes every packet by its
 * destination connection ID (docs/rudp.md). Not thread-safe: the driver (or the simulator) serializes
 * calls.
 */
public final class Endpoint {
    /** Where datagrams go: a real UDP socket, or the simulated network. */
    @FunctionalInterface
    public interface DatagramSink {
        /** Sends {@code datagram} (position to limit) to {@code to}; the buffer is reused after the call. */
        void send(SockAddr to, ByteBuffer datagram);
    }

    private final RudpConfig config;
    private final boolean server;
    private final RandomGenerator random;
    private final DatagramSink sink;
    private final Cookies cookies;
    private final Map<Cid, Connection> byCid = new HashMap<>();
    private final ArrayDeque<Connection> acceptQueue = new ArrayDeque<>();
    private final LinkedHashSet<Connection> dirty = new LinkedHashSet<>();
    private final PriorityQueue<TimerEntry> timers = new PriorityQueue<>();
    private final ByteBuffer out;
    private long timerSeq;
    private boolean accepting;

    // Endpoint-wide counters.
    private long corruptDropped, badHeaderDropped, unknownCidDropped, invalidTokenDropped, shortInitialDropped;
    private long retriesSent, versionNegotiationsSent, backlogFullDropped, datagramsReceived, datagramsSent;
    private long bytesReceived, bytesSent;

    public Endpoint(RudpConfig config, boolean server, RandomGenerator random, DatagramSink sink) {
        this.config = config;
        this.server = server;
        this.random = random;
        this.sink = sink;
        this.accepting = server;
        this.cookies = server ? new Cookies(random, config.cookieLifetime().toNanos()) : null;
        this.out = ByteBuffer.allocate(config.maxDatagramSize());
    }

    public RudpConfig config() { return config; }

    // ---------------------------------------------------------------- application side

    /** Starts a connection to {@code server}; the first INITIAL goes out at the next {@link #flush}. */
    public Connection connect(long now, SockAddr serverAddress) {
        Cid local = newCid();
        Cid original = Cid.random(random);
        Connection c = new Connection(true, config, serverAddress, local, original, original,
                config.versions()[0], now);
        byCid.put(local, c);
        touch(c);
        return c;
    }

    /** The next connection a client made, or null. */
    public Connection accept() { return acceptQueue.pollFirst(); }

    /** Stops making connections for new clients; queued ones are aborted. Existing ones go on. */
    public void stopAccepting(long now) {
        accepting = false;
        Connection c;
        while ((c = acceptQueue.pollFirst()) != null) {
            c.abort(now, "server socket closed");
            touch(c);
        }
    }

    /** Connections not yet forgotten. */
    public int connectionCount() { return byCid.size(); }

    /** The application changed {@code c} (wrote, read, closed): send what is due and re-arm its timer. */
    public void touched(long now, Connection c) {
        touch(c);
        flush(now);
    }

    private void touch(Connection c) { dirty.add(c); }

    // ---------------------------------------------------------------- input

    /** One received datagram ({@code data} position to limit). */
    public void onDatagram(long now, SockAddr from, ByteBuffer data) {
        datagramsReceived++;
        bytesReceived += data.remaining();
        int length = data.remaining();
        Packet p;
        try {
            p = PacketCodec.decode(data);
        } catch (MalformedPacketException e) {
            switch (e.kind()) {
                case CORRUPT -> corruptDropped++;
                case BAD_HEADER -> badHeaderDropped++;
                case FRAME_ENCODING -> {
                    Connection c = e.dcid() == null ? null : byCid.get(e.dcid());
                    if (c != null) {
                        c.abortProtocol(now, e.getMessage());
                        touch(c);
                    } else {
                        badHeaderDropped++;
                    }
                }
            }
            flush(now);
            return;
        }
        if (p.type().isLong() && p.type() != PacketType.VERSION_NEGOTIATION && !config.supports(p.version())) {
            // Decoded only up to the CIDs, which every version keeps in place: enough to answer.
            if (server) answerUnsupportedVersion(from, p, length);
            else badHeaderDropped++;
        } else if (p.type() == PacketType.VERSION_NEGOTIATION) {
            Connection c = byCid.get(p.dcid());
            if (c != null && c.isClient()) {
                c.onVersionNegotiation(now, p.supportedVersions());
                touch(c);
            }
        } else if (server && p.type() == PacketType.INITIAL) {
            onServerInitial(now, from, p, length);
        } else if (p.type() == PacketType.RETRY || p.type() == PacketType.HANDSHAKE || p.type() == PacketType.SHORT) {
            Connection c = byCid.get(p.dcid());
            if (c == null || !c.peer().equals(from)) {
                unknownCidDropped++;
            } else {
                c.onPacket(now, p, length);
                touch(c);
            }
        } else {
            badHeaderDropped++;   // an INITIAL sent to a client
        }
        flush(now);
    }

    private void onServerInitial(long now, SockAddr from, Packet p, int length) {
        Connection existing = byCid.get(p.dcid());
        if (existing != null) {
            // A repeated INITIAL: our HANDSHAKE was lost or is late.
            if (existing.peer().equals(from)) {
                existing.onPacket(now, p, length);
                touch(existing);
            } else {
                unknownCidDropped++;
            }
            return;
        }
        if (length < PacketCodec.MIN_INITIAL_DATAGRAM) {
            shortInitialDropped++;   // too small to answer without amplifying
            return;
        }
        if (!accepting) return;
        if (p.token().length == 0) {
            Cid offered = newCid();
            byte[] token = cookies.mint(now, p.version(), from, offered);
            sendStateless(from, Packet.retry(p.version(), p.scid(), offered, token), length);
            retriesSent++;
            return;
        }
        switch (cookies.verify(now, p.version(), from, p.dcid(), p.token())) {
            case INVALID -> {
                invalidTokenDropped++;
                return;
            }
            case EXPIRED -> {
                // A genuine client whose handshake outlived its cookie (long loss, long backoff): a fresh
                // cookie for the same server CID, so the client can tell it from a stray duplicate RETRY.
                Cid same = p.dcid();
                sendStateless(from, Packet.retry(p.version(), p.scid(), same, cookies.mint(now, p.version(), from, same)), length);
                retriesSent++;
                return;
            }
            case VALID -> { }
        }
        if (acceptQueue.size() >= config.acceptBacklog()) {
            backlogFullDropped++;   // the client will retry; a slot may be free by then
            return;
        }
        Connection c = new Connection(false, config, from, p.dcid(), p.scid(), p.dcid(), p.version(), now);
        byCid.put(p.dcid(), c);
        acceptQueue.addLast(c);
        c.onPacket(now, p, length);
        touch(c);
    }

    /** Answers a long header with a version we don't speak, if it was big enough to answer. */
    private void answerUnsupportedVersion(SockAddr from, Packet p, int length) {
        if (length < PacketCodec.MIN_INITIAL_DATAGRAM) {
            shortInitialDropped++;
            return;
        }
        sendStateless(from, Packet.versionNegotiation(p.scid(), p.dcid(), config.versions()), length);
        versionNegotiationsSent++;
    }

    /** Sends a reply for which no state is kept, never more than three times what arrived. */
    private void sendStateless(SockAddr to, Packet p, int receivedLength) {
        out.clear();
        int n = PacketCodec.encode(p, out);
        if (n > 3 * receivedLength) return;   // anti-amplification (docs/rudp.md)
        out.flip();
        send(to, out);
    }

    /**
     * A client's socket (connected to its server) reported ECONNREFUSED: the server's port is closed.
     * Every connection of this client endpoint ends.
     */
    public void onUnreachable(long now) {
        if (server) return;
        for (Connection c : List.copyOf(byCid.values())) {
            c.onUnreachable(now);
            touch(c);
        }
        flush(now);
    }

    // ---------------------------------------------------------------- timers and output

    /** When {@link #onTimer} must next run (absolute nanos), or {@link Long#MAX_VALUE}. */
    public long nextTimer() {
        TimerEntry t;
        while ((t = timers.peek()) != null) {
            if (t.seq == t.connection.timerSeq) return t.at;
            timers.poll();   // stale: the connection's timer moved since
        }
        return Long.MAX_VALUE;
    }

    /** Runs the timers that fell due by {@code now}, then sends what they produced. */
    public void onTimer(long now) {
        TimerEntry t;
        while ((t = timers.peek()) != null && t.at <= now) {
            timers.poll();
            Connection c = t.connection;
            if (t.seq != c.timerSeq) continue;
            c.timerAt = Long.MAX_VALUE;
            c.onTimer(now);
            touch(c);
        }
        flush(now);
    }

    /** Sends whatever the touched connections have to send, re-arms their timers, forgets closed ones. */
    public void flush(long now) {
        while (!dirty.isEmpty()) {
            List<Connection> batch = new ArrayList<>(dirty);
            dirty.clear();
            for (Connection c : batch) {
                // Bounded: congestion control and pacing stop a connection long before this.
                for (int i = 0; i < 10_000; i++) {
                    int n = c.poll(now, out);
                    if (n == 0) break;
                    send(c.peer(), out);
                }
                if (c.state() == Connection.State.CLOSED) {
                    forget(c);
                } else {
                    reschedule(c, c.nextTimer(now));
                }
            }
        }
    }

    private void reschedule(Connection c, long at) {
        if (c.timerAt == at) return;
        c.timerAt = at;
        c.timerSeq = ++timerSeq;   // any earlier heap entry is stale from now on
        if (at != Long.MAX_VALUE) timers.add(new TimerEntry(at, c.timerSeq, c));
    }

    private void forget(Connection c) {
        if (byCid.get(c.localCid()) == c) byCid.remove(c.localCid());
        reschedule(c, Long.MAX_VALUE);
        acceptQueue.remove(c);
    }

    private void send(SockAddr to, ByteBuffer datagram) {
        datagramsSent++;
        bytesSent += datagram.remaining();
        sink.send(to, datagram);
    }

    private Cid newCid() {
        Cid c;
        do {
            c = Cid.random(random);
        } while (byCid.containsKey(c));
        return c;
    }

    // ---------------------------------------------------------------- statistics

    /** Datagrams dropped for a bad CRC, or a header that breaks docs/rudp.md. */
    public long corruptDropped() { return corruptDropped + badHeaderDropped; }

    /** Every counter, for tests and the command's -v output. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("datagramsReceived", datagramsReceived);
        m.put("datagramsSent", datagramsSent);
        m.put("bytesReceived", bytesReceived);
        m.put("bytesSent", bytesSent);
        m.put("corruptDropped", corruptDropped);
        m.put("badHeaderDropped", badHeaderDropped);
        m.put("unknownCidDropped", unknownCidDropped);
        m.put("invalidTokenDropped", invalidTokenDropped);
        m.put("shortInitialDropped", shortInitialDropped);
        m.put("retriesSent", retriesSent);
        m.put("versionNegotiationsSent", versionNegotiationsSent);
        m.put("backlogFullDropped", backlogFullDropped);
        return m;
    }

    private record TimerEntry(long at, long seq, Connection connection) implements Comparable<TimerEntry> {
        @Override public int compareTo(TimerEntry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
