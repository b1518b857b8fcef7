package org.jsock.rudp.conn;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receiving half of a connection's byte stream: reassembles STREAM frames that arrive out of
 * order, duplicated or overlapping, hands the application each byte once and in order, and runs flow
 * control: the peer may send only up to {@link #limit()}, which moves up as the application reads.
 *
 * <p>Memory is bounded by the window: nothing beyond the advertised limit is accepted.
 */
final class RecvStream {
    private final long window;
    private long readOffset;            // next byte the application reads
    private long assembledEnd;          // bytes below are in order in `ready`
    private long limit;                 // highest offset the peer may send up to (exclusive)
    private long finalSize = -1;
    private long highestReceived;       // largest end offset seen
    private final ArrayDeque<ByteBuffer> ready = new ArrayDeque<>();
    private final TreeMap<Long, byte[]> early = new TreeMap<>();   // out-of-order segments, non-overlapping
    private long duplicateBytes;
    private long earlyBytes;            // bytes held in `early`

    RecvStream(long window) {
        this.window = window;
        this.limit = window;
    }

    /** Why a STREAM frame was refused: the connection closes with this error. */
    static final class StreamError extends Exception {
        final int code;
        StreamError(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /** Takes a STREAM frame's data (copied). */
    void onData(long offset, ByteBuffer data, boolean fin) throws StreamError {
        int length = data.remaining();
        long end = offset + length;
        if (end > limit) {
            throw new StreamError(org.jsock.rudp.wire.ErrorCode.FLOW_CONTROL_ERROR,
                    "data up to " + end + " beyond the advertised limit " + limit);
        }
        if (finalSize >= 0 && (end > finalSize || (fin && end != finalSize))) {
            throw new StreamError(org.jsock.rudp.wire.ErrorCode.FINAL_SIZE_ERROR,
                    "data up to " + end + (fin ? " ends" : " runs past") + " a stream of final size " + finalSize);
        }
        if (fin) {
            if (end < highestReceived) {
                throw new StreamError(org.jsock.rudp.wire.ErrorCode.FINAL_SIZE_ERROR,
                        "final size " + end + " below data already received up to " + highestReceived);
            }
            finalSize = end;
        }
        highestReceived = Math.max(highestReceived, end);
        // Drop what is already assembled.
        if (offset < assembledEnd) {
            int skip = (int) Math.min(length, assembledEnd - offset);
            duplicateBytes += skip;
            offset += skip;
            data = data.slice(data.position() + skip, length - skip);
            length -= skip;
        }
        if (length == 0) return;
        if (offset == assembledEnd) {
            appendReady(data);
            assembledEnd = end;
            drainEarly();
        } else {
            storeEarly(offset, data);
        }
    }

    private void appendReady(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        ready.addLast(ByteBuffer.wrap(copy));
    }

    /** Keeps an out-of-order segment, trimmed so segments never overlap. */
    private void storeEarly(long offset, ByteBuffer data) {
        long end = offset + data.remaining();
        long cursor = offset;
        while (cursor < end) {
            Map.Entry<Long, byte[]> below = early.floorEntry(cursor);
            if (below != null && below.getKey() + below.getValue().length > cursor) {
                long skipTo = Math.min(end, below.getKey() + below.getValue().length);
                duplicateBytes += skipTo - cursor;
                cursor = skipTo;
                continue;
            }
            Long nextKey = early.higherKey(cursor);
            long pieceEnd = nextKey == null ? end : Math.min(end, nextKey);
            byte[] piece = new byte[(int) (pieceEnd - cursor)];
            data.get(data.position() + (int) (cursor - offset), piece);
            early.put(cursor, piece);
            earlyBytes += piece.length;
            cursor = pieceEnd;
        }
    }

    private void drainEarly() {
        Map.Entry<Long, byte[]> e;
        while ((e = early.firstEntry()) != null && e.getKey() <= assembledEnd) {
            early.pollFirstEntry();
            earlyBytes -= e.getValue().length;
            long end = e.getKey() + e.getValue().length;
            if (end <= assembledEnd) continue;
            int skip = (int) (assembledEnd - e.getKey());
            ready.addLast(ByteBuffer.wrap(e.getValue(), skip, e.getValue().length - skip));
            assembledEnd = end;
        }
    }

    /** Bytes held for the application, in order or not: bounded by the window. */
    long buffered() { return (assembledEnd - readOffset) + earlyBytes; }

    /** Bytes ready to read now. */
    long available() { return assembledEnd - readOffset; }

    /** True once every byte up to the final size has been read. */
    boolean atEnd() { return finalSize >= 0 && readOffset == finalSize; }

    /** True when all data and the FIN have arrived (the application may not have read it yet). */
    boolean complete() { return finalSize >= 0 && assembledEnd == finalSize; }

    /** Copies ready bytes into {@code dst}; returns the count, or -1 at the end of the stream. */
    int read(ByteBuffer dst) {
        if (atEnd()) return -1;
        int n = 0;
        while (dst.hasRemaining() && !ready.isEmpty()) {
            ByteBuffer head = ready.peekFirst();
            int take = Math.min(head.remaining(), dst.remaining());
            dst.put(dst.position(), head, head.position(), take);
            dst.position(dst.position() + take);
            head.position(head.position() + take);
            if (!head.hasRemaining()) ready.pollFirst();
            n += take;
        }
        readOffset += n;
        return n;
    }

    /** Discards what arrives from now on (shutdown of input): the window stays open so the peer is not stalled. */
    void discardReady() {
        readOffset = assembledEnd;
        ready.clear();
    }

    long limit() { return limit; }

    /**
     * Moves the flow-control limit up when the application has read half a window since the last
     * advertisement. Returns true if MAX_DATA should be sent.
     */
    boolean updateLimit() {
        if (finalSize >= 0) return false;
        if (limit - readOffset <= window / 2) {
            limit = readOffset + window;
            return true;
        }
        return false;
    }

    long readOffset() { return readOffset; }

    long duplicateBytes() { return duplicateBytes; }
}
