package org.jsock.rudp.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random well-formed packets of every type, for round-trip and fuzz tests. Seeded: runs repeat. */
final class RandomPackets {
    private static final String[] REASON_PIECES = {"a", "Z", " ", "é", "ß", "☃", "日本", "𝄞", "\u0000", "ok"};

    private final SplittableRandom random;

    RandomPackets(long seed) { random = new SplittableRandom(seed); }

    Packet packet() {
        return switch (random.nextInt(5)) {
            case 0 -> Packet.initial(PacketCodec.VERSION_1, cid(), cid(), bytes(random.nextInt(41)), number(), frames());
            case 1 -> Packet.retry(PacketCodec.VERSION_1, cid(), cid(), bytes(random.nextInt(41)));
            case 2 -> Packet.handshake(PacketCodec.VERSION_1, cid(), cid(), number(), frames());
            case 3 -> {
                int[] versions = new int[random.nextInt(6)];
                for (int i = 0; i < versions.length; i++) versions[i] = random.nextInt();
                yield Packet.versionNegotiation(cid(), cid(), versions);
            }
            default -> Packet.shortHeader(Cid.of(bytes(Cid.LENGTH)), number(), frames());
        };
    }

    private Cid cid() { return Cid.of(bytes(random.nextInt(Cid.MAX_LENGTH + 1))); }

    private long number() {
        return random.nextBoolean() ? random.nextLong(1000) : random.nextLong(Long.MAX_VALUE);
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Up to six frames; never two paddings in a row (decoding would merge them). */
    List<Frame> frames() {
        int n = random.nextInt(7);
        List<Frame> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Frame f = frame();
            if (f instanceof Frame.Padding && !frames.isEmpty() && frames.getLast() instanceof Frame.Padding) continue;
            frames.add(f);
        }
        return frames;
    }

    Frame frame() {
        return switch (random.nextInt(9)) {
            case 0 -> new Frame.Padding(1 + random.nextInt(40));
            case 1 -> new Frame.Ping();
            case 2 -> new Frame.Ack(random.nextLong(Frame.Ack.MAX_ACK_DELAY_MICROS + 1), ranges(1 + random.nextInt(30)));
            case 3, 4 -> new Frame.Stream(random.nextLong(1L << 62), ByteBuffer.wrap(bytes(random.nextInt(300))), random.nextInt(4) == 0);
            case 5 -> new Frame.MaxData(random.nextLong(Long.MAX_VALUE));
            case 6 -> new Frame.DataBlocked(random.nextLong(Long.MAX_VALUE));
            case 7 -> {
                StringBuilder reason = new StringBuilder();
                for (int i = random.nextInt(12); i > 0; i--) reason.append(REASON_PIECES[random.nextInt(REASON_PIECES.length)]);
                yield new Frame.Close(random.nextInt(0x10000), reason.toString());
            }
            default -> new Frame.Params(random.nextInt(Integer.MAX_VALUE), random.nextLong(Long.MAX_VALUE),
                    random.nextInt(0x10000), random.nextInt(0x10000));
        };
    }

    /** {@code count} ranges descending from a random largest, with gaps of at least one packet. */
    AckRanges ranges(int count) {
        long[] pairs = new long[2 * count];
        long high = count * 3000L + random.nextLong(1L << 40);
        for (int i = 0; i < count; i++) {
            long low = high - random.nextInt(1000);
            pairs[2 * i] = low;
            pairs[2 * i + 1] = high;
            high = low - 2 - random.nextInt(1000);
        }
        return AckRanges.of(pairs);
    }
}
