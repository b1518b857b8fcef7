package org.jsock.server.internal;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.server.Model;
import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * ITERATIVE, THREADS and VIRTUAL: an acceptor thread in a blocking accept loop; each connection runs
 * in the acceptor itself (ITERATIVE), on a new platform thread (THREADS) or on a new virtual thread
 * (VIRTUAL, sockets non-blocking and parked on a {@link VirtualParker}).
 */
public final class BlockingEngine implements Engine {
    private final ServerContext ctx;
    private final Model model;
    private final Socket listener;
    private final SockAddr address;
    private final VirtualParker parker;
    /** Becomes readable, and stays so, when the server stops: every reader waiting in poll wakes. */
    private final int stopFd;
    private final Set<BlockingConnection> live = ConcurrentHashMap.newKeySet();
    private final ReserveFd reserve = new ReserveFd();
    private final Thread acceptor;
    private final CountDownLatch acceptorDone = new CountDownLatch(1);
    private volatile boolean stopping;

    public BlockingEngine(ServerContext ctx, Model model) throws IOException {
        this.ctx = ctx;
        this.model = model;
        this.listener = Listeners.open(ctx.config.bind(), ctx.config.backlog(), false);
        VirtualParker p = null;
        int efd = -1;
        try {
            this.address = Listeners.withPort(ctx.config.bind(), listener);
            efd = Sys.eventfd(0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK);
            if (model == Model.VIRTUAL) p = new VirtualParker();
        } catch (IOException | RuntimeException e) {
            listener.close();
            if (efd >= 0) Sys.close(efd);
            reserve.release();
            throw e;
        }
        this.stopFd = efd;
        this.parker = p;
        acceptor = Thread.ofPlatform().name("jsock-acceptor").start(this::acceptLoop);
    }

    @Override public SockAddr address() { return address; }

    private void acceptLoop() {
        try {
            while (!stopping) {
                Socket s;
                try {
                    s = accept();
                } catch (SocketClosedException e) {
                    return;
                }
                if (s != null) serve(s);
            }
        } finally {
            acceptorDone.countDown();
        }
    }

    /** One accepted socket, or null after an error that concerned one client or no client. */
    private Socket accept() throws SocketClosedException {
        try {
            return listener.accept();
        } catch (SocketClosedException e) {
            throw e;
        } catch (ErrnoException e) {
            if (e.is("EMFILE") || e.is("ENFILE")) return outOfFds(e);
            if (!stopping) ctx.log("accept: " + e.getMessage()); // ECONNABORTED: that client is gone
            return null;
        } catch (IOException e) {
            if (!stopping) ctx.log("accept: " + e.getMessage());
            return null;
        }
    }

    /**
     * accept(2) takes its fd before it waits, so EMFILE says nothing about a client. Wait (poll needs
     * no fd) until one is pending, try again, and if fds are still short, shed that one client with
     * the spare fd rather than spin on it.
     */
    private Socket outOfFds(ErrnoException first) throws SocketClosedException {
        try {
            if (!listener.await(Sys.POLLIN, Duration.ofMillis(100))) return null;
            return listener.accept();
        } catch (SocketClosedException e) {
            throw e;
        } catch (ErrnoException e) {
            if ((e.is("EMFILE") || e.is("ENFILE")) && shedPending()) {
                ctx.rejected.increment();
                ctx.log("out of file descriptors (" + e.error().name() + "): closed a new connection at once");
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Sheds the pending client, without blocking if it has gone meanwhile. */
    private boolean shedPending() {
        try {
            listener.configureBlocking(false);
            try {
                return reserve.shed(listener);
            } finally {
                listener.configureBlocking(true);
            }
        } catch (IOException e) {
            return false;
        }
    }

    private void serve(Socket s) {
        SockAddr peer;
        try {
            peer = s.peerAddress();
        } catch (IOException e) {
            s.close();
            return;
        }
        if (!ctx.admit()) {
            ctx.rejected.increment();
            ctx.log("connection from " + peer + " refused: " + ctx.config.maxConnections() + " connections open (limit)");
            s.close();
            return;
        }
        ctx.accepted.increment();
        BlockingConnection c;
        try {
            Listeners.accepted(s);
            c = new BlockingConnection(ctx, s, ctx.handlers.get(), parker, stopFd, peer);
        } catch (IOException | RuntimeException e) {
            ctx.log("cannot set up connection: " + e);
            s.close();
            ctx.release();
            return;
        }
        live.add(c);
        Runnable r = () -> {
            try {
                c.run();
            } finally {
                live.remove(c);
            }
        };
        switch (model) {
            case ITERATIVE -> r.run();
            case THREADS -> Thread.ofPlatform().name("jsock-conn-" + peer).start(r);
            case VIRTUAL -> Thread.ofVirtual().name("jsock-vconn-" + peer).start(r);
            default -> throw new IllegalStateException(model.toString());
        }
    }

    @Override
    public void shutdown(Duration drain) throws InterruptedException {
        stopping = true;
        listener.close(); // wakes the acceptor
        signalStop();
        for (BlockingConnection c : live) c.stop();
        long end = System.nanoTime() + drain.toNanos();
        while (!live.isEmpty() && System.nanoTime() < end) Thread.sleep(10);
        for (BlockingConnection c : live) c.forceClose();
        acceptorDone.await(5, TimeUnit.SECONDS);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!live.isEmpty() && System.nanoTime() < until) Thread.sleep(10);
        reserve.release();
        if (parker != null) parker.close();
        try {
            Sys.close(stopFd);
        } catch (ErrnoException ignored) {
            // nothing to do
        }
    }

    private void signalStop() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(8, 8);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            Sys.write(stopFd, one, 8);
        } catch (ErrnoException e) {
            ctx.log("cannot signal stop: " + e.getMessage());
        }
    }
}
