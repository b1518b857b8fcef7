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
            net.send(address, to, copy, 0, copy.length);
        });
        net.attach(address, this);
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
