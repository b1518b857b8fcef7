package org.jsock.server.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Read buffers lent to connections for one read and its onRead callback only, so that a connection
 * waiting for data holds none: with 10,000 idle clients on THREADS or VIRTUAL, 16 KiB each would be
 * 160 MB of direct memory doing nothing. {@link org.jsock.server.Handler#onRead} already promises the
 * buffer only for the call. Keeps at most {@code retain} spare buffers; more are left to the GC.
 */
public final class ReadBuffers {
    static final int SIZE = 16 * 1024;

    private final ConcurrentLinkedQueue<ByteBuffer> spare = new ConcurrentLinkedQueue<>();
    private final AtomicInteger spareCount = new AtomicInteger();
    private final int retain;

    public ReadBuffers(int retain) {
        this.retain = retain;
    }

    /** A cleared buffer, from the spares or new. */
    public ByteBuffer take() {
        ByteBuffer b = spare.poll();
        if (b == null) return ByteBuffer.allocateDirect(SIZE);
        spareCount.decrementAndGet();
        return b.clear();
    }

    /** Gives a buffer back once nothing refers to it any more. */
    public void give(ByteBuffer b) {
        if (spareCount.incrementAndGet() <= retain) {
            spare.offer(b);
        } else {
            spareCount.decrementAndGet();
        }
    }
}
