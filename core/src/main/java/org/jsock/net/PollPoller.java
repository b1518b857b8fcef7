package org.jsock.net;

import org.jsock.sys.Sys;
import org.jsock.sys.pollfd;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Poller} on poll(2): the classic interface, one array of pollfd scanned on every call. Kept
 * as the fallback and to compare against epoll; registrations are guarded by this.
 */
final class PollPoller implements Poller {
    private final Waker waker;
    private final Map<Integer, Integer> interest = new HashMap<>();
    private final Map<Integer, Object> attachments = new HashMap<>();
    private MemorySegment fds = MemorySegment.NULL;
    private Arena arena = Arena.ofShared();
    private final List<int[]> readyList = new ArrayList<>();
    private boolean closed;

    PollPoller() throws IOException {
        waker = new Waker();
    }

    @Override public synchronized void add(int fd, int events, Object attachment) throws IOException {
        if (interest.containsKey(fd)) throw new org.jsock.sys.ErrnoException("poll add", Sys.EEXIST);
        interest.put(fd, events);
        attachments.put(fd, attachment);
    }

    @Override public synchronized void modify(int fd, int events) throws IOException {
        if (!interest.containsKey(fd)) throw new org.jsock.sys.ErrnoException("poll modify", Sys.ENOENT);
        interest.put(fd, events);
    }

    @Override public synchronized void remove(int fd) throws IOException {
        if (interest.remove(fd) == null) throw new org.jsock.sys.ErrnoException("poll remove", Sys.ENOENT);
        attachments.remove(fd);
    }

    @Override
    public int poll(int timeoutMillis) throws IOException {
        int n;
        int[] order;
        synchronized (this) {
            n = interest.size() + 1;
            if (fds.byteSize() < (long) pollfd.SIZEOF * n) {
                arena.close();
                arena = Arena.ofShared();
                fds = arena.allocate((long) pollfd.SIZEOF * n * 2, 8);
            }
            order = new int[n];
            order[0] = waker.fd;
            int i = 1;
            for (int fd : interest.keySet()) order[i++] = fd;
            for (i = 0; i < n; i++) {
                long off = (long) pollfd.SIZEOF * i;
                fds.set(ValueLayout.JAVA_INT, off, order[i]);
                // poll always reports ERR and HUP; asking for them is harmless.
                fds.set(ValueLayout.JAVA_SHORT, off + 4, (short) (i == 0 ? IN : interest.get(order[i])));
                fds.set(ValueLayout.JAVA_SHORT, off + 6, (short) 0);
            }
        }
        int t = waker.beforeSleep(timeoutMillis);
        Sys.poll(fds, n, t);
        readyList.clear();
        boolean woke = false;
        for (int i = 0; i < n; i++) {
            int rev = Short.toUnsignedInt(fds.get(ValueLayout.JAVA_SHORT, (long) pollfd.SIZEOF * i + 6));
            if (rev == 0) continue;
            if (i == 0) woke = true;
            else readyList.add(new int[] {order[i], rev});
        }
        waker.afterSleep(woke);
        return readyList.size();
    }

    @Override public int readyFd(int i) { return readyList.get(i)[0]; }

    @Override public int readyEvents(int i) { return readyList.get(i)[1]; }

    @Override public synchronized Object readyAttachment(int i) { return attachments.get(readyFd(i)); }

    @Override public void wakeup() { waker.wakeup(); }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        waker.close();
        arena.close();
    }
}
