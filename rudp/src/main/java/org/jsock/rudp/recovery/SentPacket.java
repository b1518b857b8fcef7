package org.jsock.rudp.recovery;

/**
 * A packet the connection sent, as loss detection tracks it until it is acknowledged or lost. Immutable.
 *
 * <p>Ack-eliciting packets are always in flight (RFC 9002 section 2); a packet that only acknowledges
 * is neither. A packet that is not ack-eliciting may still be in flight (padding alone).
 */
public final class SentPacket {
    private final long number;
    private final long timeSent;
    private final int size;
    private final boolean ackEliciting;
    private final boolean inFlight;
    private final Object frames;

    /**
     * @param number the packet number
     * @param timeSent when it left, nanoseconds
     * @param size its size in bytes, as congestion control counts it
     * @param frames what the connection needs to send again if the packet is lost: opaque here, may be null
     * @throws IllegalArgumentException for a negative number or size, or an ack-eliciting packet not in flight
     */
    public SentPacket(long number, long timeSent, int size, boolean ackEliciting, boolean inFlight, Object frames) {
        if (number < 0) throw new IllegalArgumentException("negative packet number: " + number);
        if (size < 0) throw new IllegalArgumentException("negative packet size: " + size);
        if (ackEliciting && !inFlight) throw new IllegalArgumentException("packet " + number + ": an ack-eliciting packet is always in flight");
        this.number = number;
        this.timeSent = timeSent;
        this.size = size;
        this.ackEliciting = ackEliciting;
        this.inFlight = inFlight;
        this.frames = frames;
    }

    public long number() { return number; }

    public long timeSent() { return timeSent; }

    public int size() { return size; }

    public boolean ackEliciting() { return ackEliciting; }

    public boolean inFlight() { return inFlight; }

    /** What the connection needs to retransmit; opaque to recovery. */
    public Object frames() { return frames; }

    @Override public String toString() {
        return "packet " + number + " (" + size + " bytes at " + timeSent + (ackEliciting ? ", ack-eliciting" : inFlight ? ", in flight" : "") + ")";
    }
}
