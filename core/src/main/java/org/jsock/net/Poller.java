package org.jsock.net;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.Sys;

import java.io.IOException;

/**
 * Waits for readiness on many file descriptors at once: epoll (the default), or poll(2) for
 * comparison and for systems where epoll is not wanted.
 *
 * <p>Event bits are the same for both: {@link #IN}, {@link #OUT}, {@link #ERR}, {@link #HUP},
 * {@link #RDHUP}. After {@link #poll} returns n, entries 0..n-1 are read with {@link #readyFd},
 * {@link #readyEvents} and {@link #readyAttachment}.
 *
 * <p>Threading: one thread polls and changes registrations; {@link #wakeup} may be called from any
 * thread, and writes to the poller's eventfd only when the poller is blocked (or about to block).
 */
public interface Poller extends AutoCloseable {
    int IN = Sys.EPOLLIN;
    int OUT = Sys.EPOLLOUT;
    int ERR = Sys.EPOLLERR;
    int HUP = Sys.EPOLLHUP;
    int RDHUP = Sys.EPOLLRDHUP;

    /** An epoll poller. */
    static Poller open() throws IOException { return new EpollPoller(1024); }

    /** A poll(2) poller. */
    static Poller openPoll() throws IOException { return new PollPoller(); }

    /** Starts watching {@code fd} for {@code events}; {@code attachment} comes back with its readiness. */
    void add(int fd, int events, Object attachment) throws IOException;

    void modify(int fd, int events) throws IOException;

    /** Stops watching {@code fd}. Call before closing it. */
    void remove(int fd) throws IOException;

    /** Waits up to {@code timeoutMillis} (-1: forever, 0: not at all); returns how many fds are ready. */
    int poll(int timeoutMillis) throws IOException;

    int readyFd(int i);

    int readyEvents(int i);

    Object readyAttachment(int i);

    /** Makes the current or next poll return at once. Safe from any thread. */
    void wakeup();

    @Override
    void close();

    /** Shared by both pollers: an eventfd that wakes them, written only while they sleep. */
    final class Waker {
        final int fd;
        private volatile boolean sleeping;
        private volatile boolean requested;
        private final java.lang.foreign.MemorySegment one = java.lang.foreign.Arena.ofAuto().allocate(8, 8);
        private final java.lang.foreign.MemorySegment drain = java.lang.foreign.Arena.ofAuto().allocate(8, 8);

        Waker() throws ErrnoException {
            fd = Sys.eventfd(0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK);
            one.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 1L);
        }

        /** Called before blocking: returns the timeout to use (0 when a wakeup is already pending). */
        int beforeSleep(int timeout) {
            sleeping = true;
            return requested ? 0 : timeout;
        }

        /**
         * Called after waking. Clears the request first, then drains whenever the eventfd was
         * reported, so a wakeup is neither lost nor left behind to make every later poll return.
         */
        void afterSleep(boolean fdReady) throws ErrnoException {
            sleeping = false;
            requested = false;
            if (fdReady) Sys.read(fd, drain, 8);
        }

        void wakeup() {
            if (requested) return;
            requested = true;
            if (sleeping) {
                try {
                    Sys.write(fd, one, 8);
                } catch (ErrnoException e) {
                    // EAGAIN: the counter is already non-zero, so the poller wakes anyway.
                }
            }
        }

        void close() {
            try {
                Sys.close(fd);
            } catch (ErrnoException ignored) {
                // closing a valid eventfd does not fail
            }
        }
    }
}
