package org.jsock.rudp.impair;

/**
 * What one direction of a link did, counted by its {@link LinkModel}. A value returned by
 * {@link LinkModel#stats()} is a snapshot: it does not change afterwards.
 *
 * <p>Every offered datagram ends in exactly one of: lost, queue-dropped, blackout-dropped, or
 * delivered. So {@code offered = lost + queueDropped + blackoutDropped + (delivered - duplicated)}.
 */
public final class LinkStats {
    long offered;
    long delivered;
    long lost;
    long queueDropped;
    long blackoutDropped;
    long duplicated;
    long corrupted;
    long reordered;
    long bytesOffered;
    long bytesDelivered;

    LinkStats() {}

    /** Datagrams offered to the link. */
    public long offered() { return offered; }

    /** Copies the link delivers (scheduled for delivery): a duplicated datagram counts twice. */
    public long delivered() { return delivered; }

    /** Datagrams lost at random or in a burst ({@link Impairment#loss()}, {@link Impairment#burst()}). */
    public long lost() { return lost; }

    /** Datagrams dropped because the bottleneck's queue was full. */
    public long queueDropped() { return queueDropped; }

    /** Datagrams dropped because they were offered during a blackout. */
    public long blackoutDropped() { return blackoutDropped; }

    /** Datagrams that were delivered twice. */
    public long duplicated() { return duplicated; }

    /** Delivered copies with one byte changed. */
    public long corrupted() { return corrupted; }

    /** Delivered copies held back so that later datagrams may overtake them. */
    public long reordered() { return reordered; }

    public long bytesOffered() { return bytesOffered; }

    /** Bytes in the delivered copies. */
    public long bytesDelivered() { return bytesDelivered; }

    /** Datagrams dropped for any reason. */
    public long dropped() { return lost + queueDropped + blackoutDropped; }

    LinkStats copy() {
        LinkStats s = new LinkStats();
        s.offered = offered;
        s.delivered = delivered;
        s.lost = lost;
        s.queueDropped = queueDropped;
        s.blackoutDropped = blackoutDropped;
        s.duplicated = duplicated;
        s.corrupted = corrupted;
        s.reordered = reordered;
        s.bytesOffered = bytesOffered;
        s.bytesDelivered = bytesDelivered;
        return s;
    }

    /**
     * One line: {@code offered 1000 (1200000 B), delivered 978 (1173600 B), lost 22, queue drops 0,
     * blackout drops 0, duplicated 0, corrupted 0, reordered 0}.
     */
    @Override
    public String toString() {
        return "offered " + offered + " (" + bytesOffered + " B), delivered " + delivered + " (" + bytesDelivered + " B), lost "
                + lost + ", queue drops " + queueDropped + ", blackout drops " + blackoutDropped + ", duplicated " + duplicated
                + ", corrupted " + corrupted + ", reordered " + reordered;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkStats s && offered == s.offered && delivered == s.delivered && lost == s.lost
                && queueDropped == s.queueDropped && blackoutDropped == s.blackoutDropped && duplicated == s.duplicated
                && corrupted == s.corrupted && reordered == s.reordered && bytesOffered == s.bytesOffered
                && bytesDelivered == s.bytesDelivered;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(offered, delivered, lost, queueDropped, blackoutDropped, duplicated, corrupted, reordered,
                bytesOffered, bytesDelivered);
    }
}
