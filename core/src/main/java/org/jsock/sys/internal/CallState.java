package org.jsock.sys.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Per-thread native scratch for the calls: the errno capture segment, a few small cells for
 * {@code socklen_t*} and option values, and a growable buffer through which heap arrays are copied.
 *
 * <p>One per thread, never shared, so no call races another on its scratch. Memory is freed by the GC
 * when the thread (and so this object) is gone; it is allocated once per thread, not per call.
 */
public final class CallState {
    private static final ThreadLocal<CallState> CURRENT = ThreadLocal.withInitial(CallState::new);

    /** Smallest heap-copy buffer: one maximum UDP datagram fits. */
    private static final long MIN_BUFFER = 64 * 1024;

    // One allocation holds every cell: a thread's first call pays for one malloc, not five (a
    // virtual thread per connection makes its scratch once per connection; JFR showed it).
    private static final long CAPTURE_SIZE = (Libc.CAPTURE_LAYOUT.byteSize() + 7) & ~7L;
    private static final long LEN_AT = CAPTURE_SIZE, LEN2_AT = LEN_AT + 4, ADDR_AT = LEN_AT + 8, SMALL_AT = ADDR_AT + 128;
    private final MemorySegment cells = Arena.ofAuto().allocate(SMALL_AT + 512, 16);
    /** Where each downcall stores errno. */
    public final MemorySegment capture = cells.asSlice(0, Libc.CAPTURE_LAYOUT.byteSize());
    /** Two socklen_t cells: {@code len} for the call, {@code len2} for a second length. */
    public final MemorySegment len = cells.asSlice(LEN_AT, 4);
    public final MemorySegment len2 = cells.asSlice(LEN2_AT, 4);
    /** A sockaddr_storage-sized cell. */
    public final MemorySegment addr = cells.asSlice(ADDR_AT, 128);
    /** Option values and other small structs (tcp_info is the largest, well under 512 bytes). */
    public final MemorySegment small = cells.asSlice(SMALL_AT, 512);
    /** errno of this thread's last failed call, as C's errno would read. */
    public int lastErrno;

    private MemorySegment buffer = MemorySegment.NULL;
    /** The copy buffer's address, so heap data needs no segment per call. */
    private long bufferAddress;

    // Two direct ByteBuffers this thread used last, with their base addresses: a send buffer and
    // a receive buffer hit here, and no MemorySegment is made to find their address.
    private java.nio.ByteBuffer cachedBuf0, cachedBuf1;
    private long cachedAddr0, cachedAddr1;
    private boolean nextSlot;

    public static CallState get() {
        return CURRENT.get();
    }

    /** Reads errno from the capture segment and remembers it as this thread's errno. */
    public int errno() {
        int e = Libc.errno(capture);
        lastErrno = e;
        return e;
    }

    /** A native buffer of at least {@code size} bytes, reused across calls on this thread. */
    public MemorySegment buffer(long size) {
        if (buffer.byteSize() < size) {
            long cap = Math.max(MIN_BUFFER, Long.highestOneBit(Math.max(1, size - 1)) << 1);
            buffer = Arena.ofAuto().allocate(cap, 16);
            bufferAddress = buffer.address();
        }
        return buffer;
    }

    /** The address of {@link #buffer(long)} after it has been sized. */
    public long bufferAddress(long size) {
        buffer(size);
        return bufferAddress;
    }

    /** The address of index 0 of a direct ByteBuffer (cached for the last two buffers). */
    public long addressOf(java.nio.ByteBuffer direct) {
        if (direct == cachedBuf0) return cachedAddr0;
        if (direct == cachedBuf1) return cachedAddr1;
        long a = MemorySegment.ofBuffer(direct.duplicate().clear()).address();
        if (nextSlot) {
            cachedBuf1 = direct;
            cachedAddr1 = a;
        } else {
            cachedBuf0 = direct;
            cachedAddr0 = a;
        }
        nextSlot = !nextSlot;
        return a;
    }
}
