package org.jsock.rudp.conn;

import java.nio.ByteBuffer;

/**
 * The sending half of a connection's byte stream: the bytes the application wrote that the peer has
 * not acknowledged yet, which of them are still to be sent, and which must be sent again.
 *
 * <p>Offsets are stream positions. {@code [ackedBase, written)} is held in a ring that grows on demand
 * up to {@code capacity}: a connection that sends little costs little memory.
 */
final class SendStream {
    private final int capacity;
    private byte[] ring = new byte[4096];
    private long ackedBase;          // every byte below is acknowledged and released
    private long written;             // end of what the application wrote
    private long nextNew;            // first byte never sent
    private long finOffset = -1;     // final size once the application shut output down
    private boolean finSent;         // a packet carrying the FIN is in flight or acknowledged
    private boolean finAcked;
    private final RangeSet acked = new RangeSet();   // acknowledged ranges above ackedBase
    private final RangeSet lost = new RangeSet();    // ranges to send again, lowest first
    private long retransmittedBytes;

    SendStream(int capacity) {
        this.capacity = capacity;
    }

    /** Room left for the application. */
    int free() { return (int) (capacity - (written - ackedBase)); }

    /** Copies as much of {@code src} as fits; returns the count (0 when full). */
    int write(ByteBuffer src) {
        if (finOffset >= 0) throw new IllegalStateException("output is shut down");
        int n = Math.min(src.remaining(), free());
        if (n == 0) return 0;
        ensureRing((int) (written - ackedBase) + n);
        int pos = index(written);
        int first = Math.min(n, ring.length - pos);
        src.get(ring, pos, first);
        if (first < n) src.get(ring, 0, n - first);
        written += n;
        return n;
    }

    /** Ends the stream at what has been written so far. */
    void finish() {
        if (finOffset < 0) finOffset = written;
    }

    /** True if a STREAM frame could be sent now, given the peer's flow-control limit. */
    boolean hasSendable(long flowLimit) {
        if (!lost.isEmpty()) return true;
        if (nextNew < written && nextNew < flowLimit) return true;
        return finOffset >= 0 && !finSent && nextNew == finOffset;
    }

    /** True if new data is waiting only for flow-control credit. */
    boolean blockedBy(long flowLimit) { return nextNew < written && nextNew >= flowLimit; }

    /**
     * Chooses the next STREAM frame of at most {@code maxData} bytes: data to send again first, then new
     * data up to {@code flowLimit}. Marks it sent. Returns null if there is nothing to send.
     */
    Chunk next(int maxData, long flowLimit) {
        long[] l = lost.first();
        if (l != null) {
            long end = Math.min(l[1], l[0] + maxData);
            lost.remove(l[0], end);
            boolean fin = finOffset >= 0 && end == finOffset && !finAcked && !finSent;
            if (fin) finSent = true;
            retransmittedBytes += end - l[0];
            return new Chunk(l[0], (int) (end - l[0]), fin);
        }
        long limit = Math.min(written, flowLimit);
        if (nextNew < limit || (finOffset >= 0 && !finSent && nextNew == finOffset)) {
            long end = Math.min(limit, nextNew + maxData);
            end = Math.max(end, nextNew);
            Chunk c = new Chunk(nextNew, (int) (end - nextNew), finOffset >= 0 && end == finOffset);
            if (c.fin) finSent = true;
            nextNew = end;
            return c;
        }
        return null;
    }

    /** Copies stream bytes {@code [offset, offset+length)} into {@code dst}. */
    void copy(long offset, int length, ByteBuffer dst) {
        if (offset < ackedBase || offset + length > written) throw new IllegalStateException("bytes no longer held");
        int pos = index(offset);
        int first = Math.min(length, ring.length - pos);
        dst.put(ring, pos, first);
        if (first < length) dst.put(ring, 0, length - first);
    }

    void onAcked(long offset, int length, boolean fin) {
        if (fin) finAcked = true;
        if (length == 0) return;
        acked.add(offset, offset + length);
        lost.remove(offset, offset + length);
        long end = acked.contiguousEnd(ackedBase);
        if (end > ackedBase) {
            ackedBase = end;
            acked.removeBelow(end);
        }
    }

    void onLost(long offset, int length, boolean fin) {
        if (fin && !finAcked) finSent = false;
        long start = Math.max(offset, ackedBase);
        long end = offset + length;
        if (start >= end) return;
        lost.add(start, end);
        // Parts acknowledged since (through a later copy) need nothing more.
        for (long[] r : acked.overlapping(start, end)) lost.remove(r[0], r[1]);
    }

    /** True once everything written, and the FIN if any, has been acknowledged. */
    boolean allAcked() {
        return ackedBase == written && (finOffset < 0 || finAcked);
    }

    /** Bytes written but not yet acknowledged. */
    long unacked() { return written - ackedBase; }

    long retransmittedBytes() { return retransmittedBytes; }

    private int index(long offset) { return (int) (offset % ring.length); }

    private void ensureRing(int needed) {
        if (needed <= ring.length) return;
        int size = ring.length;
        while (size < needed) size *= 2;
        byte[] grown = new byte[size];
        // Lay [ackedBase, written) out again at its indices in the larger ring.
        int held = (int) (written - ackedBase);
        for (int i = 0; i < held; ) {
            int src = index(ackedBase + i);
            int dst = (int) ((ackedBase + i) % size);
            int run = Math.min(held - i, Math.min(ring.length - src, size - dst));
            System.arraycopy(ring, src, grown, dst, run);
            i += run;
        }
        ring = grown;
    }

    /** A STREAM frame's worth of the stream. */
    record Chunk(long offset, int length, boolean fin) {}
}
