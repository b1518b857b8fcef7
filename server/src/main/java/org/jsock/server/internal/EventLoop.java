package org.jsock.server.internal;

import org.jsock.net.Poller;
import org.jsock.net.Socket;
import org.jsock.net.SocketClosedException;
import org.jsock.sys.ErrnoException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * One thread, one epoll poller, many connections.
 * <pre>
 *   loop:  timeout = tasks? 0 : next timer (or forever)
 *          poll(timeout) -> for each ready fd: listener -> accept a batch; connection -> read / flush
 *          run tasks handed over by other threads; run due timers
 * </pre>
 * Other threads talk to the loop only through {@link #execute}, which wakes it (an eventfd write,
 * made only when the loop sleeps). Everything else here is touched by the loop thread alone.
 */
public final class EventLoop implements Runnable {
    private static final int ACCEPT_BATCH = 64;

    final ServerContext ctx;
    final Poller poller;
    final Timers timers = new Timers();
    /** The loop's read buffer, lent to handlers for the length of onRead. */
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Socket> listeners = new ArrayList<>();
    final Set<LoopConnection> connections = new HashSet<>();
    private final ReserveFd reserve = new ReserveFd();
    private final CountDownLatch done = new CountDownLatch(1);
    /** Where accepted connections go: this loop, or (one acceptor) loops in turn. */
    private EventLoop[] targets = {this};
    private int next;
    private volatile boolean stopping;
    private Thread thread;

    public EventLoop(ServerContext ctx) throws IOException {
        this.ctx = ctx;
        this.poller = Poller.open();
    }

    /** Accepts on {@code listener} (non-blocking) and hands connections to {@code targets} in turn. */
    public void listen(Socket listener, EventLoop[] targets) throws IOException {
        listener.configureBlocking(false);
        this.targets = targets;
        listeners.add(listener);
        poller.add(listener.fd(), Poller.IN, listener);
    }

    public Thread start(String name) {
        thread = Thread.ofPlatform().name(name).start(this);
        return thread;
    }

    boolean inLoop() { return Thread.currentThread() == thread; }

    /** Runs {@code task} on the loop thread, soon. Safe from any thread. */
    public void execute(Runnable task) {
        tasks.add(task);
        poller.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!stopping || !connections.isEmpty() || !tasks.isEmpty()) {
                long now = System.nanoTime();
                int timeout = tasks.isEmpty() ? timers.timeoutMillis(now) : 0;
                if (stopping && (timeout < 0 || timeout > 100)) timeout = 100;
                int n;
                try {
                    n = poller.poll(timeout);
                } catch (IOException e) {
                    ctx.log("event loop: poll failed: " + e.getMessage());
                    break;
                }
                for (int i = 0; i < n; i++) {
                    Object a = poller.readyAttachment(i);
                    int ev = poller.readyEvents(i);
                    if (a instanceof LoopConnection c) c.onEvents(ev);
                    else if (a instanceof Socket l) acceptBatch(l);
                }
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    try {
                        t.run();
                    } catch (RuntimeException e) {
                        ctx.log("event loop: task failed: " + e);
                    }
                }
                timers.runDue(System.nanoTime());
            }
        } finally {
            for (LoopConnection c : new ArrayList<>(connections)) c.closeNow(null);
            for (Socket l : listeners) l.close();
            reserve.release();
            poller.close();
            done.countDown();
        }
    }

    private void acceptBatch(Socket listener) {
        for (int i = 0; i < ACCEPT_BATCH && !stopping; i++) {
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
                    }
                    return;
                }
                // ECONNABORTED, EPROTO, ...: that client is gone; the listener is fine.
                ctx.log("accept: " + e.getMessage());
                continue;
            } catch (IOException e) {
                ctx.log("accept: " + e.getMessage());
                return;
            }
            if (s == null) return;
            if (!ctx.admit()) {
                ctx.rejected.increment();
                ctx.log("connection from " + peerOf(s) + " refused: " + ctx.config.maxConnections() + " connections open (limit)");
                s.close();
                continue;
            }
            ctx.accepted.increment();
            EventLoop target = targets[next++ % targets.length];
            if (target == this) adopt(s);
            else target.execute(() -> target.adopt(s));
        }
    }

    private static String peerOf(Socket s) {
        try {
            return s.peerAddress().toString();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Takes ownership of an accepted socket: loop thread only. */
    void adopt(Socket s) {
        if (stopping) {
            s.close();
            ctx.release();
            return;
        }
        LoopConnection c;
        try {
            s.configureBlocking(false);
            Listeners.accepted(s);
            c = new LoopConnection(this, s, ctx.handlers.get());
            connections.add(c);
            poller.add(s.fd(), Poller.IN | Poller.RDHUP, c);
        } catch (IOException | RuntimeException e) {
            ctx.log("cannot set up connection: " + e.getMessage());
            s.close();
            ctx.release();
            return;
        }
        c.start();
    }

    /** Graceful stop: stop accepting, let each connection send what it has queued, then close. */
    public void shutdown() {
        execute(() -> {
            stopping = true;
            for (Socket l : listeners) {
                try {
                    poller.remove(l.fd());
                } catch (IOException ignored) {
                    // closing anyway
                }
                l.close();
            }
            for (LoopConnection c : new ArrayList<>(connections)) c.close();
        });
    }

    /** Closes every connection now. */
    public void forceClose() {
        execute(() -> {
            stopping = true;
            for (LoopConnection c : new ArrayList<>(connections)) c.closeNow(null);
        });
    }

    public boolean await(long millis) throws InterruptedException {
        return done.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public int connectionCount() {
        return connections.size();
    }
}
