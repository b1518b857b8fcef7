package org.jsock.net;

import org.jsock.sys.Sys;
import org.jsock.sys.iovec;
import org.jsock.sys.mmsghdr;
import org.jsock.sys.msghdr;
import org.jsock.sys.sockaddr_storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A reusable set of datagram slots for {@link Socket#sendBatch} and {@link Socket#recvBatch}, which
 * move many datagrams in one system call (sendmmsg, recvmmsg).
 *
 * <p>Each of its {@link #slots()} slots holds one datagram of up to {@link #capacity()} bytes, its
 * {@link #length(int) length}, and an optional {@link #address(int) address}: where to send it, or
 * who sent it. Everything lives in one block of native memory with the mmsghdr and iovec structs the
 * calls need already pointing into it, so a batch costs no allocation per call:
 * <pre>
 *   [ mmsghdr x slots | iovec x slots | sockaddr_storage x slots | data: capacity x slots ]
 * </pre>
 *
 * <p>Sending: fill slots with {@link #put(int, byte[], int, int)} or {@link #put(int, ByteBuffer)}
 * (or write {@link #segment(int)} and call {@link #setLength}), give each an address with
 * {@link #setAddress} on an unconnected socket or none on a connected one, then
 * {@code socket.sendBatch(batch, 0, n)}. Receiving: {@code int n = socket.recvBatch(batch)} fills
 * slots 0 to n-1, each with the datagram's bytes, length and sender. Since a received slot keeps its
 * sender as its address, sending the same slots back answers each datagram to whoever sent it:
 * <pre>{@code
 * DatagramBatch batch = new DatagramBatch(64, 2048);
 * while (true) {
 *     int n = socket.recvBatch(batch);          // waits for one, takes up to 64
 *     for (int sent = 0; sent < n; ) sent += socket.sendBatch(batch, sent, n - sent); // a blocking socket
 * }
 * }</pre>
 *
 * <p>A batch is not thread-safe: use it from one thread at a time. Its memory is freed by the GC,
 * or when the {@link Arena} it was made in closes; after that any use throws.
 */
public final class DatagramBatch {
    /** The kernel handles at most this many messages per call (UIO_MAXIOV); larger batches would be cut silently. */
    public static final int MAX_SLOTS = 1024;

    private static final int NAME_ROOM = sockaddr_storage.SIZEOF;

    private final int slots;
    private final int capacity;
    /** mmsghdr array; {@link #fromSlot}[i] is the same array starting at slot i (what sendmmsg gets). */
    private final MemorySegment msgvec;
    private final MemorySegment[] fromSlot;
    private final mmsghdr[] msgs;
    private final msghdr[] hdrs;
    private final iovec[] iovs;
    private final sockaddr_storage[] names;
    private final MemorySegment[] data;
    private final ByteBuffer[] views;
    /**
     * Per slot: its structs are set up to receive (the whole capacity, room for any address), and to
     * the user it is empty. Kept here so that a receive rewrites only the slots that changed since the
     * last one, not every slot of the batch.
     */
    private final boolean[] ready;

    /** A batch of {@code slots} datagrams of up to {@code capacity} bytes each, freed by the GC. */
    public DatagramBatch(int slots, int capacity) {
        this(Arena.ofAuto(), slots, capacity);
    }

    /**
     * A batch in memory {@code arena} owns: closing the arena frees it, and any later use of the
     * batch throws IllegalStateException.
     */
    public DatagramBatch(Arena arena, int slots, int capacity) {
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("a batch has 1 to " + MAX_SLOTS + " slots, not " + slots);
        }
        if (capacity < 1) throw new IllegalArgumentException("slot capacity must be at least 1 byte, not " + capacity);
        this.slots = slots;
        this.capacity = capacity;
        long stride = (capacity + 15L) & ~15L; // each slot's data 16-aligned
        long headers = (long) (mmsghdr.SIZEOF + iovec.SIZEOF + NAME_ROOM) * slots;
        MemorySegment block = arena.allocate(headers + stride * slots, 64);
        msgvec = block.asSlice(0, (long) mmsghdr.SIZEOF * slots);
        long iovBase = msgvec.byteSize();
        long nameBase = iovBase + (long) iovec.SIZEOF * slots;
        long dataBase = nameBase + (long) NAME_ROOM * slots;

        fromSlot = new MemorySegment[slots];
        msgs = new mmsghdr[slots];
        hdrs = new msghdr[slots];
        iovs = new iovec[slots];
        names = new sockaddr_storage[slots];
        data = new MemorySegment[slots];
        views = new ByteBuffer[slots];
        ready = new boolean[slots];
        for (int i = 0; i < slots; i++) {
            fromSlot[i] = msgvec.asSlice((long) mmsghdr.SIZEOF * i);
            msgs[i] = mmsghdr.at(fromSlot[i]);
            hdrs[i] = msgs[i].msg_hdr();
            iovs[i] = iovec.at(block.asSlice(iovBase + (long) iovec.SIZEOF * i, iovec.SIZEOF));
            names[i] = sockaddr_storage.at(block.asSlice(nameBase + (long) NAME_ROOM * i, NAME_ROOM));
            data[i] = block.asSlice(dataBase + stride * i, capacity);
            views[i] = data[i].asByteBuffer();
            iovs[i].iov_base(data[i]);
            hdrs[i].msg_iov(new iovec[] {iovs[i]});
            hdrs[i].msg_iovlen(1);
            makeReady(i);
        }
    }

    /** How many datagrams the batch holds. */
    public int slots() { return slots; }

    /** The most bytes one slot holds; a longer datagram is cut to this when received. */
    public int capacity() { return capacity; }

    // ==== data ===================================================================================

    /**
     * The slot's datagram length: what {@link #put} or {@link #setLength} set for sending, or what
     * arrived. Slots a receive did not fill read 0.
     */
    public int length(int slot) {
        return ready[Objects.checkIndex(slot, slots)] ? 0 : (int) iovs[slot].iov_len();
    }

    /** Sets how many bytes of the slot's memory ({@link #segment}) make its datagram. */
    public void setLength(int slot, int length) {
        Objects.checkIndex(slot, slots);
        if (length < 0 || length > capacity) {
            throw new IllegalArgumentException("slot " + slot + ": length " + length + " is outside 0-" + capacity);
        }
        takeOver(slot);
        iovs[slot].iov_len(length);
        hdrs[slot].msg_flags(0); // written, not received: not truncated
    }

    /** The slot's whole memory ({@link #capacity()} bytes), to write a datagram in place. */
    public MemorySegment segment(int slot) {
        return data[Objects.checkIndex(slot, slots)];
    }

    /**
     * The slot's datagram as a direct buffer: position 0, limit {@link #length(int)}. The same buffer
     * object is returned (and reset) on every call for the slot, so nothing is allocated; don't keep
     * it across calls.
     */
    public ByteBuffer buffer(int slot) {
        ByteBuffer b = views[Objects.checkIndex(slot, slots)];
        b.limit(length(slot)).position(0);
        return b;
    }

    /** Copies {@code src[off, off+len)} into the slot as its datagram. */
    public void put(int slot, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        setLength(slot, len);
        MemorySegment.copy(src, off, data[slot], ValueLayout.JAVA_BYTE, 0, len);
    }

    /** Copies {@code src}'s remaining bytes into the slot as its datagram, advancing its position. */
    public void put(int slot, ByteBuffer src) {
        setLength(slot, src.remaining());
        views[slot].clear().put(src);
    }

    /** Copies the slot's datagram to {@code dst} at {@code off}; returns its length. */
    public int get(int slot, byte[] dst, int off) {
        int len = length(slot);
        Objects.checkFromIndexSize(off, len, dst.length);
        MemorySegment.copy(data[slot], ValueLayout.JAVA_BYTE, 0, dst, off, len);
        return len;
    }

    /**
     * Copies the slot's datagram into {@code dst} at its position, advancing it; returns the length.
     * Throws BufferOverflowException, copying nothing, when it does not fit.
     */
    public int get(int slot, ByteBuffer dst) {
        ByteBuffer b = buffer(slot);
        int len = b.remaining();
        dst.put(b);
        return len;
    }

    /** Whether the datagram received into the slot was longer than {@link #capacity()} and was cut. */
    public boolean truncated(int slot) {
        return !ready[Objects.checkIndex(slot, slots)] && (hdrs[slot].msg_flags() & Sys.MSG_TRUNC) != 0;
    }

    // ==== addresses ==============================================================================

    /** Where {@link Socket#sendBatch} sends the slot's datagram; needed on an unconnected socket. */
    public void setAddress(int slot, SockAddr to) {
        Objects.checkIndex(slot, slots);
        takeOver(slot);
        int len = to.encode(names[slot].segment());
        hdrs[slot].msg_name(names[slot]);
        hdrs[slot].msg_namelen(len);
    }

    /** Sends the slot's datagram without an address: to the peer of a connected socket. */
    public void clearAddress(int slot) {
        Objects.checkIndex(slot, slots);
        takeOver(slot);
        hdrs[slot].msg_name(null);
        hdrs[slot].msg_namelen(0);
    }

    /** Whether the slot has an address (set, or reported by a receive). */
    public boolean hasAddress(int slot) {
        return !ready[Objects.checkIndex(slot, slots)] && hdrs[slot].msg_namelen() > 0;
    }

    /**
     * The slot's address: who sent the datagram after a receive, or where it goes; null when it has
     * none. Decoding makes a new SockAddr: where nothing may be allocated, leave the address in the
     * slot (a send uses it as it is).
     */
    public SockAddr address(int slot) {
        if (!hasAddress(slot)) return null;
        return SockAddr.decode(names[slot].segment(), hdrs[slot].msg_namelen());
    }

    // ==== for Socket =============================================================================

    /** The mmsghdr array from {@code slot} on: what sendmmsg is given. */
    MemorySegment msgvecFrom(int slot) {
        return fromSlot[slot];
    }

    /** Sets slot {@code i}'s structs up to receive: the whole capacity, room for any address. */
    private void makeReady(int i) {
        iovs[i].iov_len(capacity);
        hdrs[i].msg_name(names[i]);
        hdrs[i].msg_namelen(NAME_ROOM);
        ready[i] = true;
    }

    /** Before the user or a send uses a slot that is set up to receive: it becomes an empty datagram with no address. */
    private void takeOver(int i) {
        if (ready[i]) {
            ready[i] = false;
            iovs[i].iov_len(0);
            hdrs[i].msg_name(null);
            hdrs[i].msg_namelen(0);
        }
    }

    /** Before sendmmsg: slots in the range that are empty send as empty datagrams, without an address. */
    void prepareSend(int from, int count) {
        for (int i = from; i < from + count; i++) takeOver(i);
    }

    /** Before recvmmsg: every slot set up to receive (those already are stay untouched). */
    void prepareReceive() {
        for (int i = 0; i < slots; i++) if (!ready[i]) makeReady(i);
    }

    /**
     * After recvmmsg received {@code n} datagrams (none when negative): each filled slot's length is
     * what arrived, at most the capacity (with MSG_TRUNC the kernel reports the full length). The
     * others stay set up to receive, which reads as empty.
     */
    void received(int n) {
        for (int i = 0; i < n; i++) {
            ready[i] = false;
            iovs[i].iov_len(Math.min(Integer.toUnsignedLong(msgs[i].msg_len()), capacity));
        }
    }

    @Override
    public String toString() {
        return "DatagramBatch[" + slots + " slots of " + capacity + " B]";
    }
}
