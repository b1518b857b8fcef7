package org.jsock.rudp.wire;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes rudp packets, byte for byte as docs/rudp.md lays them out: big-endian fields, a header,
 * frames, and a CRC32C trailer over everything before it.
 *
 * <p>Decoding checks the CRC before it looks at anything else, never throws anything but
 * {@link MalformedPacketException} on bad input, and never allocates more than the datagram's size.
 */
public final class PacketCodec {
    /** The CRC32C trailer's length. */
    public static final int CRC_LENGTH = 4;
    /** A short header: byte 0, the 8-byte DCID, the 64-bit packet number. */
    public static final int SHORT_HEADER_LENGTH = 17;
    /** A client's INITIAL datagrams are padded to at least this; a server answers nothing smaller. */
    public static final int MIN_INITIAL_DATAGRAM = 1200;
    /** The version docs/rudp.md describes. */
    public static final int VERSION_1 = 1;
    /** The longest token: its length field is 16 bits. */
    public static final int MAX_TOKEN_LENGTH = 0xFFFF;

    private static final int LONG_BIT = 0x80;
    private static final int FIXED_BIT = 0x40;
    private static final byte[] NO_TOKEN = new byte[0];
    private static final int[] NO_VERSIONS = new int[0];

    private PacketCodec() {}

    /**
     * The bytes before the first frame. For RETRY and VERSION_NEGOTIATION, which have no frames, that is
     * everything but the CRC (the token, the version list).
     */
    public static int headerLength(Packet p) {
        if (p.type() == PacketType.SHORT) return SHORT_HEADER_LENGTH;
        int n = 1 + 4 + 1 + p.dcid().length() + 1 + p.scid().length();
        return switch (p.type()) {
            case INITIAL -> n + 2 + p.tokenLength() + 8;
            case RETRY -> n + 2 + p.tokenLength();
            case HANDSHAKE -> n + 8;
            case VERSION_NEGOTIATION -> n + 4 * p.supportedVersions().length;
            case SHORT -> throw new AssertionError();
        };
    }

    /** The whole packet's length, CRC included: the UDP payload it makes. */
    public static int encodedLength(Packet p) {
        long n = headerLength(p) + (long) CRC_LENGTH;
        for (Frame f : p.frames()) n += f.encodedSize();
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("packet of " + n + " bytes cannot be encoded");
        return (int) n;
    }

    /**
     * {@code p} with a PADDING frame appended so that it takes {@code datagramLength} bytes (as an INITIAL must
     * take {@link #MIN_INITIAL_DATAGRAM}), or {@code p} itself if it is that long already.
     */
    public static Packet padded(Packet p, int datagramLength) {
        int length = encodedLength(p);
        if (length >= datagramLength) return p;
        if (p.type() == PacketType.RETRY || p.type() == PacketType.VERSION_NEGOTIATION)
            throw new IllegalArgumentException(p.type() + " carries no frames, so no padding");
        List<Frame> frames = new ArrayList<>(p.frames());
        frames.add(new Frame.Padding(datagramLength - length));
        return new Packet(p.type(), p.version(), p.dcid(), p.scid(), p.token(), p.number(), frames, NO_VERSIONS);
    }

    /** Encodes {@code p} into a new array. */
    public static byte[] encode(Packet p) {
        byte[] out = new byte[encodedLength(p)];
        encode(p, ByteBuffer.wrap(out));
        return out;
    }

    /**
     * Writes {@code p} at {@code dst}'s position and advances it (whatever {@code dst}'s byte order, the packet
     * is big-endian). Stream frames' data buffers are read without moving their positions.
     *
     * @return the bytes written, {@link #encodedLength(Packet)}
     * @throws BufferOverflowException if the packet does not fit in {@code dst}'s remaining bytes; nothing is written then
     * @throws IllegalArgumentException if the packet cannot be sent (an INITIAL or HANDSHAKE without a packet
     *         number, STREAM data grown beyond 65,535 bytes since the frame was made); nothing is written then
     */
    public static int encode(Packet p, ByteBuffer dst) {
        if ((p.type() == PacketType.INITIAL || p.type() == PacketType.HANDSHAKE) && p.number() < 0)
            throw new IllegalArgumentException("a " + p.type() + " packet needs a packet number to be sent");
        for (Frame f : p.frames()) {
            // The record checked its buffer when it was made, but a ByteBuffer can change afterwards.
            if (f instanceof Frame.Stream s) Frame.Stream.checkLength(s.offset(), s.length());
        }
        int length = encodedLength(p);
        if (dst.isReadOnly()) throw new ReadOnlyBufferException();
        if (dst.remaining() < length) throw new BufferOverflowException();

        int start = dst.position();
        ByteBuffer out = dst.duplicate().order(ByteOrder.BIG_ENDIAN);
        writeHeader(p, out);
        for (Frame f : p.frames()) writeFrame(f, out);
        CRC32C crc = new CRC32C();
        crc.update(dst.slice(start, out.position() - start));
        out.putInt((int) crc.getValue());
        if (out.position() - start != length)
            throw new IllegalStateException("wrote " + (out.position() - start) + " bytes, computed " + length + ": " + p);
        dst.position(start + length);
        return length;
    }

    private static void writeHeader(Packet p, ByteBuffer out) {
        PacketType type = p.type();
        if (type == PacketType.SHORT) {
            out.put((byte) FIXED_BIT);
            out.put(p.dcid().bytes());
            out.putLong(p.number());
            return;
        }
        out.put((byte) (LONG_BIT | type.longTypeBits() << 5));
        out.putInt(p.version());
        out.put((byte) p.dcid().length()).put(p.dcid().bytes());
        out.put((byte) p.scid().length()).put(p.scid().bytes());
        switch (type) {
            case INITIAL -> {
                out.putShort((short) p.tokenLength()).put(p.token());
                out.putLong(p.number());
            }
            case RETRY -> out.putShort((short) p.tokenLength()).put(p.token());
            case HANDSHAKE -> out.putLong(p.number());
            case VERSION_NEGOTIATION -> {
                for (int v : p.supportedVersions()) out.putInt(v);
            }
            case SHORT -> throw new AssertionError();
        }
    }

    private static void writeFrame(Frame frame, ByteBuffer out) {
        switch (frame) {
            case Frame.Padding pad -> {
                for (int i = 0; i < pad.length(); i++) out.put((byte) Frame.TYPE_PADDING);
            }
            case Frame.Ping ignored -> out.put((byte) Frame.TYPE_PING);
            case Frame.Ack ack -> {
                AckRanges r = ack.ranges();
                out.put((byte) Frame.TYPE_ACK);
                out.putLong(r.largest());
                out.putInt((int) ack.ackDelayMicros());
                out.putShort((short) (r.count() - 1));
                out.putInt((int) (r.largest(0) - r.smallest(0) + 1));
                for (int i = 1; i < r.count(); i++) {
                    out.putInt((int) (r.smallest(i - 1) - r.largest(i) - 1));  // Gap: packets missing between
                    out.putInt((int) (r.largest(i) - r.smallest(i) + 1));      // Length
                }
            }
            case Frame.Stream s -> {
                ByteBuffer data = s.data();
                int n = data.remaining();
                out.put((byte) (s.fin() ? Frame.TYPE_STREAM_FIN : Frame.TYPE_STREAM));
                out.putLong(s.offset());
                out.putShort((short) n);
                out.put(out.position(), data, data.position(), n);
                out.position(out.position() + n);
            }
            case Frame.MaxData m -> out.put((byte) Frame.TYPE_MAX_DATA).putLong(m.maximum());
            case Frame.DataBlocked b -> out.put((byte) Frame.TYPE_DATA_BLOCKED).putLong(b.limit());
            case Frame.Close c -> {
                byte[] reason = c.reason().getBytes(StandardCharsets.UTF_8);
                out.put((byte) Frame.TYPE_CLOSE).putShort((short) c.code()).putShort((short) reason.length).put(reason);
            }
            case Frame.Params prm -> {
                out.put((byte) Frame.TYPE_PARAMS);
                out.putInt(prm.idleTimeoutMillis());
                out.putLong(prm.initialMaxData());
                out.putShort((short) prm.maxDatagramSize());
                out.putShort((short) prm.maxAckDelayMillis());
            }
        }
    }

    /** Whether the datagram (from its position) starts with a long header. */
    public static boolean isLongHeader(ByteBuffer datagram) {
        return datagram.hasRemaining() && (datagram.get(datagram.position()) & LONG_BIT) != 0;
    }

    /**
     * The DCID of a short-header datagram, for routing it before a full decode; null if the datagram does not
     * start with a short header or is too short to be one. Looks at neither the fixed bit nor the CRC:
     * {@link #decode} does. Does not move the datagram's position.
     */
    public static Cid peekShortDcid(ByteBuffer datagram) {
        int at = datagram.position();
        if (datagram.remaining() < SHORT_HEADER_LENGTH + CRC_LENGTH || (datagram.get(at) & LONG_BIT) != 0) return null;
        byte[] dcid = new byte[Cid.LENGTH];
        datagram.get(at + 1, dcid);
        return Cid.wrap(dcid);
    }

    /**
     * Decodes the packet that is {@code datagram}'s bytes from position to limit, without moving its position.
     * The CRC is checked first; then the header, then the frames.
     *
     * <p>Stream frames' data are read-only views of {@code datagram}'s memory: the caller consumes or copies
     * them before it reuses that buffer.
     *
     * @throws MalformedPacketException if the bytes are not a well-formed packet; its kind says why
     */
    public static Packet decode(ByteBuffer datagram) throws MalformedPacketException {
        int start = datagram.position(), end = datagram.limit();
        if (end - start < 1 + CRC_LENGTH)
            throw new MalformedPacketException(MalformedPacketException.Kind.CORRUPT, null, null,
                    "datagram of " + (end - start) + " bytes cannot hold a header and the CRC");
        int crcAt = end - CRC_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(datagram.slice(start, crcAt - start));
        int trailer = datagram.order() == ByteOrder.BIG_ENDIAN ? datagram.getInt(crcAt)
                : Integer.reverseBytes(datagram.getInt(crcAt));
        if ((int) crc.getValue() != trailer)
            throw new MalformedPacketException(MalformedPacketException.Kind.CORRUPT, null, null,
                    String.format("CRC32C mismatch: trailer %08x, computed %08x", trailer, (int) crc.getValue()));

        Reader r = new Reader(datagram, start, crcAt);
        int first = r.u8();
        return (first & LONG_BIT) != 0 ? decodeLong(r, first) : decodeShort(r, first);
    }

    private static Packet decodeShort(Reader r, int first) throws MalformedPacketException {
        r.type = PacketType.SHORT;
        if ((first & FIXED_BIT) == 0) throw r.fail(MalformedPacketException.Kind.BAD_HEADER, "short header with the fixed bit clear");
        r.dcid = r.cid(Cid.LENGTH);
        long number = r.u64();
        if (number < 0) throw r.fail(MalformedPacketException.Kind.BAD_HEADER, "packet number at or above 2^63");
        List<Frame> frames = decodeFrames(r);
        return new Packet(PacketType.SHORT, 0, r.dcid, Cid.EMPTY, NO_TOKEN, number, frames, NO_VERSIONS);
    }

    private static Packet decodeLong(Reader r, int first) throws MalformedPacketException {
        int typeBits = (first >>> 5) & 3;
        int version = r.s32();
        PacketType type;
        if (version == 0) type = PacketType.VERSION_NEGOTIATION;  // recognized by version, whatever the type bits
        else if (typeBits == 3) throw r.fail(MalformedPacketException.Kind.BAD_HEADER, "long type 3 with version " + Integer.toHexString(version));
        else type = PacketType.values()[typeBits];
        r.type = type;
        r.dcid = r.cid(cidLength(r, "DCID"));
        Cid scid = r.cid(cidLength(r, "SCID"));

        if (type == PacketType.VERSION_NEGOTIATION) {
            int rest = r.remaining();
            if (rest % 4 != 0)
                throw r.fail(MalformedPacketException.Kind.BAD_HEADER, "version list of " + rest + " bytes, not a multiple of 4");
            int[] versions = new int[rest / 4];
            for (int i = 0; i < versions.length; i++) versions[i] = r.s32();
            return new Packet(type, 0, r.dcid, scid, NO_TOKEN, -1, List.of(), versions);
        }
        if (version != VERSION_1) {
            // Past the CIDs the layout is that version's: the caller answers with VERSION_NEGOTIATION.
            return new Packet(type, version, r.dcid, scid, NO_TOKEN, -1, List.of(), NO_VERSIONS);
        }
        byte[] token = NO_TOKEN;
        if (type == PacketType.INITIAL || type == PacketType.RETRY) token = r.bytes(r.u16());
        if (type == PacketType.RETRY) {
            if (r.remaining() != 0)
                throw r.fail(MalformedPacketException.Kind.BAD_HEADER, r.remaining() + " bytes after the RETRY token");
            return new Packet(type, version, r.dcid, scid, token, -1, List.of(), NO_VERSIONS);
        }
        long number = r.u64();
        if (number < 0) throw r.fail(MalformedPacketException.Kind.BAD_HEADER, "packet number at or above 2^63");
        List<Frame> frames = decodeFrames(r);
        return new Packet(type, version, r.dcid, scid, token, number, frames, NO_VERSIONS);
    }

    private static int cidLength(Reader r, String which) throws MalformedPacketException {
        int n = r.u8();
        if (n > Cid.MAX_LENGTH)
            throw r.fail(MalformedPacketException.Kind.BAD_HEADER, which + " length " + n + " exceeds " + Cid.MAX_LENGTH);
        return n;
    }

    private static List<Frame> decodeFrames(Reader r) throws MalformedPacketException {
        r.inFrames = true;  // from here a short read is a frame that cannot be parsed, not a short header
        List<Frame> frames = new ArrayList<>(4);
        while (r.remaining() > 0) {
            int type = r.u8();
            frames.add(switch (type) {
                case Frame.TYPE_PADDING -> {
                    int n = 1;
                    while (r.remaining() > 0 && r.peek() == 0) {
                        r.skip(1);
                        n++;
                    }
                    yield new Frame.Padding(n);
                }
                case Frame.TYPE_PING -> new Frame.Ping();
                case Frame.TYPE_ACK -> decodeAck(r);
                case Frame.TYPE_STREAM, Frame.TYPE_STREAM_FIN -> {
                    long offset = r.u64();
                    int length = r.u16();
                    if (offset < 0 || offset > Long.MAX_VALUE - length)
                        throw r.fail(MalformedPacketException.Kind.FRAME_ENCODING, "STREAM ends beyond 2^63 - 1");
                    ByteBuffer data = r.slice(length);
                    yield new Frame.Stream(offset, data, type == Frame.TYPE_STREAM_FIN);
                }
                case Frame.TYPE_MAX_DATA -> new Frame.MaxData(nonNegative(r, r.u64(), "MAX_DATA"));
                case Frame.TYPE_DATA_BLOCKED -> new Frame.DataBlocked(nonNegative(r, r.u64(), "DATA_BLOCKED"));
                case Frame.TYPE_CLOSE -> {
                    int code = r.u16();
                    int length = r.u16();
                    r.need(length);
                    String reason = Utf8.decode(r.buf, r.pos, length);
                    if (reason == null) throw r.fail(MalformedPacketException.Kind.FRAME_ENCODING, "CLOSE reason is not valid UTF-8");
                    r.skip(length);
                    yield new Frame.Close(code, reason);
                }
                case Frame.TYPE_PARAMS -> {
                    long idle = r.u32();
                    long initialMaxData = nonNegative(r, r.u64(), "PARAMS initial max data");
                    int maxDatagramSize = r.u16();
                    int maxAckDelay = r.u16();
                    yield new Frame.Params((int) Math.min(idle, Integer.MAX_VALUE), initialMaxData, maxDatagramSize, maxAckDelay);
                }
                default -> throw r.fail(MalformedPacketException.Kind.FRAME_ENCODING, String.format("unknown frame type 0x%02x", type));
            });
        }
        return frames;
    }

    private static Frame.Ack decodeAck(Reader r) throws MalformedPacketException {
        long largest = nonNegative(r, r.u64(), "ACK Largest Acknowledged");
        long delay = r.u32();
        int more = r.u16();
        long firstRange = r.u32();
        if (firstRange == 0) throw r.fail(MalformedPacketException.Kind.FRAME_ENCODING, "ACK First Range 0");
        if (firstRange > largest + 1) throw r.fail(MalformedPacketException.Kind.FRAME_ENCODING, "ACK range below packet 0");
        r.need(8L * more);  // before allocating for them
        long[] pairs = new long[2 * (more + 1)];
        long start = largest - firstRange + 1;
        pairs[0] = start;
        pairs[1] = largest;
        for (int i = 1; i <= more; i++) {
            long gap = r.u32(), length = r.u32();
            if (gap == 0 || length == 0)
                throw r.fail(MalformedPacketException.Kind.FRAME_ENCODING, "ACK " + (gap == 0 ? "Gap" : "Length") + " 0 in range " + i);
            long high = start - gap - 1, low = high - length + 1;
            if (low < 0) throw r.fail(MalformedPacketException.Kind.FRAME_ENCODING, "ACK range below packet 0");
            pairs[2 * i] = low;
            pairs[2 * i + 1] = high;
            start = low;
        }
        return new Frame.Ack(delay, AckRanges.of(pairs));
    }

    private static long nonNegative(Reader r, long value, String field) throws MalformedPacketException {
        if (value < 0) throw r.fail(MalformedPacketException.Kind.FRAME_ENCODING, field + " at or above 2^63");
        return value;
    }

    /** Bounds-checked big-endian reads over {@code [pos, end)}: a short read is a MalformedPacketException. */
    private static final class Reader {
        final ByteBuffer buf;
        int pos;
        final int end;
        PacketType type;
        Cid dcid;
        boolean inFrames;
        private ByteBuffer readOnly;

        Reader(ByteBuffer buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        int remaining() { return end - pos; }

        void need(long n) throws MalformedPacketException {
            if (n > end - pos) {
                throw inFrames ? fail(MalformedPacketException.Kind.FRAME_ENCODING, "frame runs past the end of the packet")
                        : fail(MalformedPacketException.Kind.CORRUPT, "packet too short for its header");
            }
        }

        MalformedPacketException fail(MalformedPacketException.Kind kind, String message) {
            return new MalformedPacketException(kind, type, dcid, message);
        }

        int peek() { return buf.get(pos) & 0xFF; }

        void skip(int n) throws MalformedPacketException {
            need(n);
            pos += n;
        }

        int u8() throws MalformedPacketException {
            need(1);
            return buf.get(pos++) & 0xFF;
        }

        int u16() throws MalformedPacketException {
            need(2);
            int v = (buf.get(pos) & 0xFF) << 8 | buf.get(pos + 1) & 0xFF;
            pos += 2;
            return v;
        }

        int s32() throws MalformedPacketException {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) v = v << 8 | buf.get(pos + i) & 0xFF;
            pos += 4;
            return v;
        }

        long u32() throws MalformedPacketException { return s32() & 0xFFFF_FFFFL; }

        long u64() throws MalformedPacketException {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) v = v << 8 | buf.get(pos + i) & 0xFF;
            pos += 8;
            return v;
        }

        byte[] bytes(int n) throws MalformedPacketException {
            need(n);
            byte[] b = new byte[n];
            buf.get(pos, b);
            pos += n;
            return b;
        }

        Cid cid(int n) throws MalformedPacketException { return Cid.wrap(bytes(n)); }

        ByteBuffer slice(int n) throws MalformedPacketException {
            need(n);
            if (readOnly == null) readOnly = buf.asReadOnlyBuffer();
            ByteBuffer s = readOnly.slice(pos, n);
            pos += n;
            return s;
        }
    }
}
