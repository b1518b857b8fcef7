package org.jsock.server.internal;

import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.server.Model;
import org.jsock.sys.ErrnoException;

import java.io.IOException;
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
    private final Set<BlockingConnection> live = ConcurrentHashMap.newKeySet();
    private final ReserveFd reserve = new ReserveFd();
    private final Thread acceptor;
    private final CountDownLatch acceptorDone = new CountDownLatch(1);
    private volatile boolean stopping;

    public BlockingEngine(ServerContext ctx, Model model) throws IOException {
        this.ctx = ctx;
        this.model = model;
        this.listener = Listeners.open(ctx.config.bind(), ctx.config.backlog(), false);
        this.address = Listeners.withPort(ctx.config.bind(), listener);
        try {
            this.parker = model == Model.VIRTUAL ? new VirtualParker() : null;
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        acceptor = Thread.ofPlatform().name("jsock-acceptor").start(this::acceptLoop);
    }

    @Override public SockAddr address() { return address; }

    private void acceptLoop() {
        try {
            while (!stopping) {
                Socket s;
                try {
                    s = listener.accept();
                } catch (SocketClosedException e) {
                    return;
                } catch (ErrnoException e) {
                    if (e.is("EMFILE") || e.is("ENFILE")) {
                        if (reserve.shed(listener)) {
                            ctx.rejected.increment();
                            ctx.log("out of file descriptors (" + e.error().name() + "): closed a new connection at once");
                        } else {
                            sleep(10);
                        }
                    } else if (!stopping) {
                        ctx.log("accept: " + e.getMessage());
                    }
                    continue;
                } catch (IOException e) {
                    if (!stopping) ctx.log("accept: " + e.getMessage());
                    continue;
                }
                SockAddr peer;
                try {
                    peer = s.peerAddress();
                } catch (IOException e) {
                    s.close();
                    continue;
                }
                if (!ctx.admit()) {
                    ctx.rejected.increment();
                    ctx.log("connection from " + peer + " refused: " + ctx.config.maxConnections() + " connections open (limit)");
                    s.close();
                    continue;
                }
                ctx.accepted.increment();
                BlockingConnection c = new BlockingConnection(ctx, s, ctx.handlers.get(), parker, peer);
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
        } finally {
            acceptorDone.countDown();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void shutdown(Duration drain) throws InterruptedException {
        stopping = true;
        listener.close(); // wakes the acceptor
        // Blocked reads return EOF: handlers finish as if each client had closed its side.
        for (BlockingConnection c : live) c.stopReading();
        long end = System.nanoTime() + drain.toNanos();
        while (!live.isEmpty() && System.nanoTime() < end) Thread.sleep(10);
        for (BlockingConnection c : live) c.forceClose();
        acceptorDone.await(5, TimeUnit.SECONDS);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!live.isEmpty() && System.nanoTime() < until) Thread.sleep(10);
        reserve.release();
        if (parker != null) parker.close();
    }
}
