package org.jsock.bench.rudp;

import org.jsock.net.Poller;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.rudp.RudpConfig;
import org.jsock.rudp.RudpListener;
import org.jsock.rudp.RudpSocket;
import org.jsock.rudp.impair.Impairment;
import org.jsock.rudp.impair.LinkStats;
import org.jsock.rudp.impair.Relay;
import org.jsock.rudp.wire.Cid;
import org.jsock.rudp.wire.Frame;
import org.jsock.rudp.wire.Packet;
import org.jsock.rudp.wire.PacketCodec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The anti-amplification limit, probed from outside: a plain UDP socket, which never completes a
 * handshake, sends an rudp server (through the relay) INITIAL packets without a token, as an attacker
 * spoofing a victim's address would, and counts what comes back. The server may answer at most three
 * times what it received (docs/rudp.md, "Anti-amplification").
 */
final class Amplification {
    /**
     * One kind of probe.
     *
     * @param ratio bytes received over bytes sent
     */
    record Probe(String kind, int datagramsSent, long bytesSent, int datagramsReceived, long bytesReceived,
                 long largestReply, double ratio, long relayUpBytes, long relayDownBytes) {}

    private Amplification() {}

    /** Sends {@code count} INITIALs of each kind, each from its own socket, and waits for the answers. */
    static List<Probe> run(Impairment link, long seed, int count) throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        return List.of(
                probe("token-less INITIAL, 1200 B", link, seed, count, random, RudpConfig.VERSION_1, 1200),
                probe("token-less INITIAL, 1000 B (below the minimum)", link, seed + 1, count, random, RudpConfig.VERSION_1, 1000),
                probe("INITIAL of an unknown version (0x1a2a3a4a), 1200 B", link, seed + 2, count, random, 0x1a2a3a4a, 1200));
    }

    private static Probe probe(String kind, Impairment link, long seed, int count, SplittableRandom random, int version,
                               int length) throws IOException, InterruptedException {
        try (RudpListener server = RudpSocket.listen(SockAddr.Inet4.loopback(0));
             Relay relay = Relay.start(SockAddr.Inet4.loopback(0), server.localAddress(), link, seed);
             Poller poller = Poller.open()) {
            Socket[] sockets = new Socket[count];
            long sent = 0;
            try {
                for (int i = 0; i < count; i++) {
                    sockets[i] = KcpRun.udpSocket();
                    poller.add(sockets[i].fd(), Poller.IN, sockets[i]);
                    byte[] initial = initial(random, version, length);
                    sent += sockets[i].sendTo(ByteBuffer.wrap(initial), relay.localAddress());
                }
                // The base link's round trip is 30 ms: a second is ample for every answer (and for none).
                int received = 0;
                long receivedBytes = 0, largest = 0;
                long until = System.nanoTime() + 1_000_000_000L;
                ByteBuffer in = ByteBuffer.allocateDirect(65_536);
                while (System.nanoTime() < until) {
                    int n = poller.poll((int) Math.max(1, (until - System.nanoTime()) / 1_000_000));
                    for (int i = 0; i < n; i++) {
                        Socket s = (Socket) poller.readyAttachment(i);
                        while (true) {
                            in.clear();
                            if (s.recvFrom(in) == null) break;
                            received++;
                            receivedBytes += in.position();
                            largest = Math.max(largest, in.position());
                        }
                    }
                }
                LinkStats up = relay.upstreamStats(), down = relay.downstreamStats();
                return new Probe(kind, count, sent, received, receivedBytes, largest, receivedBytes / (double) sent,
                        up.bytesOffered(), down.bytesOffered());
            } finally {
                for (Socket s : sockets) if (s != null) s.close();
            }
        }
    }

    /** An INITIAL as a client's first datagram: fresh CIDs, no token, packet 0, PARAMS, padded to {@code length}. */
    static byte[] initial(SplittableRandom random, int version, int length) {
        RudpConfig c = RudpConfig.defaults();
        Frame.Params params = new Frame.Params((int) c.idleTimeout().toMillis(), c.receiveWindow(), c.maxDatagramSize(),
                (int) c.maxAckDelay().toMillis());
        Packet p = Packet.initial(version, Cid.random(random), Cid.random(random), new byte[0], 0, List.of(params));
        return PacketCodec.encode(PacketCodec.padded(p, length));
    }
}
