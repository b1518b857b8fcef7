package org.jsock.rudp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded fuzzing of {@link PacketCodec#decode}: whatever the bytes, it returns a packet or throws
 * {@link MalformedPacketException}, nothing else; and whatever it returns encodes and decodes to itself.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class WireFuzzTest {
    private static final int MAX_LENGTH = 1300;

    /** Decodes {@code length} bytes of {@code bytes}; returns the kind of failure, or null for a packet. */
    private static MalformedPacketException.Kind decodeOnly(byte[] bytes, int length) {
        Packet p;
        try {
            p = PacketCodec.decode(ByteBuffer.wrap(bytes, 0, length));
        } catch (MalformedPacketException e) {
            return e.kind();
        } catch (Throwable t) {
            throw new AssertionError("decode threw " + t + " on " + HexFormat.of().formatHex(bytes, 0, length), t);
        }
        // Re-encoding may differ in ignored bits and merged padding, but once normalized it is stable.
        try {
            if (p.version() == 0 || p.version() == PacketCodec.VERSION_1) {
                byte[] again = PacketCodec.encode(p);
                assertEquals(p, PacketCodec.decode(ByteBuffer.wrap(again)));
            }
        } catch (MalformedPacketException | RuntimeException e) {
            throw new AssertionError("decoded " + p + " does not round-trip: " + e + " on " + HexFormat.of().formatHex(bytes, 0, length), e);
        }
        return null;
    }

    private static void putCrc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length - 4);
        ByteBuffer.wrap(bytes).putInt(length - 4, (int) crc.getValue());
    }

    @Test
    void randomBytes() {
        SplittableRandom random = new SplittableRandom(0x5eed_0001L);
        byte[] buf = new byte[MAX_LENGTH];
        int packets = 0;
        for (int i = 0; i < 200_000; i++) {
            int length = random.nextInt(MAX_LENGTH + 1);
            random.nextBytes(buf);
            if (decodeOnly(buf, length) == null) packets++;
        }
        // Only a CRC that happens to match (or a 4-byte datagram) gets past the check: almost never.
        assertTrue(packets < 5, packets + " random datagrams decoded");
    }

    @Test
    void randomBytesWithAValidCrcAndAPlausibleStart() {
        // Get past the CRC, and often past the header, to reach the parsers with random content.
        SplittableRandom random = new SplittableRandom(0x5eed_0002L);
        byte[] buf = new byte[MAX_LENGTH];
        int[] kinds = new int[MalformedPacketException.Kind.values().length];
        int packets = 0;
        for (int i = 0; i < 100_000; i++) {
            int length = 5 + random.nextInt(random.nextBoolean() ? 60 : MAX_LENGTH - 4);
            random.nextBytes(buf);
            switch (random.nextInt(4)) {
                case 0 -> buf[0] = 0x40;  // short header
                case 1 -> {               // version-1 long header with small CIDs
                    buf[0] = (byte) (0x80 | random.nextInt(3) << 5);
                    buf[1] = buf[2] = buf[3] = 0;
                    buf[4] = 1;
                    buf[5] = (byte) random.nextInt(21);
                    if (length > 6 + buf[5]) buf[6 + buf[5]] = (byte) random.nextInt(21);
                }
                case 2 -> {               // short header whose frames start with a valid type
                    buf[0] = 0x40;
                    buf[9] = 0;  // packet number below 2^63
                    buf[17] = (byte) random.nextInt(9);
                }
                default -> { }            // anything
            }
            putCrc(buf, length);
            MalformedPacketException.Kind kind = decodeOnly(buf, length);
            if (kind == null) packets++;
            else kinds[kind.ordinal()]++;
        }
        for (MalformedPacketException.Kind k : MalformedPacketException.Kind.values())
            assertTrue(kinds[k.ordinal()] > 100, k + " seen " + kinds[k.ordinal()] + " times");
        assertTrue(packets > 200, "only " + packets + " decoded");
    }

    @Test
    void validPacketsWithOneByteChangedAndTheCrcRecomputed() {
        SplittableRandom random = new SplittableRandom(0x5eed_0003L);
        RandomPackets packets = new RandomPackets(0x5eed_0004L);
        byte[][] pool = new byte[500][];
        for (int i = 0; i < pool.length; i++) pool[i] = PacketCodec.encode(packets.packet());
        byte[] buf = new byte[1 << 16];
        int decoded = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] original = pool[random.nextInt(pool.length)];
            int length = original.length;
            System.arraycopy(original, 0, buf, 0, length);
            int at = random.nextInt(length - 4);
            byte value = (byte) random.nextInt(256);
            if (random.nextInt(4) == 0) value = (byte) (buf[at] ^ 1 << random.nextInt(8));
            buf[at] = value;
            putCrc(buf, length);
            if (decodeOnly(buf, length) == null) decoded++;
        }
        // Most changes land in data, numbers or CIDs and still make a packet; the rest must be refused cleanly.
        assertTrue(decoded > 30_000 && decoded < 100_000, decoded + " decoded");
    }

    @Test
    void truncatedValidPacketsWithTheCrcRecomputed() {
        RandomPackets packets = new RandomPackets(0x5eed_0005L);
        byte[] buf = new byte[1 << 16];
        for (int i = 0; i < 300; i++) {
            byte[] original = PacketCodec.encode(packets.packet());
            for (int length = 5; length < original.length; length++) {
                System.arraycopy(original, 0, buf, 0, length - 4);
                putCrc(buf, length);
                decodeOnly(buf, length);
            }
        }
        if (buf.length == 0) fail("unreachable");
    }
}
