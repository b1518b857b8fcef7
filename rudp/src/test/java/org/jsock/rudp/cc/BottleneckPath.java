package org.jsock.rudp.cc;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Drives a controller over one bottleneck, the way a connection would: it sends full-size packets,
 * numbered, whenever the window and a {@link Pacer} at the controller's rate allow and the application
 * has data; the bottleneck serializes them one after another at {@link #rate} bytes per second (its queue
 * is unlimited), and each is acknowledged, alone, {@link #propagation} after it leaves the bottleneck.
 * Packets chosen to be lost are declared lost when a later packet's acknowledgement arrives, before it.
 * When the application has nothing to send though the window has room, the controller is told it is
 * application-limited, as the connection tells it. Deterministic; every run ends at a given time.
 */
final class BottleneckPath {
    static final long MS = 1_000_000L;

    final CongestionController cc;
    final int mds;
    final Pacer pacer;
    long rate;            // bytes per second
    long propagation;     // nanoseconds, both ways together
    long now;

    /** Packets the application may still send: {@link Long#MAX_VALUE} for a bulk sender. */
    long appPackets = Long.MAX_VALUE;
    /** With {@link #appTick} > 0: every appTick ns the application offers this many packets more. */
    int appPacketsPerTick;
    long appTick;
    private long nextTick = Long.MAX_VALUE;
    /** Whether to report application-limited moments (off: to show what happens without them). */
    boolean reportApplicationLimited = true;

    private final Set<Long> toLose = new HashSet<>();
    private final TreeSet<Long> lostPending = new TreeSet<>();   // lost, not yet declared
    private final HashMap<Long, Long> sentAt = new HashMap<>();
    private final ArrayDeque<long[]> inFlight = new ArrayDeque<>();   // {number, sentAt, ackAt}, ack order
    private long linkFreeAt;
    private long nextNumber;
    long ackedBytes;
    long lostPackets;
    /** The RTT of the last acknowledgement. */
    long lastRtt;
    private Consumer<BottleneckPath> afterAck = p -> { };

    BottleneckPath(CongestionController cc, int mds, long rate, long propagation) {
        this.cc = cc;
        this.mds = mds;
        this.rate = rate;
        this.propagation = propagation;
        this.pacer = new Pacer(mds);
    }

    /** Called after every acknowledgement is processed (and the sender refilled). */
    BottleneckPath afterAck(Consumer<BottleneckPath> observer) {
        this.afterAck = observer;
        return this;
    }

    /** The packet that will be sent {@code ahead} packets from now is lost. */
    void loseNext(int ahead) { toLose.add(nextNumber + ahead); }

    /** An application that offers {@code packets} every {@code every} ns, from now on. */
    void applicationLimit(int packets, long every) {
        appPackets = 0;
        appPacketsPerTick = packets;
        appTick = every;
        nextTick = now;
    }

    /** The application has nothing more to send, for now. */
    void stopApplication() {
        appPackets = 0;
        appTick = 0;
        nextTick = Long.MAX_VALUE;
    }

    /** A bulk sender again. */
    void bulk() {
        appPackets = Long.MAX_VALUE;
        appTick = 0;
        nextTick = Long.MAX_VALUE;
    }

    long nextNumber() { return nextNumber; }

    /** Runs until {@code until}: sends, acknowledgements, application ticks, in time order. */
    void runUntil(long until) {
        while (true) {
            long nextSend = sendWhatIsAllowed();
            long nextAck = inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.peekFirst()[2];
            long next = Math.min(Math.min(nextSend, nextAck), nextTick);
            if (next > until) break;
            now = next;
            if (now == nextTick) {
                appPackets += appPacketsPerTick;
                nextTick += appTick;
            }
            while (!inFlight.isEmpty() && inFlight.peekFirst()[2] == now) deliver(inFlight.pollFirst());
        }
        now = until;
    }

    /** Sends at {@code now} what the window, the pacer and the application allow; returns when the pacer lets the next one go. */
    private long sendWhatIsAllowed() {
        while (appPackets > 0 && cc.canSend(mds)) {
            long at = pacer.nextSendTime(now, mds, cc.pacingRate(), cc.window(), 0);
            if (at > now) return at;
            long number = nextNumber++;
            cc.onPacketSent(now, number, mds);
            pacer.onPacketSent(now, mds, cc.pacingRate(), cc.window(), 0);
            if (appPackets != Long.MAX_VALUE) appPackets--;
            long departure = Math.max(now, linkFreeAt) + Math.ceilDiv(mds * 1_000_000_000L, rate);
            linkFreeAt = departure;
            if (toLose.remove(number)) lostPending.add(number);   // it never arrives
            else inFlight.addLast(new long[] {number, now, departure + propagation});
            sentAt.put(number, now);
        }
        if (appPackets == 0 && cc.canSend(mds) && reportApplicationLimited) cc.onApplicationLimited(now);
        return Long.MAX_VALUE;
    }

    private void deliver(long[] packet) {
        long number = packet[0];
        // Losses first, as loss detection reports them: every lost packet sent before this one.
        while (!lostPending.isEmpty() && lostPending.first() < number) {
            long lost = lostPending.pollFirst();
            cc.onPacketLost(now, lost, sentAt.remove(lost), mds);
            lostPackets++;
        }
        sentAt.remove(number);
        lastRtt = now - packet[1];
        cc.onPacketAcked(now, number, packet[1], mds, lastRtt, lastRtt);
        ackedBytes += mds;
        afterAck.accept(this);
    }
}
