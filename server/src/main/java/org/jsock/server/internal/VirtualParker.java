package org.jsock.server.internal;

import org.jsock.net.Poller;
import org.jsock.sys.Sys;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Parks virtual threads until their socket is ready. A blocking native call would pin the virtual
 * thread's carrier, so the VIRTUAL model runs sockets non-blocking: on EAGAIN the thread registers
 * its fd here (EPOLLONESHOT) and parks; one platform thread waits in epoll and unparks it. Ten
 * thousand idle connections are ten thousand parked virtual threads and one epoll set.
 */
final class VirtualParker implements AutoCloseable {
    static final int READY = 0;
    static final int TIMEOUT = 1;
    static final int ABORTED = 2;

    /**
     * One connection's place in the epoll set: added at its first wait, re-armed (EPOLLONESHOT, one
     * epoll_ctl MOD) at each later one, removed by {@link #release} before the socket closes. A wait
     * used to cost an ADD and a DEL.
     */
    static final class Registration {
        final int fd;
        volatile Thread thread;
        volatile boolean fired;
        boolean added;

        Registration(int fd) {
            this.fd = fd;
        }
    }

    private final Poller poller;
    private final Thread thread;
    private volatile boolean closed;

    VirtualParker() throws IOException {
        poller = Poller.open();
        thread = Thread.ofPlatform().daemon(true).name("jsock-virtual-parker").start(this::run);
    }

    private void run() {
        while (!closed) {
            int n;
            try {
                n = poller.poll(-1);
            } catch (IOException e) {
                if (!closed) System.err.println("jsock: virtual parker: " + e.getMessage());
                return;
            }
            for (int i = 0; i < n; i++) {
                if (poller.readyAttachment(i) instanceof Registration r) {
                    r.fired = true;
                    Thread t = r.thread;
                    if (t != null) LockSupport.unpark(t);
                }
            }
        }
    }

    /**
     * Parks until the registration's fd is ready for {@code events} (Poller.IN or OUT), {@code
     * timeoutNanos} pass (0: no limit), or {@code abort} turns true (checked whenever the thread is
     * unparked: whoever sets it unparks the thread). Returns READY, TIMEOUT or ABORTED. One wait at a
     * time per registration (the connection's own thread).
     */
    int await(Registration r, int events, long timeoutNanos, BooleanSupplier abort) throws IOException {
        if (abort.getAsBoolean()) return ABORTED;
        r.thread = Thread.currentThread();
        r.fired = false;
        // RDHUP only while reading: a peer's half-close must not wake a writer again and again.
        int ev = ((events & Poller.IN) != 0 ? events | Poller.RDHUP : events) | Sys.EPOLLONESHOT;
        if (r.added) {
            poller.modify(r.fd, ev);
        } else {
            poller.add(r.fd, ev, r);
            r.added = true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while (!r.fired) {
            if (abort.getAsBoolean() || closed) return ABORTED;
            if (timeoutNanos == 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) return TIMEOUT;
                LockSupport.parkNanos(this, left);
            }
        }
        return READY;
    }

    /** Takes the fd out of the epoll set; call before closing the socket. */
    void release(Registration r) {
        if (!r.added) return;
        r.added = false;
        try {
            poller.remove(r.fd);
        } catch (IOException ignored) {
            // the fd was closed under us (a forced close): it left the epoll set by itself
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.wakeup();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller.close();
    }
}
