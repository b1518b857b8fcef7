package org.jsock.net;

import org.jsock.sys.Sys;
import org.jsock.sys.epoll_event;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** {@link Poller} on epoll: level-triggered, the fd itself stored in {@code data}. */
final class EpollPoller implements Poller {
    private final Arena arena = Arena.ofShared();
    private final int epfd;
    private final Waker waker;
    private final int max;
    private final MemorySegment events;
    /** One event for epoll_ctl. Guarded by this (registrations may come from other threads). */
    private final MemorySegment ctl;
    /** Attachments by fd. Guarded by this for writes; read by the polling thread. */
    private volatile Object[] attachments = new Object[256];
    private int ready;
    private boolean closed;

    EpollPoller(int max) throws IOException {
        this.max = max;
        this.events = arena.allocate((long) epoll_event.SIZEOF * max, 8);
        this.ctl = arena.allocate(epoll_event.SIZEOF, 8);
        this.epfd = Sys.epoll_create1(Sys.EPOLL_CLOEXEC);
        try {
            this.waker = new Waker();
            ctl(Sys.EPOLL_CTL_ADD, waker.fd, IN);
        } catch (IOException e) {
            Sys.close(epfd);
            throw e;
        }
    }

    private synchronized void ctl(int op, int fd, int ev) throws IOException {
        epoll_event e = epoll_event.at(ctl);
        e.events(ev);
        e.data_fd(fd);
        Sys.epoll_ctl(epfd, op, fd, ctl);
    }

    @Override
    public synchronized void add(int fd, int ev, Object attachment) throws IOException {
        Object[] a = attachments;
        if (fd >= a.length) a = attachments = Arrays.copyOf(a, Math.max(fd + 1, a.length * 2));
        Object before = a[fd];
        a[fd] = attachment;
        try {
            ctl(Sys.EPOLL_CTL_ADD, fd, ev);
        } catch (IOException e) {
            a[fd] = before; // EEXIST: the registration that exists keeps its attachment
            throw e;
        }
    }

    @Override
    public void modify(int fd, int ev) throws IOException {
        ctl(Sys.EPOLL_CTL_MOD, fd, ev);
    }

    @Override
    public synchronized void remove(int fd) throws IOException {
        Sys.epoll_ctl(epfd, Sys.EPOLL_CTL_DEL, fd, MemorySegment.NULL);
        if (fd < attachments.length) attachments[fd] = null;
    }

    @Override
    public int poll(int timeoutMillis) throws IOException {
        int t = waker.beforeSleep(timeoutMillis);
        int n = Sys.epoll_wait(epfd, events, max, t);
        // The waker's own entry is taken out of the ready set.
        boolean woke = false;
        int out = 0;
        for (int i = 0; i < n; i++) {
            if ((int) epoll_event.data(events, i) == waker.fd) {
                woke = true;
                continue;
            }
            if (out != i) {
                MemorySegment.copy(events, (long) epoll_event.SIZEOF * i, events, (long) epoll_event.SIZEOF * out, epoll_event.SIZEOF);
            }
            out++;
        }
        waker.afterSleep(woke);
        return ready = out;
    }

    @Override public int readyFd(int i) { return (int) epoll_event.data(events, check(i)); }

    @Override public int readyEvents(int i) { return epoll_event.events(events, check(i)); }

    @Override public Object readyAttachment(int i) {
        int fd = readyFd(i);
        Object[] a = attachments;
        return fd < a.length ? a[fd] : null;
    }

    private int check(int i) {
        if (i < 0 || i >= ready) throw new IndexOutOfBoundsException("ready entry " + i + " of " + ready);
        return i;
    }

    @Override public void wakeup() { waker.wakeup(); }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        waker.close();
        try {
            Sys.close(epfd);
        } catch (IOException ignored) {
            // nothing to do
        }
        arena.close();
    }
}
