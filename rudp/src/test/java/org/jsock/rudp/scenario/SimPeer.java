package org.jsock.rudp.scenario;

import org.jsock.net.SockAddr;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.conn.Endpoint;
import org.jsock.rudp.sim.SimHost;
import org.jsock.rudp.sim.SimNetwork;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/** An rudp endpoint living at one address of a {@link SimNetwork}, with an application step run after every event. */
final class SimPeer implements SimHost {
    final SimNetwork net;
    final SockAddr address;
    final Endpoint endpoint;
    private LongConsumer app = now -> { };

    SimPeer(SimNetwork net, SockAddr address, RudpConfig config, boolean server, long seed) {
        this.net = net;
        this.address = address;
        this.endpoint = new Endpoint(config, server, new SplittableRandom(seed), (to, datagram) -> {
            byte[] copy = new byte[datagram.remaining()];
            datagram.duplicate().get(copy);
            if (TRACE) System.err.printf("%10.3f ms %s -> %s %s%n", net.now() / 1e6, address, to, describe(copy));
            net.send(address, to, copy, 0, copy.length);
        });
        net.attach(address, this);
    }

    /** -Djsock.rudp.simTrace=true prints every datagram sent: for replaying a failing seed by eye. */
    static final boolean TRACE = Boolean.getBoolean("jsock.rudp.simTrace");

    static String describe(byte[] datagram) {
        try {
            org.jsock.rudp.wire.Packet p = org.jsock.rudp.wire.PacketCodec.decode(ByteBuffer.wrap(datagram));
            StringBuilder sb = new StringBuilder(p.type() + " #" + p.number());
            for (org.jsock.rudp.wire.Frame f : p.frames()) {
                switch (f) {
                    case org.jsock.rudp.wire.Frame.Stream st -> sb.append(" STREAM[").append(st.offset()).append('+').append(st.data().remaining()).append(st.fin() ? " FIN]" : "]");
                    case org.jsock.rudp.wire.Frame.Ack a -> sb.append(" ACK").append(a.ranges());
                    case org.jsock.rudp.wire.Frame.Padding pad -> { }
                    default -> sb.append(' ').append(f.getClass().getSimpleName());
                }
            }
            return sb.toString();
        } catch (Exception e) {
            return "undecodable " + datagram.length + " B";
        }
    }

    /** What the application does after every event (read what is ready, write more, close...). */
    void app(LongConsumer step) { this.app = step; }

    @Override public void onDatagram(long now, SockAddr from, ByteBuffer data) {
        endpoint.onDatagram(now, from, data);
        app.accept(now);
    }

    @Override public long nextTimer() { return endpoint.nextTimer(); }

    @Override public void onTimer(long now) {
        endpoint.onTimer(now);
        app.accept(now);
    }
}
