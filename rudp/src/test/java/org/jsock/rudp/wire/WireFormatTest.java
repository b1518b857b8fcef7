package org.jsock.rudp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The byte layouts of docs/rudp.md, written out by hand, and round trips of every frame and packet type. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WireFormatTest {
    private static final Cid DCID = Cid.of(hex("0102030405060708"));
    private static final Cid SCID = Cid.of(hex("b0b1b2b3b4b5b6b7"));

    /** Hex digits, with spaces and line breaks anywhere and comments from {@code |} to the end of a line. */
    static byte[] hex(String s) { return HexFormat.of().parseHex(s.replaceAll("\\|[^\n]*", "").replaceAll("\\s", "")); }

    /** {@code body} followed by its CRC32C, big-endian. */
    static byte[] withCrc(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
    }

    static Packet decode(byte[] bytes) throws MalformedPacketException { return PacketCodec.decode(ByteBuffer.wrap(bytes)); }

    static MalformedPacketException.Kind failureKind(byte[] bytes) {
        return assertThrows(MalformedPacketException.class, () -> decode(bytes)).kind();
    }

    /** Encodes {@code p}, checks the bytes, and that they decode back to {@code p}. */
    static void assertBytes(Packet p, byte[] expectedWithoutCrc) throws MalformedPacketException {
        byte[] expected = withCrc(expectedWithoutCrc);
        byte[] actual = PacketCodec.encode(p);
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual));
        assertEquals(expected.length, PacketCodec.encodedLength(p));
        assertEquals(p, decode(actual));
    }

    @Test
    void shortHeaderWithOneStreamFrame() throws Exception {
        Packet p = Packet.shortHeader(DCID, 5, List.of(new Frame.Stream(1000, ByteBuffer.wrap("hi!".getBytes(StandardCharsets.US_ASCII)), false)));
        assertBytes(p, hex("""
                40                         | fixed bit set, short header
                0102030405060708           | DCID
                0000000000000005           | packet number
                03 00000000000003e8 0003   | STREAM, offset 1000, length 3
                686921                     | "hi!"
                """));
        assertEquals(17, PacketCodec.headerLength(p));
        assertTrue(p.ackEliciting());
    }

    @Test
    void crcTrailerIsCrc32cOfEveryPrecedingByte() {
        Packet p = Packet.shortHeader(DCID, 77, List.of(new Frame.Ping(), new Frame.MaxData(123456)));
        byte[] bytes = PacketCodec.encode(p);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - PacketCodec.CRC_LENGTH);
        assertEquals((int) crc.getValue(), ByteBuffer.wrap(bytes).getInt(bytes.length - 4));
        // The Castagnoli polynomial, not IEEE CRC-32: the standard check value of "123456789".
        CRC32C check = new CRC32C();
        check.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xE3069283L, check.getValue());
    }

    @Test
    void ackWithThreeRanges() throws Exception {
        // Acknowledged: 95..100, 80..90, 70..72. Missing: 91..94 (Gap 4), 73..79 (Gap 7).
        AckRanges ranges = AckRanges.of(95, 100, 80, 90, 70, 72);
        Packet p = Packet.shortHeader(DCID, 9, List.of(new Frame.Ack(250, ranges)));
        assertBytes(p, hex("""
                40 0102030405060708 0000000000000009
                02
                0000000000000064   | Largest 100
                000000fa           | Ack Delay 250 us
                0002               | Range Count: two ranges after the first
                00000006           | First Range: 95..100
                00000004 0000000b  | Gap 4, Length 11: [95-4-11, 95-4-1] = [80, 90]
                00000007 00000003  | Gap 7, Length 3:  [80-7-3, 80-7-1] = [70, 72]
                """));
        Frame.Ack ack = (Frame.Ack) decode(PacketCodec.encode(p)).frames().getFirst();
        assertEquals(100, ack.largest());
        assertEquals(250, ack.ackDelayMicros());
        for (long pn = 60; pn <= 110; pn++) {
            boolean acked = pn >= 95 && pn <= 100 || pn >= 80 && pn <= 90 || pn >= 70 && pn <= 72;
            assertEquals(acked, ack.ranges().contains(pn), "packet " + pn);
        }
        assertEquals(Frame.ackSize(3), ack.encodedSize());
        assertEquals(35, Frame.ackSize(3));
        assertFalse(p.ackEliciting());
    }

    @Test
    void initialWithToken() throws Exception {
        Packet p = Packet.initial(1, Cid.of(hex("a0a1a2a3a4a5a6a7")), SCID, "tok".getBytes(StandardCharsets.US_ASCII), 0,
                List.of(new Frame.Params(30_000, 1 << 20, 1200, 25)));
        assertBytes(p, hex("""
                80                    | long header, type 0 (INITIAL)
                00000001              | version 1
                08 a0a1a2a3a4a5a6a7   | DCID
                08 b0b1b2b3b4b5b6b7   | SCID
                0003 746f6b           | token "tok"
                0000000000000000      | packet number 0
                08 00007530 0000000000100000 04b0 0019   | PARAMS 30 s, 1 MiB, 1200, 25 ms
                """));
        assertEquals(1 + 4 + 9 + 9 + 5 + 8, PacketCodec.headerLength(p));

        Packet padded = PacketCodec.padded(p, PacketCodec.MIN_INITIAL_DATAGRAM);
        byte[] bytes = PacketCodec.encode(padded);
        assertEquals(1200, bytes.length);
        Packet back = decode(bytes);
        assertEquals(padded, back);
        assertEquals(new Frame.Padding(1200 - PacketCodec.encodedLength(p)), back.frames().getLast());
        assertSame(padded, PacketCodec.padded(padded, 1200));
    }

    @Test
    void retry() throws Exception {
        byte[] token = hex("000001900a0b0c0d 00112233445566778899aabbccddeeff");
        Packet p = Packet.retry(1, SCID, Cid.of(hex("5151515151515151")), token);
        assertBytes(p, hex("""
                a0                   | long header, type 1 (RETRY)
                00000001
                08 b0b1b2b3b4b5b6b7  | DCID: the client's SCID
                08 5151515151515151  | SCID: the server's CID
                0018 000001900a0b0c0d 00112233445566778899aabbccddeeff  | 24-byte token
                """));
        assertFalse(p.hasNumber());
        assertEquals(List.of(), p.frames());
    }

    @Test
    void versionNegotiation() throws Exception {
        Packet p = Packet.versionNegotiation(SCID, DCID, new int[] {1, 0x1a2a3a4a});
        assertBytes(p, hex("""
                e0                   | long header, type bits 3
                00000000             | version 0
                08 b0b1b2b3b4b5b6b7 08 0102030405060708
                00000001 1a2a3a4a    | supported versions
                """));
        // Recognized by version 0 whatever the type bits (and the ignored low bits).
        Packet other = decode(withCrc(hex("9f 00000000 08 b0b1b2b3b4b5b6b7 08 0102030405060708 00000001 1a2a3a4a")));
        assertEquals(p, other);
        assertArrayEquals(new int[] {1, 0x1a2a3a4a}, other.supportedVersions());
        assertEquals(0, decode(withCrc(hex("e0 00000000 00 00"))).supportedVersions().length);
    }

    @Test
    void handshakeAndTheSmallFrames() throws Exception {
        Packet p = Packet.handshake(1, SCID, DCID, 0x0102030405060708L, List.of(
                new Frame.Ping(),
                new Frame.Padding(3),
                new Frame.MaxData(0x1122334455667788L),
                new Frame.DataBlocked(65536),
                new Frame.Stream(7, ByteBuffer.allocate(0), true),
                new Frame.Close(ErrorCode.APPLICATION_ERROR, "né")));
        assertBytes(p, hex("""
                c0 00000001 08 b0b1b2b3b4b5b6b7 08 0102030405060708
                0102030405060708             | packet number, no token
                01                           | PING
                000000                       | PADDING x 3
                05 1122334455667788          | MAX_DATA
                06 0000000000010000          | DATA_BLOCKED
                04 0000000000000007 0000     | STREAM_FIN at 7, no data
                07 0006 0003 6ec3a9          | CLOSE APPLICATION_ERROR "né"
                """));
    }

    @Test
    void fullStreamFrameFillsTheDefaultDatagram() {
        // docs/rudp.md: a 1200-byte datagram carries 1168 bytes of stream data.
        int data = 1200 - PacketCodec.SHORT_HEADER_LENGTH - PacketCodec.CRC_LENGTH - Frame.streamOverhead();
        assertEquals(1168, data);
        Packet p = Packet.shortHeader(DCID, 1, List.of(new Frame.Stream(0, ByteBuffer.allocate(data), false)));
        assertEquals(1200, PacketCodec.encodedLength(p));
        assertEquals(1200, PacketCodec.encode(p).length);
    }

    @Test
    void everyFrameTypeRoundTrips() throws Exception {
        byte[] max = new byte[Frame.MAX_STREAM_DATA];
        for (int i = 0; i < max.length; i++) max[i] = (byte) (i * 31 + 7);
        List<Frame> frames = List.of(
                new Frame.Padding(1),
                new Frame.Ping(),
                new Frame.Ack(0, AckRanges.range(0, 0)),
                new Frame.Ack(Frame.Ack.MAX_ACK_DELAY_MICROS, AckRanges.range(0, AckRanges.MAX_WIRE_SPAN - 1)),
                new Frame.Ack(12, new RandomPackets(1).ranges(200)),
                new Frame.Stream(0, ByteBuffer.wrap(max), false),
                new Frame.Stream(Long.MAX_VALUE - 3, ByteBuffer.wrap(new byte[] {1, 2, 3}), true),
                new Frame.Stream(42, ByteBuffer.allocate(0), true),
                new Frame.Stream(43, ByteBuffer.allocate(0), false),
                new Frame.MaxData(0),
                new Frame.MaxData(Long.MAX_VALUE),
                new Frame.DataBlocked(Long.MAX_VALUE),
                new Frame.Close(ErrorCode.NO_ERROR, ""),
                new Frame.Close(0xFFFF, "Grüße, ☃, 日本語, 𝄞 and a NUL \u0000"),
                new Frame.Params(0, 0, 0, 0),
                new Frame.Params(Integer.MAX_VALUE, Long.MAX_VALUE, 0xFFFF, 0xFFFF),
                new Frame.Padding(500));
        for (Frame f : frames) {
            Packet p = Packet.shortHeader(DCID, 3, List.of(f));
            byte[] bytes = PacketCodec.encode(p);
            assertEquals(PacketCodec.SHORT_HEADER_LENGTH + f.encodedSize() + 4, bytes.length, f.toString());
            assertEquals(p, decode(bytes), f.toString());
        }
        Packet all = Packet.handshake(1, SCID, DCID, 0, frames);
        assertEquals(all, decode(PacketCodec.encode(all)));
        assertEquals(200, ((Frame.Ack) all.frames().get(4)).ranges().count());
    }

    @Test
    void everyPacketTypeRoundTrips() throws Exception {
        RandomPackets random = new RandomPackets(2);
        int[] seen = new int[PacketType.values().length];
        for (int i = 0; i < 2000; i++) {
            Packet p = random.packet();
            seen[p.type().ordinal()]++;
            byte[] bytes = PacketCodec.encode(p);
            assertEquals(PacketCodec.encodedLength(p), bytes.length);
            assertEquals(p, decode(bytes));
        }
        for (PacketType t : PacketType.values()) assertTrue(seen[t.ordinal()] > 100, t + " " + seen[t.ordinal()]);
    }

    @Test
    void decodedStreamDataIsAReadOnlyViewAndDecodeLeavesThePositionAlone() throws Exception {
        Packet p = Packet.shortHeader(DCID, 8, List.of(new Frame.Stream(5, ByteBuffer.wrap(hex("aabbcc")), false)));
        byte[] bytes = PacketCodec.encode(p);
        // The packet in the middle of a bigger buffer, little-endian: decode reads only position..limit.
        ByteBuffer big = ByteBuffer.allocateDirect(bytes.length + 20).order(ByteOrder.LITTLE_ENDIAN);
        big.position(10).put(bytes).limit(10 + bytes.length).position(10);
        Packet back = PacketCodec.decode(big);
        assertEquals(10, big.position());
        assertEquals(p, back);
        ByteBuffer data = ((Frame.Stream) back.frames().getFirst()).data();
        assertTrue(data.isReadOnly());
        assertEquals(3, data.remaining());
        big.put(10 + PacketCodec.SHORT_HEADER_LENGTH + Frame.streamOverhead(), (byte) 0x11);  // a view, not a copy
        assertEquals(0x11, data.get(data.position()));
    }

    @Test
    void encodeWritesBigEndianAtThePositionWithoutMovingStreamBuffers() {
        ByteBuffer payload = ByteBuffer.wrap(hex("00112233445566")).position(2).limit(5);
        Packet p = Packet.shortHeader(DCID, 1, List.of(new Frame.Stream(0, payload, false)));
        ByteBuffer dst = ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN).position(7);
        int n = PacketCodec.encode(p, dst);
        assertEquals(PacketCodec.encodedLength(p), n);
        assertEquals(7 + n, dst.position());
        assertEquals(2, payload.position());
        assertArrayEquals(PacketCodec.encode(p), Arrays.copyOfRange(dst.array(), 7, 7 + n));
        assertArrayEquals(hex("223344"), Arrays.copyOfRange(dst.array(), 7 + 17 + 11, 7 + 17 + 11 + 3));
    }

    @Test
    void encodedLengthMatchesAndTooSmallBuffersAreUntouched() {
        RandomPackets random = new RandomPackets(3);
        for (int i = 0; i < 1000; i++) {
            Packet p = random.packet();
            int length = PacketCodec.encodedLength(p);
            ByteBuffer exact = ByteBuffer.allocate(length);
            assertEquals(length, PacketCodec.encode(p, exact));
            assertFalse(exact.hasRemaining());

            byte[] backing = new byte[length + 3];
            Arrays.fill(backing, (byte) 0x55);
            ByteBuffer tooSmall = ByteBuffer.wrap(backing, 4, length - 1);
            assertThrows(BufferOverflowException.class, () -> PacketCodec.encode(p, tooSmall));
            assertEquals(4, tooSmall.position());
            for (byte b : backing) assertEquals(0x55, b);
        }
    }

    @Test
    void encodingRefusesWhatTheWireCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> new Frame.Stream(0, ByteBuffer.allocate(65536), false));
        assertThrows(IllegalArgumentException.class, () -> new Frame.Stream(-1, ByteBuffer.allocate(1), false));
        assertThrows(IllegalArgumentException.class, () -> new Frame.Stream(Long.MAX_VALUE, ByteBuffer.allocate(1), false));
        assertThrows(IllegalArgumentException.class, () -> new Frame.Close(0, "x".repeat(65536)));
        assertThrows(IllegalArgumentException.class, () -> new Frame.Close(0, "☃".repeat(21846)));  // 65,538 bytes
        new Frame.Close(0, "☃".repeat(21845));  // 65,535 bytes: fits
        assertThrows(IllegalArgumentException.class, () -> new Frame.Close(0, "lone \ud800 surrogate"));
        assertThrows(IllegalArgumentException.class, () -> new Frame.Close(0x10000, ""));
        assertThrows(IllegalArgumentException.class, () -> new Frame.Padding(0));
        assertThrows(IllegalArgumentException.class, () -> new Frame.Ack(-1, AckRanges.range(0, 1)));
        assertThrows(IllegalArgumentException.class, () -> new Frame.MaxData(-1));
        assertThrows(IllegalArgumentException.class, () -> new Frame.Params(0, 0, 65536, 0));
        assertThrows(IllegalArgumentException.class, () -> new Frame.Params(-1, 0, 1200, 0));
        assertThrows(IllegalArgumentException.class, () -> Packet.shortHeader(Cid.of(new byte[5]), 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> Packet.shortHeader(DCID, -1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> Packet.initial(0, DCID, SCID, new byte[0], 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> Packet.initial(1, DCID, SCID, new byte[65536], 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> Packet.initial(1, DCID, SCID, new byte[0], -1, List.of()));

        // A Stream's buffer can grow after the frame was checked: encode checks again and writes nothing.
        ByteBuffer growing = ByteBuffer.allocate(70_000).limit(10);
        Packet p = Packet.shortHeader(DCID, 0, List.of(new Frame.Stream(0, growing, false)));
        growing.limit(70_000);
        ByteBuffer dst = ByteBuffer.allocate(80_000);
        assertThrows(IllegalArgumentException.class, () -> PacketCodec.encode(p, dst));
        assertEquals(0, dst.position());
    }

    @Test
    void ackValuesBeyondTheWireAreClippedNotRefused() throws Exception {
        Frame.Ack ack = new Frame.Ack(Long.MAX_VALUE, AckRanges.of(1L << 40, 1L << 41, 0, 10));
        assertEquals(Frame.Ack.MAX_ACK_DELAY_MICROS, ack.ackDelayMicros());
        // The range is longer than 32 bits can say: its highest 2^32 - 1 packets are kept, the rest dropped.
        assertEquals(AckRanges.range((1L << 41) - AckRanges.MAX_WIRE_SPAN + 1, 1L << 41), ack.ranges());
        // A gap longer than 32 bits ends the list.
        assertEquals(AckRanges.range(1L << 40, 1L << 40), new Frame.Ack(0, AckRanges.of(1L << 40, 1L << 40, 0, 0)).ranges());
        // A gap of exactly 2^32 - 1 missing packets still fits.
        long top = AckRanges.MAX_WIRE_SPAN + 1;
        AckRanges widest = AckRanges.of(top, top, 0, 0);
        assertSame(widest, widest.clippedToWire());
        // At most 65,536 ranges: Range Count is 16 bits.
        long[] pairs = new long[2 * 70_000];
        for (int i = 0; i < 70_000; i++) pairs[2 * i] = pairs[2 * i + 1] = 2L * (70_000 - i);
        assertEquals(AckRanges.MAX_WIRE_RANGES, new Frame.Ack(0, AckRanges.of(pairs)).ranges().count());
        for (Frame.Ack a : List.of(ack, new Frame.Ack(0, widest))) {
            Packet p = Packet.shortHeader(DCID, 0, List.of(a));
            assertEquals(p, decode(PacketCodec.encode(p)));
        }
        assertEquals(19, Frame.ackSize(1));
        assertEquals(0, Frame.ackRangesThatFit(18));
        assertEquals(1, Frame.ackRangesThatFit(26));
        assertEquals(2, Frame.ackRangesThatFit(27));
    }

    @Test
    void headerRules() throws Exception {
        // The low bits of byte 0 are ignored on receipt.
        Packet shortP = Packet.shortHeader(DCID, 4, List.of(new Frame.Ping()));
        byte[] bits = PacketCodec.encode(shortP);
        bits[0] = 0x7f;
        assertEquals(shortP, decode(withCrc(Arrays.copyOf(bits, bits.length - 4))));

        assertEquals(MalformedPacketException.Kind.BAD_HEADER, failureKind(withCrc(hex("00 0102030405060708 0000000000000004 01"))),
                "fixed bit clear");
        assertEquals(MalformedPacketException.Kind.BAD_HEADER, failureKind(withCrc(hex("40 0102030405060708 8000000000000004 01"))),
                "packet number at 2^63");
        assertEquals(MalformedPacketException.Kind.BAD_HEADER, failureKind(withCrc(hex("80 00000001 15" + "00".repeat(21) + "00 0000 0000000000000000"))),
                "DCID of 21 bytes");
        assertEquals(MalformedPacketException.Kind.BAD_HEADER, failureKind(withCrc(hex("80 00000001 00 15" + "00".repeat(21) + "0000 0000000000000000"))),
                "SCID of 21 bytes");
        assertEquals(MalformedPacketException.Kind.BAD_HEADER, failureKind(withCrc(hex("e0 00000000 00 00 00000001 1a"))),
                "version list not a multiple of 4");
        assertEquals(MalformedPacketException.Kind.BAD_HEADER, failureKind(withCrc(hex("e0 00000001 00 00 0000 0000000000000000"))),
                "type 3 with a version");
        assertEquals(MalformedPacketException.Kind.BAD_HEADER, failureKind(withCrc(hex("a0 00000001 00 00 0001 aa bb"))),
                "bytes after the RETRY token");
        // 20-byte CIDs are fine.
        Packet longCids = Packet.handshake(1, Cid.of(new byte[20]), Cid.of(new byte[20]), 0, List.of());
        assertEquals(longCids, decode(PacketCodec.encode(longCids)));

        // Too short for the header, CRC right: counted as corrupt.
        assertEquals(MalformedPacketException.Kind.CORRUPT, failureKind(withCrc(hex("40 0102030405060708 00000000000000"))));
        assertEquals(MalformedPacketException.Kind.CORRUPT, failureKind(withCrc(hex("80 00000001 08 0102"))));
        assertEquals(MalformedPacketException.Kind.CORRUPT, failureKind(withCrc(hex("80 00000001 00 00 0005 aabb"))));
        assertEquals(MalformedPacketException.Kind.CORRUPT, failureKind(withCrc(new byte[0])));
        assertEquals(MalformedPacketException.Kind.CORRUPT, failureKind(new byte[0]));

        // A short header with no frames is a packet (nothing in it to acknowledge).
        Packet empty = decode(withCrc(hex("40 0102030405060708 0000000000000004")));
        assertEquals(Packet.shortHeader(DCID, 4, List.of()), empty);
        assertFalse(empty.ackEliciting());
    }

    @Test
    void anUnsupportedVersionIsReadOnlyAsFarAsItsCids() throws Exception {
        // A version-1 layout under the reserved version 0x1a2a3a4a, and a layout this code cannot read.
        Packet forcing = Packet.initial(0x1a2a3a4a, DCID, SCID, new byte[0], 0, List.of(new Frame.Ping()));
        Packet back = decode(PacketCodec.encode(forcing));
        assertEquals(new Packet(PacketType.INITIAL, 0x1a2a3a4a, DCID, SCID, new byte[0], -1, List.of(), new int[0]), back);
        Packet future = decode(withCrc(hex("c0 00000002 08 0102030405060708 00 ffffffffffff")));
        assertEquals(PacketType.HANDSHAKE, future.type());
        assertEquals(2, future.version());
        assertEquals(DCID, future.dcid());
        assertEquals(Cid.EMPTY, future.scid());
        assertThrows(IllegalArgumentException.class, () -> PacketCodec.encode(future), "no packet number to send");
    }

    @Test
    void unparsableFramesCloseTheConnection() {
        String header = "40 0102030405060708 0000000000000001";
        String[] frames = {
            "09",                                           // unknown type
            "ff",
            "03 0000000000000000 0005 aabbccdd",            // STREAM Length past the end
            "04 0000000000000000 0001",
            "03 7ffffffffffffffe 0002 aabb",                // STREAM beyond 2^63 - 1
            "03 8000000000000000 0000",
            "02 0000000000000064 00000000 0000 00000000",   // First Range 0
            "02 0000000000000064 00000000 0000 00000066",   // First Range below packet 0
            "02 0000000000000064 00000000 0001 00000001 00000000 00000001",  // Gap 0
            "02 0000000000000064 00000000 0001 00000001 00000001 00000000",  // Length 0
            "02 0000000000000064 00000000 0001 00000001 00000001 00000063",  // 100 - 1 - 1 - 99 + 1 = 0: fits, so
            "02 0000000000000064 00000000 0001 00000001 00000001 00000064",  // one more goes below 0
            "02 0000000000000064 00000000 ffff 00000001",   // 65,535 ranges announced, none there
            "02 8000000000000000 00000000 0000 00000001",   // Largest at 2^63
            "07 0002 0002 c328",                            // invalid UTF-8
            "07 0002 0002 c080",                            // overlong NUL
            "07 0002 0003 eda080",                          // an encoded surrogate
            "07 0002 0005 6869",                            // reason past the end
            "07 00",
            "05 00000000",                                  // MAX_DATA cut short
            "05 8000000000000000",                          // MAX_DATA at 2^63
            "06 ffffffffffffffff",
            "08 00007530 0000000000100000 04b0",            // PARAMS cut short
        };
        int parsable = 0;
        for (String frame : frames) {
            byte[] bytes = withCrc(hex(header + frame));
            try {
                decode(bytes);
                parsable++;  // the one deliberately valid case above
            } catch (MalformedPacketException e) {
                assertEquals(MalformedPacketException.Kind.FRAME_ENCODING, e.kind(), frame + ": " + e.getMessage());
                assertEquals(DCID, e.dcid(), frame);
                assertEquals(PacketType.SHORT, e.type(), frame);
            }
        }
        assertEquals(1, parsable);
    }

    @Test
    void everySingleBitFlipIsCorrupt() throws Exception {
        Packet p = Packet.shortHeader(DCID, 1234, List.of(new Frame.Ack(40, AckRanges.of(10, 20, 3, 5)),
                new Frame.Stream(99, ByteBuffer.wrap("some stream bytes, some more".getBytes(StandardCharsets.US_ASCII)), false),
                new Frame.MaxData(1 << 20)));
        byte[] bytes = PacketCodec.encode(p);
        assertTrue(bytes.length >= 90 && bytes.length <= 110, "about 100 bytes: " + bytes.length);
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertEquals(MalformedPacketException.Kind.CORRUPT, failureKind(flipped), "bit " + bit);
        }
        for (int length = 0; length < bytes.length; length++) {
            assertEquals(MalformedPacketException.Kind.CORRUPT, failureKind(Arrays.copyOf(bytes, length)), "length " + length);
        }
        assertEquals(p, decode(bytes));
    }

    @Test
    void demultiplexingPeeks() {
        byte[] shortBytes = PacketCodec.encode(Packet.shortHeader(DCID, 0, List.of()));
        assertEquals(DCID, PacketCodec.peekShortDcid(ByteBuffer.wrap(shortBytes)));
        assertFalse(PacketCodec.isLongHeader(ByteBuffer.wrap(shortBytes)));
        assertNull(PacketCodec.peekShortDcid(ByteBuffer.wrap(shortBytes, 0, shortBytes.length - 1)));
        byte[] longBytes = PacketCodec.encode(Packet.handshake(1, DCID, SCID, 0, List.of()));
        assertTrue(PacketCodec.isLongHeader(ByteBuffer.wrap(longBytes)));
        assertNull(PacketCodec.peekShortDcid(ByteBuffer.wrap(longBytes)));
        assertFalse(PacketCodec.isLongHeader(ByteBuffer.allocate(0)));
        ByteBuffer offset = ByteBuffer.allocate(shortBytes.length + 5).position(5);
        offset.put(shortBytes).position(5);
        assertEquals(DCID, PacketCodec.peekShortDcid(offset));
        assertEquals(5, offset.position());
    }

    @Test
    void errorCodeNamesAndPacketTypes() {
        assertEquals("NO_ERROR", ErrorCode.name(ErrorCode.NO_ERROR));
        assertEquals("FRAME_ENCODING_ERROR", ErrorCode.name(5));
        assertEquals("APPLICATION_ERROR", ErrorCode.name(6));
        assertEquals("0x1234", ErrorCode.name(0x1234));
        assertEquals("0x0007", ErrorCode.name(7));
        List<PacketType> longTypes = new ArrayList<>();
        for (PacketType t : PacketType.values()) if (t.isLong()) longTypes.add(t);
        assertEquals(List.of(PacketType.INITIAL, PacketType.RETRY, PacketType.HANDSHAKE, PacketType.VERSION_NEGOTIATION), longTypes);
    }
}
