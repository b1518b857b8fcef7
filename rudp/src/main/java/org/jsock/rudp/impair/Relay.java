package org.jsock.rudp.impair;

import org.jsock.net.Poller;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;
import org.jsock.sys.ErrnoException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A UDP relay that impairs what it forwards: the engine of {@code jsock impair}, and usable
 * in-process by tests and benchmarks. Real datagrams on real sockets, impaired by the same
 * {@link LinkModel} the simulator uses, in real time (nanoseconds since the relay started).
 *
 * <p>It receives on {@code listen}. Each distinct client address gets its own UDP socket connected
 * to {@code target}, as socat's UDP relay does, so the target sees one peer per client and its
 * replies go back to the client they belong to. Client to target is impaired by one LinkModel
 * (seeded with {@code seed}), target to client by another ({@code seed + 1}); all clients share
 * them, as flows share a bottleneck. A client silent both ways for 60 s is forgotten and its socket
 * closed.
 *
 * <p>One thread runs a {@link Poller} loop that sleeps until a socket is readable or the next
 * delivery is due (deliveries wait in a queue ordered by time, first in first out at equal times).
 * Memory is bounded: at most {@value #MAX_CLIENTS} clients and {@value #MAX_PENDING_BYTES} bytes
 * waiting for delivery; what would exceed that is dropped and counted in {@link #relayDrops()}.
 */
public final class Relay implements AutoCloseable {
    /** A client silent this long, both ways, is forgotten. */
    static final long IDLE_NANOS = 60_000_000_000L;
    static final int MAX_CLIENTS = 1024;
    static final long MAX_PENDING_BYTES = 64L << 20;
    /** The largest UDP payload, with room to spare. */
    private static final int MAX_DATAGRAM = 65_536;
    private static final int SOCKET_BUFFER = 4 << 20;
    /** How many datagrams one readiness event reads before the loop looks at deliveries again. */
    private static final int READ_BATCH = 256;
    private static final Object LISTENER = new Object();

    private final Socket listener;
    private final SockAddr localAddress;
    private final SockAddr target;
    private final Poller poller;
    private final LinkModel upstream;
    private final LinkModel downstream;
    private final long startNanos = System.nanoTime();
    private final long idleNanos;
    /** How often idle clients are looked for, and so the longest the loop sleeps. */
    private final long expiryIntervalNanos;
    // Relay thread only. Access order: the first entry is the one idle longest.
    private final LinkedHashMap<SockAddr, Client> clients = new LinkedHashMap<>(16, 0.75f, true);
    private final PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long pendingBytes;
    private long nextSeq;
    private long lastExpiryCheck;
    private final ByteBuffer inBuffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final ByteBuffer outBuffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final byte[] heap = new byte[MAX_DATAGRAM];
    private final Thread thread;
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile long relayDrops;
    private volatile int clientCount;

    private Relay(Socket listener, SockAddr target, Poller poller, Impairment impairment, long seed, long idleNanos)
            throws IOException {
        this.listener = listener;
        this.idleNanos = idleNanos;
        this.expiryIntervalNanos = Math.min(1_000_000_000L, Math.max(1_000_000L, idleNanos / 4));
        this.localAddress = listener.localAddress();
        this.target = target;
        this.poller = poller;
        this.upstream = new LinkModel(impairment, seed);
        this.downstream = new LinkModel(impairment, seed + 1);
        this.thread = Thread.ofPlatform().daemon(true).name("jsock impair " + localAddress + " -> " + target).unstarted(this::loop);
    }

    /**
     * Binds {@code listen} (port 0: any free port; see {@link #localAddress()}) and starts relaying
     * to {@code target}. Bind errors (EADDRINUSE, say) are thrown here.
     */
    public static Relay start(SockAddr listen, SockAddr target, Impairment impairment, long seed) throws IOException {
        return start(listen, target, impairment, seed, IDLE_NANOS);
    }

    /** With another idle time than 60 s (tests). */
    static Relay start(SockAddr listen, SockAddr target, Impairment impairment, long seed, long idleNanos) throws IOException {
        if (idleNanos <= 0) throw new IllegalArgumentException("idle time must be > 0, got " + idleNanos + " ns");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(impairment, "impairment");
        Socket s = Socket.udp(listen.family());
        Poller p = null;
        try {
            s.bind(listen);
            s.configureBlocking(false);
            bigBuffers(s);
            p = Poller.open();
            p.add(s.fd(), Poller.IN, LISTENER);
            Relay r = new Relay(s, target, p, impairment, seed, idleNanos);
            r.thread.start();
            return r;
        } catch (IOException | RuntimeException e) {
            if (p != null) p.close();
            s.close();
            throw e;
        }
    }

    /** Where clients send: the bound address, with the real port when port 0 was asked for. */
    public SockAddr localAddress() { return localAddress; }

    public SockAddr target() { return target; }

    /** Client to target. */
    public LinkStats upstreamStats() { return upstream.stats(); }

    /** Target to client. */
    public LinkStats downstreamStats() { return downstream.stats(); }

    /**
     * Datagrams the relay itself dropped, apart from the impairment: over the client or memory
     * bound, refused by the kernel (a full socket buffer, the target's port closed), or due to a
     * client already forgotten.
     */
    public long relayDrops() { return relayDrops; }

    /** Clients currently known (each with its own socket to the target). */
    public int clients() { return clientCount; }

    /** True until {@link #close()} or a failure stops the relay. */
    public boolean isRunning() { return !closing && thread.isAlive(); }

    /** What stopped the relay, if something other than {@link #close()} did; else null. */
    public Throwable failure() { return failure; }

    /** Stops the thread and closes every socket the relay opened. Idempotent. */
    @Override
    public void close() {
        closing = true;
        poller.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- the loop ------------------------------------------------------------------------------

    private long clock() { return System.nanoTime() - startNanos; }

    private void loop() {
        try {
            while (!closing) {
                int n = poller.poll(sleepMillis(clock()));
                for (int i = 0; i < n && !closing; i++) {
                    Object a = poller.readyAttachment(i);
                    if (a == LISTENER) fromClients();
                    else if (a instanceof Client c && !c.closed) fromTarget(c);
                }
                long now = clock();
                deliverDue(now);
                expireIdle(now);
            }
        } catch (Throwable e) {
            if (!closing) failure = e;
        } finally {
            closing = true;
            for (Client c : clients.values()) c.socket.close();
            clients.clear();
            clientCount = 0;
            pending.clear();
            listener.close();
            poller.close();
        }
    }

    /** Until the next delivery is due (rounded up to a whole millisecond), or the next look for idle clients. */
    private int sleepMillis(long now) {
        long wait = lastExpiryCheck + expiryIntervalNanos - now;
        Pending next = pending.peek();
        if (next != null) wait = Math.min(wait, next.at - now);
        if (wait <= 0) return 0;
        return (int) ((wait + 999_999) / 1_000_000);
    }

    private void fromClients() throws IOException {
        for (int i = 0; i < READ_BATCH; i++) {
            inBuffer.clear();
            SockAddr from = listener.recvFrom(inBuffer);
            if (from == null) return;
            long now = clock();
            Client c = clients.get(from);
            if (c == null) {
                c = newClient(from);
                if (c == null) {
                    relayDrops++;
                    continue;
                }
            }
            c.lastActive = now;
            int len = copyIn();
            for (LinkModel.Delivery d : upstream.offer(now, heap, 0, len)) enqueue(d, c, true);
        }
    }

    private void fromTarget(Client c) throws IOException {
        for (int i = 0; i < READ_BATCH; i++) {
            inBuffer.clear();
            int n;
            try {
                n = c.socket.recv(inBuffer);
            } catch (ErrnoException e) {
                // An ICMP error for a datagram sent earlier (ECONNREFUSED: nothing listens at the
                // target). It concerns that datagram only: count it and go on.
                relayDrops++;
                continue;
            }
            if (n < 0) return; // would block
            long now = clock();
            clients.get(c.address); // touch: it is active
            c.lastActive = now;
            int len = copyIn();
            for (LinkModel.Delivery d : downstream.offer(now, heap, 0, len)) enqueue(d, c, false);
        }
    }

    private int copyIn() {
        inBuffer.flip();
        int len = inBuffer.remaining();
        inBuffer.get(heap, 0, len);
        return len;
    }

    /** A socket connected to the target for a new client; null (and nothing kept) if over the bound or it fails. */
    private Client newClient(SockAddr address) {
        if (clients.size() >= MAX_CLIENTS) return null;
        Socket s = null;
        try {
            s = Socket.udp(target.family());
            s.configureBlocking(false);
            s.connect(target);
            bigBuffers(s);
            Client c = new Client(address, s);
            poller.add(s.fd(), Poller.IN, c);
            clients.put(address, c);
            clientCount = clients.size();
            return c;
        } catch (IOException e) {
            // EMFILE and the like: this datagram is dropped; the next one from the client tries again.
            if (s != null) s.close();
            return null;
        }
    }

    private void enqueue(LinkModel.Delivery d, Client c, boolean toTarget) {
        if (pendingBytes + d.data().length > MAX_PENDING_BYTES) {
            relayDrops++;
            return;
        }
        pendingBytes += d.data().length;
        pending.add(new Pending(d.atNanos(), nextSeq++, c, toTarget, d.data()));
    }

    private void deliverDue(long now) throws IOException {
        while (!pending.isEmpty() && pending.peek().at <= now) {
            Pending p = pending.poll();
            pendingBytes -= p.data.length;
            if (p.client.closed) {
                relayDrops++;
                continue;
            }
            outBuffer.clear();
            outBuffer.put(p.data).flip();
            int sent;
            try {
                sent = p.toTarget ? p.client.socket.send(outBuffer) : listener.sendTo(outBuffer, p.client.address);
            } catch (ErrnoException e) {
                // A full buffer, an ICMP error reported on this send: this datagram is lost.
                sent = -1;
            }
            if (sent < 0) relayDrops++;
        }
    }

    private void expireIdle(long now) {
        if (now - lastExpiryCheck < expiryIntervalNanos) return;
        lastExpiryCheck = now;
        Iterator<Client> it = clients.values().iterator();
        while (it.hasNext()) {
            Client c = it.next();
            if (now - c.lastActive < idleNanos) break; // the rest were active more recently
            it.remove();
            c.closed = true;
            try {
                poller.remove(c.socket.fd());
            } catch (IOException ignored) {
                // closing the socket removes it from epoll anyway
            }
            c.socket.close();
        }
        clientCount = clients.size();
    }

    private static void bigBuffers(Socket s) {
        for (SockOpt<Integer> opt : List.of(SockOpt.SO_RCVBUF, SockOpt.SO_SNDBUF)) {
            try {
                s.set(opt, SOCKET_BUFFER);
            } catch (IOException ignored) {
                // the kernel caps it at its maximum; the default works too
            }
        }
    }

    private static final class Client {
        final SockAddr address;
        final Socket socket;
        long lastActive;
        boolean closed;

        Client(SockAddr address, Socket socket) {
            this.address = address;
            this.socket = socket;
        }
    }

    private record Pending(long at, long seq, Client client, boolean toTarget, byte[] data) {}
}
