package org.jsock.server.internal;

import org.jsock.net.Poller;
import org.jsock.sys.Sys;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Parks virtual threads until their socket is ready. A blocking native call would pin the virtual
 * thread's carrier, so the VIRTUAL model runs sockets non-blocking: on EAGAIN the thread registers
 * its fd here (EPOLLONESHOT) and parks; one platform thread waits in epoll and unparks it. Ten
 * thousand idle connections are ten thousand parked virtual threads and one epoll set.
 */
final class VirtualParker implements AutoCloseable {
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean fired;
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
                if (poller.readyAttachment(i) instanceof Waiter w) {
                    w.fired = true;
                    LockSupport.unpark(w.thread);
                }
            }
        }
    }

    /**
     * Parks until {@code fd} is ready for {@code events} (Poller.IN / OUT), or {@code timeoutNanos}
     * pass (0: no limit). Returns false on timeout.
     */
    boolean await(int fd, int events, long timeoutNanos) throws IOException {
        Waiter w = new Waiter();
        poller.add(fd, events | Poller.RDHUP | Sys.EPOLLONESHOT, w);
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            while (!w.fired) {
                if (timeoutNanos == 0) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) return false;
                    LockSupport.parkNanos(this, left);
                }
                if (closed) throw new IOException("server stopped");
            }
            return true;
        } finally {
            poller.remove(fd);
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
