package org.jsock.rudp.sim;

import org.jsock.net.SockAddr;

import java.nio.ByteBuffer;

/**
 * Something attached to a {@link SimNetwork} at an address: an rudp endpoint, a test peer. The
 * network calls it on its one thread, in virtual time, and never from two places at once.
 *
 * <p>After every call into the host ({@link #onDatagram}, {@link #onTimer}) the network reads
 * {@link #nextTimer()} again; when the host's state changes any other way, the code that changed
 * it calls {@link SimNetwork#wake}. A host sends with {@link SimNetwork#send}.
 */
public interface SimHost {
    /** A datagram from {@code from} arrived at virtual time {@code now}; {@code data} is the host's to keep. */
    void onDatagram(long now, SockAddr from, ByteBuffer data);

    /** When the host next wants {@link #onTimer}: absolute virtual nanoseconds, Long.MAX_VALUE for never. */
    long nextTimer();

    /** The time {@link #nextTimer()} asked for has come ({@code now} is never earlier than it). */
    void onTimer(long now);
}
