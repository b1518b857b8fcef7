package org.jsock.server.internal;

import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.SockOpt;
import org.jsock.net.Socket;

import java.io.IOException;

/** Listening sockets as the server wants them: SO_REUSEADDR, optional SO_REUSEPORT, dual-stack [::]. */
final class Listeners {
    private Listeners() {}

    static Socket open(SockAddr addr, int backlog, boolean reusePort) throws IOException {
        Socket s = Socket.tcp(addr.family());
        try {
            if (addr.family() != Family.UNIX) s.set(SockOpt.SO_REUSEADDR, true);
            if (reusePort) s.set(SockOpt.SO_REUSEPORT, true);
            if (addr instanceof SockAddr.Inet6 a && isAny(a)) s.set(SockOpt.IPV6_V6ONLY, false);
            s.bind(addr);
            s.listen(backlog);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static boolean isAny(SockAddr.Inet6 a) {
        for (byte b : a.address()) if (b != 0) return false;
        return true;
    }

    /**
     * Settings every accepted connection gets: TCP_NODELAY on TCP, as Netty does, so a small reply
     * is not held back by Nagle while the peer delays its ACK. Unix sockets have nothing to set.
     */
    static void accepted(Socket s) throws IOException {
        if (s.family() != Family.UNIX) s.set(SockOpt.TCP_NODELAY, true);
    }

    /** The bound address with the port the kernel chose, so more listeners can share it. */
    static SockAddr withPort(SockAddr requested, Socket bound) throws IOException {
        return requested.family() == Family.UNIX ? requested : bound.localAddress();
    }
}
