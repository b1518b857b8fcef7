package org.jsock.rudp.wire;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A frame of docs/rudp.md ("Frames"). The records check their values against what the wire can carry
 * and throw {@link IllegalArgumentException} when a value cannot be sent.
 */
public sealed interface Frame {
    /** Type byte of PADDING. */
    int TYPE_PADDING = 0x00;
    /** Type byte of PING. */
    int TYPE_PING = 0x01;
    /** Type byte of ACK. */
    int TYPE_ACK = 0x02;
    /** Type byte of STREAM. */
    int TYPE_STREAM = 0x03;
    /** Type byte of STREAM_FIN. */
    int TYPE_STREAM_FIN = 0x04;
    /** Type byte of MAX_DATA. */
    int TYPE_MAX_DATA = 0x05;
    /** Type byte of DATA_BLOCKED. */
    int TYPE_DATA_BLOCKED = 0x06;
    /** Type byte of CLOSE. */
    int TYPE_CLOSE = 0x07;
    /** Type byte of PARAMS. */
    int TYPE_PARAMS = 0x08;

    /** The most data one STREAM frame carries: its Length field is 16 bits. */
    int MAX_STREAM_DATA = 0xFFFF;

    /** Whether a packet carrying this frame must be acknowledged. */
    boolean ackEliciting();

    /** The bytes this frame takes on the wire, type byte included. */
    int encodedSize();

    /** The framing of a STREAM frame, before its data: type (1), Offset (8), Length (2). */
    static int streamOverhead() { return 11; }

    /**
     * The size of an ACK frame carrying {@code rangeCount} ranges, the first included (as {@link AckRanges#count()}
     * counts them): 19 bytes for one range and 8 per further range.
     */
    static int ackSize(int rangeCount) {
        if (rangeCount < 1) throw new IllegalArgumentException("an ACK has at least one range, not " + rangeCount);
        return 11 + 8 * rangeCount;
    }

    /** The most ACK ranges that fit in {@code room} bytes, 0 if not even one does. */
    static int ackRangesThatFit(int room) {
        return room < ackSize(1) ? 0 : (room - 11) / 8;
    }

    /** {@code length} consecutive 0x00 bytes. Decoding merges a run of padding bytes into one Padding. */
    record Padding(int length) implements Frame {
        public Padding {
            if (length < 1) throw new IllegalArgumentException("padding length must be at least 1, not " + length);
        }

        @Override public boolean ackEliciting() { return false; }

        @Override public int encodedSize() { return length; }
    }

    /** Asks for an acknowledgement and carries nothing else. */
    record Ping() implements Frame {
        @Override public boolean ackEliciting() { return true; }

        @Override public int encodedSize() { return 1; }
    }

    /**
     * Acknowledges {@code ranges}; Largest Acknowledged is {@code ranges.largest()}.
     *
     * <p>The wire carries the delay in 32 bits of microseconds and each range and gap in 32 bits: a delay above
     * that is sent as the maximum, and ranges are cut to what fits ({@link AckRanges#clippedToWire()}: the
     * highest packets are kept; acknowledging fewer is always allowed). {@link #ranges()} returns what is sent.
     */
    record Ack(long ackDelayMicros, AckRanges ranges) implements Frame {
        /** The largest Ack Delay the 32-bit field carries. */
        public static final long MAX_ACK_DELAY_MICROS = 0xFFFF_FFFFL;

        public Ack {
            if (ackDelayMicros < 0) throw new IllegalArgumentException("negative ack delay: " + ackDelayMicros);
            Objects.requireNonNull(ranges, "ranges");
            ackDelayMicros = Math.min(ackDelayMicros, MAX_ACK_DELAY_MICROS);
            ranges = ranges.clippedToWire();
        }

        /** The largest packet number acknowledged. */
        public long largest() { return ranges.largest(); }

        @Override public boolean ackEliciting() { return false; }

        @Override public int encodedSize() { return ackSize(ranges.count()); }
    }

    /**
     * Stream bytes at {@code offset}: the bytes of {@code data} between its position and limit (at most
     * {@link #MAX_STREAM_DATA}), read when the frame is encoded, without moving its position. Sent as STREAM_FIN
     * (0x04) when {@code fin}: the stream then ends at {@code offset + length()}.
     *
     * <p>In a decoded packet {@code data} is a read-only view of the datagram's buffer: consume or copy it
     * before that buffer is reused.
     */
    record Stream(long offset, ByteBuffer data, boolean fin) implements Frame {
        public Stream {
            Objects.requireNonNull(data, "data");
            if (offset < 0) throw new IllegalArgumentException("negative stream offset: " + offset);
            checkLength(offset, data.remaining());
        }

        static void checkLength(long offset, int length) {
            if (length > MAX_STREAM_DATA)
                throw new IllegalArgumentException("STREAM data of " + length + " bytes exceeds " + MAX_STREAM_DATA);
            if (offset > Long.MAX_VALUE - length)
                throw new IllegalArgumentException("stream offset " + offset + " + " + length + " exceeds 2^63 - 1");
        }

        /** The number of data bytes. */
        public int length() { return data.remaining(); }

        /** The stream offset just after the last data byte (the final size when {@code fin}). */
        public long end() { return offset + data.remaining(); }

        @Override public boolean ackEliciting() { return true; }

        @Override public int encodedSize() { return streamOverhead() + data.remaining(); }

        @Override public String toString() {
            return (fin ? "StreamFin[offset=" : "Stream[offset=") + offset + ", length=" + data.remaining() + "]";
        }
    }

    /** The stream offset the receiver allows the sender to reach. */
    record MaxData(long maximum) implements Frame {
        public MaxData {
            if (maximum < 0) throw new IllegalArgumentException("negative MAX_DATA: " + maximum);
        }

        @Override public boolean ackEliciting() { return true; }

        @Override public int encodedSize() { return 9; }
    }

    /** The sender has data but its flow-control limit is {@code limit}. */
    record DataBlocked(long limit) implements Frame {
        public DataBlocked {
            if (limit < 0) throw new IllegalArgumentException("negative DATA_BLOCKED limit: " + limit);
        }

        @Override public boolean ackEliciting() { return true; }

        @Override public int encodedSize() { return 9; }
    }

    /**
     * Ends the connection. {@code code} is one of {@link ErrorCode}'s (16 bits); {@code reason} is sent in UTF-8,
     * at most 65,535 bytes, and must be well-formed (no lone surrogate).
     */
    record Close(int code, String reason) implements Frame {
        /** The most UTF-8 bytes a reason may take: its length field is 16 bits. */
        public static final int MAX_REASON_BYTES = 0xFFFF;

        public Close {
            if (code < 0 || code > 0xFFFF) throw new IllegalArgumentException("CLOSE error code out of 16 bits: " + code);
            Objects.requireNonNull(reason, "reason");
            int bytes = Utf8.length(reason);
            if (bytes < 0) throw new IllegalArgumentException("CLOSE reason is not well-formed UTF-16 (lone surrogate)");
            if (bytes > MAX_REASON_BYTES)
                throw new IllegalArgumentException("CLOSE reason of " + bytes + " UTF-8 bytes exceeds " + MAX_REASON_BYTES);
        }

        @Override public boolean ackEliciting() { return false; }

        @Override public int encodedSize() { return 5 + Utf8.length(reason); }

        @Override public String toString() { return "Close[" + ErrorCode.name(code) + ", \"" + reason + "\"]"; }
    }

    /**
     * The sender's transport parameters: idle timeout in ms (0: none), the stream data the receiver may send
     * before the first MAX_DATA, the largest datagram the sender accepts, and its max ack delay in ms.
     * Decoding reads an idle timeout above {@link Integer#MAX_VALUE} ms (24.8 days) as that value.
     */
    record Params(int idleTimeoutMillis, long initialMaxData, int maxDatagramSize, int maxAckDelayMillis)
            implements Frame {
        public Params {
            if (idleTimeoutMillis < 0) throw new IllegalArgumentException("negative idle timeout: " + idleTimeoutMillis);
            if (initialMaxData < 0) throw new IllegalArgumentException("negative initial max data: " + initialMaxData);
            if (maxDatagramSize < 0 || maxDatagramSize > 0xFFFF)
                throw new IllegalArgumentException("max datagram size out of 16 bits: " + maxDatagramSize);
            if (maxAckDelayMillis < 0 || maxAckDelayMillis > 0xFFFF)
                throw new IllegalArgumentException("max ack delay out of 16 bits: " + maxAckDelayMillis);
        }

        @Override public boolean ackEliciting() { return true; }

        @Override public int encodedSize() { return 17; }
    }
}
