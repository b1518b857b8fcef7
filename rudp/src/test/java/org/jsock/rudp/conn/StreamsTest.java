package org.jsock.rudp.conn;

import org.jsock.rudp.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stream halves on their own: what is sent, resent, acknowledged, reassembled and flow-controlled. */
class StreamsTest {
    @Test
    void rangeSetMergesSplitsAndAnswers() {
        RangeSet s = new RangeSet();
        s.add(10, 20);
        s.add(30, 40);
        s.add(20, 30);   // touching both: one range
        assertEquals(1, s.size());
        assertTrue(s.containsAll(10, 40));
        s.remove(15, 25);
        assertEquals(2, s.size());
        assertEquals(15, s.contiguousEnd(10));
        assertEquals(40, s.contiguousEnd(25));
        assertEquals(5, s.contiguousEnd(5));
        assertEquals(20, s.totalLength());
        s.removeBelow(30);
        assertArrayEquals(new long[] {30, 40}, s.first());
        List<long[]> o = s.overlapping(35, 100);
        assertEquals(1, o.size());
        assertArrayEquals(new long[] {35, 40}, o.get(0));
    }

    @Test
    void sendStreamResendsLostDataFirstAndReleasesAckedBytes() {
        SendStream s = new SendStream(10_000);
        byte[] data = new byte[5000];
        new SplittableRandom(1).nextBytes(data);
        assertEquals(5000, s.write(ByteBuffer.wrap(data)));
        SendStream.Chunk a = s.next(1000, Long.MAX_VALUE);
        SendStream.Chunk b = s.next(1000, Long.MAX_VALUE);
        assertEquals(0, a.offset());
        assertEquals(1000, b.offset());
        s.onLost(a.offset(), a.length(), a.fin());
        SendStream.Chunk again = s.next(600, Long.MAX_VALUE);
        assertEquals(0, again.offset());      // the lost bytes go before new ones
        assertEquals(600, again.length());
        assertEquals(600, s.next(1000, Long.MAX_VALUE).offset());
        ByteBuffer copy = ByteBuffer.allocate(1000);
        s.copy(1000, 1000, copy);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 2000), copy.array());
        s.onAcked(1000, 1000, false);
        assertEquals(5000, s.unacked());      // byte 0 still missing: nothing released
        s.onAcked(0, 1000, false);
        assertEquals(3000, s.unacked());
        assertEquals(7000, s.free());
    }

    @Test
    void lostRangeAlreadyAckedThroughAnotherCopyIsNotResent() {
        SendStream s = new SendStream(10_000);
        s.write(ByteBuffer.wrap(new byte[3000]));
        s.next(3000, Long.MAX_VALUE);
        s.onAcked(1000, 1000, false);
        s.onLost(0, 3000, false);
        SendStream.Chunk c1 = s.next(5000, Long.MAX_VALUE);
        SendStream.Chunk c2 = s.next(5000, Long.MAX_VALUE);
        assertEquals(0, c1.offset());
        assertEquals(1000, c1.length());
        assertEquals(2000, c2.offset());
        assertEquals(1000, c2.length());
        assertNull(s.next(5000, Long.MAX_VALUE));
    }

    @Test
    void flowControlLimitsNewDataAndFinWaitsForItsOffset() {
        SendStream s = new SendStream(10_000);
        s.write(ByteBuffer.wrap(new byte[3000]));
        s.finish();
        SendStream.Chunk c = s.next(5000, 2000);
        assertEquals(2000, c.length());
        assertFalse(c.fin());
        assertTrue(s.blockedBy(2000));
        assertNull(s.next(5000, 2000));
        SendStream.Chunk last = s.next(5000, 3000);
        assertTrue(last.fin());
        assertFalse(s.allAcked());
        s.onAcked(0, 2000, false);
        s.onAcked(2000, 1000, true);
        assertTrue(s.allAcked());
    }

    @Test
    void lostFinIsSentAgainEvenWithoutData() {
        SendStream s = new SendStream(100);
        s.write(ByteBuffer.wrap(new byte[10]));
        s.next(100, Long.MAX_VALUE);      // data, no fin yet
        s.finish();
        SendStream.Chunk fin = s.next(100, Long.MAX_VALUE);
        assertEquals(10, fin.offset());
        assertEquals(0, fin.length());
        assertTrue(fin.fin());
        s.onLost(fin.offset(), fin.length(), true);
        SendStream.Chunk again = s.next(100, Long.MAX_VALUE);
        assertTrue(again.fin());
        assertEquals(10, again.offset());
    }

    @Test
    void ringGrowsAcrossWrapAndKeepsBytes() {
        SendStream s = new SendStream(1 << 20);
        SplittableRandom rnd = new SplittableRandom(3);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long acked = 0;
        for (int round = 0; round < 200; round++) {
            byte[] chunk = new byte[rnd.nextInt(1, 20_000)];
            rnd.nextBytes(chunk);
            all.write(chunk, 0, s.write(ByteBuffer.wrap(chunk)));
            while (s.next(1200, Long.MAX_VALUE) != null) { }
            long target = acked + rnd.nextLong(0, s.unacked() + 1);
            if (target > acked) s.onAcked(acked, (int) (target - acked), false);
            acked = target;
            // Whatever is still held must read back exactly.
            int held = (int) s.unacked();
            if (held > 0) {
                ByteBuffer b = ByteBuffer.allocate(held);
                s.copy(acked, held, b);
                assertArrayEquals(java.util.Arrays.copyOfRange(all.toByteArray(), (int) acked, (int) acked + held), b.array());
            }
        }
    }

    @Test
    void recvStreamReassemblesShuffledDuplicatedOverlappingSegments() throws Exception {
        byte[] data = new byte[100_000];
        new SplittableRandom(4).nextBytes(data);
        List<int[]> segments = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(5);
        for (int off = 0; off < data.length; ) {
            int len = Math.min(rnd.nextInt(1, 1500), data.length - off);
            segments.add(new int[] {off, len});
            if (rnd.nextInt(10) == 0) segments.add(new int[] {off, len});                         // a duplicate
            if (rnd.nextInt(10) == 0 && off > 500) segments.add(new int[] {off - 500, len + 500}); // an overlap
            off += len;
        }
        Collections.shuffle(segments, new java.util.Random(6));
        RecvStream r = new RecvStream(data.length);
        for (int[] seg : segments) {
            boolean fin = seg[0] + seg[1] == data.length;
            r.onData(seg[0], ByteBuffer.wrap(data, seg[0], seg[1]).slice(), fin);
        }
        assertTrue(r.complete());
        ByteBuffer out = ByteBuffer.allocate(data.length);
        while (r.read(out) > 0) { }
        assertArrayEquals(data, out.array());
        assertEquals(-1, r.read(ByteBuffer.allocate(1)));
        assertTrue(r.duplicateBytes() > 0);
    }

    @Test
    void recvStreamEnforcesTheWindowAndTheFinalSize() throws Exception {
        RecvStream r = new RecvStream(4096);
        RecvStream.StreamError e = assertThrows(RecvStream.StreamError.class, () -> r.onData(4000, ByteBuffer.allocate(200), false));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, e.code);
        r.onData(0, ByteBuffer.allocate(1000), false);
        r.onData(1000, ByteBuffer.allocate(0), true);
        assertEquals(ErrorCode.FINAL_SIZE_ERROR, assertThrows(RecvStream.StreamError.class,
                () -> r.onData(1000, ByteBuffer.allocate(5), false)).code);
        assertEquals(ErrorCode.FINAL_SIZE_ERROR, assertThrows(RecvStream.StreamError.class,
                () -> r.onData(0, ByteBuffer.allocate(900), true)).code);
    }

    @Test
    void windowOpensAsTheApplicationReads() throws Exception {
        RecvStream r = new RecvStream(4000);
        assertEquals(4000, r.limit());
        r.onData(0, ByteBuffer.allocate(3000), false);
        assertFalse(r.updateLimit());           // nothing read yet
        r.read(ByteBuffer.allocate(2500));
        assertTrue(r.updateLimit());
        assertEquals(6500, r.limit());
    }
}
