package org.jsock.sys;

import org.jsock.sys.internal.Platform;
import org.jsock.testing.CProgram;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.jsock.sys.Sys.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * epoll, eventfd and timerfd at the system-call level, as a C program would use them, and the
 * layout of {@code struct epoll_event} against what gcc says.
 */
@ExtendWith(FdLeakCheck.class)
class EpollTest {
    private final List<Integer> fds = new ArrayList<>();
    private final Arena arena = Arena.ofConfined();

    private int track(int fd) {
        fds.add(fd);
        return fd;
    }

    @AfterEach
    void closeAll() {
        for (int i = fds.size() - 1; i >= 0; i--) {
            try {
                Sys.close(fds.get(i));
            } catch (ErrnoException ignored) {
                // closed by the test itself
            }
        }
        arena.close();
    }

    private int epoll() throws ErrnoException {
        return track(epoll_create1(EPOLL_CLOEXEC));
    }

    /** A connected AF_UNIX stream pair, both ends tracked. */
    private int[] pair() throws ErrnoException {
        int[] sv = new int[2];
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv);
        track(sv[0]);
        track(sv[1]);
        return sv;
    }

    private void add(int epfd, int fd, int events, long data) throws ErrnoException {
        ctl(epfd, EPOLL_CTL_ADD, fd, events, data);
    }

    private void ctl(int epfd, int op, int fd, int events, long data) throws ErrnoException {
        epoll_event ev = new epoll_event(arena);
        ev.events(events);
        ev.data_u64(data);
        epoll_ctl(epfd, op, fd, ev);
    }

    private static void send(int fd, String s) throws ErrnoException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(b.length, write(fd, b, b.length));
    }

    // ---- struct epoll_event ----------------------------------------------------------------------

    @Test
    void epollEventSizeAndDataOffsetMatchGcc() throws Exception {
        Map<String, String> c = CProgram.lines(CProgram.run("epoll_event_layout", """
                #include <sys/epoll.h>
                #include <stddef.h>
                #include <stdio.h>
                #include <string.h>
                int main(void) {
                    struct epoll_event ev;
                    memset(&ev, 0, sizeof ev);
                    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
                    ev.data.u64 = 0x1122334455667788ULL;
                    printf("sizeof %zu\\n", sizeof(struct epoll_event));
                    printf("offsetof.events %zu\\n", offsetof(struct epoll_event, events));
                    printf("offsetof.data %zu\\n", offsetof(struct epoll_event, data));
                    struct epoll_event arr[2];
                    printf("array.stride %zu\\n", (size_t) ((char *) &arr[1] - (char *) &arr[0]));
                    const unsigned char *b = (const unsigned char *) &ev;
                    printf("bytes ");
                    for (size_t i = 0; i < sizeof ev; i++) printf("%02x", b[i]);
                    printf("\\n");
                    return 0;
                }
                """));
        assertEquals(Integer.parseInt(c.get("sizeof")), epoll_event.SIZEOF, "sizeof(struct epoll_event)");
        assertEquals(Integer.parseInt(c.get("array.stride")), epoll_event.SIZEOF, "stride of struct epoll_event[]");
        assertEquals(Integer.parseInt(c.get("offsetof.events")), 0);
        assertEquals(Integer.parseInt(c.get("offsetof.data")), epoll_event.DATA_OFFSET, "offsetof(struct epoll_event, data)");
        if (Platform.ARCH == Platform.Arch.X86_64) {
            assertEquals(12, epoll_event.SIZEOF, "packed on x86_64");
            assertEquals(4, epoll_event.DATA_OFFSET);
        }

        epoll_event ev = new epoll_event(arena);
        ev.events(EPOLLIN | EPOLLOUT | EPOLLET);
        ev.data_u64(0x1122334455667788L);
        assertEquals(c.get("bytes"), HexFormat.of().formatHex(ev.bytes()), "the same struct, byte for byte");
        assertEquals(0x55667788, ev.data_fd(), "data.fd is the low half of data.u64");
    }

    @Test
    void waitFillsAContiguousArrayAtTheRightStride() throws Exception {
        int ep = epoll();
        int[] a = pair();
        int[] b = pair();
        add(ep, a[0], EPOLLIN, 0xA0A0A0A0_00000001L);
        add(ep, b[0], EPOLLIN, 0xB0B0B0B0_00000002L);
        send(a[1], "a");
        send(b[1], "b");
        epoll_event[] evs = epoll_event.array(4);
        assertEquals(2, epoll_wait(ep, evs, 4, 1000));
        long d0 = evs[0].data_u64();
        long d1 = evs[1].data_u64();
        assertTrue((d0 == 0xA0A0A0A0_00000001L && d1 == 0xB0B0B0B0_00000002L) || (d1 == 0xA0A0A0A0_00000001L && d0 == 0xB0B0B0B0_00000002L),
                Long.toHexString(d0) + " " + Long.toHexString(d1));
        assertEquals(EPOLLIN, evs[0].events() & EPOLLIN);
        assertEquals(EPOLLIN, evs[1].events() & EPOLLIN);
        // The raw-memory accessors read the same array.
        assertEquals(d1, epoll_event.data(evs[0].segment().reinterpret(epoll_event.SIZEOF * 4L), 1));

        epoll_event[] scattered = {new epoll_event(arena), new epoll_event(arena)};
        assertThrows(IllegalArgumentException.class, () -> epoll_wait(ep, scattered, 2, 0), "separately allocated structs are not an array");
    }

    // ---- epoll -------------------------------------------------------------------------------------

    @Test
    void epollCreate1SetsCloexec() throws Exception {
        int ep = epoll();
        assertNotEquals(0, fcntl(ep, F_GETFD) & FD_CLOEXEC);
    }

    @Test
    void levelTriggeredReadinessReportsInOutAndTheData() throws Exception {
        int ep = epoll();
        int[] p = pair();
        add(ep, p[0], EPOLLIN, 42);
        epoll_event[] evs = epoll_event.array(4);
        assertEquals(0, epoll_wait(ep, evs, 4, 0), "nothing to read yet");

        send(p[1], "x");
        assertEquals(1, epoll_wait(ep, evs, 4, 1000));
        assertEquals(EPOLLIN, evs[0].events());
        assertEquals(42, evs[0].data_u64());
        assertEquals(1, epoll_wait(ep, evs, 4, 0), "level-triggered: still readable");

        ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLOUT, 43);
        assertEquals(1, epoll_wait(ep, evs, 4, 0));
        assertEquals(EPOLLOUT, evs[0].events(), "only what is asked for (ERR and HUP aside)");
        assertEquals(43, evs[0].data_u64());

        epoll_ctl(ep, EPOLL_CTL_DEL, p[0], MemorySegment.NULL);
        assertEquals(0, epoll_wait(ep, evs, 4, 0), "removed");
    }

    @Test
    void waitSleepsForItsTimeout() throws Exception {
        int ep = epoll();
        epoll_event[] evs = epoll_event.array(1);
        long t0 = System.nanoTime();
        assertEquals(0, epoll_wait(ep, evs, 1, 150));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 140 && ms < 1000, "waited " + ms + " ms");
    }

    @Test
    void hangupOfThePeerIsReportedWithoutBeingAskedFor() throws Exception {
        int ep = epoll();
        int[] p = pair();
        add(ep, p[0], EPOLLRDHUP, 7);
        Sys.close(p[1]);
        fds.remove(Integer.valueOf(p[1]));
        epoll_event[] evs = epoll_event.array(1);
        assertEquals(1, epoll_wait(ep, evs, 1, 1000));
        int ev = evs[0].events();
        assertEquals(EPOLLHUP, ev & EPOLLHUP, "HUP: " + Integer.toHexString(ev));
        assertEquals(EPOLLRDHUP, ev & EPOLLRDHUP, "RDHUP: " + Integer.toHexString(ev));
    }

    @Test
    void oneShotReportsOnceUntilRearmed() throws Exception {
        int ep = epoll();
        int[] p = pair();
        add(ep, p[0], EPOLLIN | EPOLLONESHOT, 1);
        send(p[1], "x");
        epoll_event[] evs = epoll_event.array(1);
        assertEquals(1, epoll_wait(ep, evs, 1, 1000));
        assertEquals(0, epoll_wait(ep, evs, 1, 0), "disarmed after one report");
        ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 2);
        assertEquals(1, epoll_wait(ep, evs, 1, 0), "re-armed, and the byte is still there");
        assertEquals(2, evs[0].data_u64());
    }

    @Test
    void edgeTriggeredReportsOnlyNewData() throws Exception {
        int ep = epoll();
        int[] p = pair();
        add(ep, p[0], EPOLLIN | EPOLLET, 1);
        send(p[1], "x");
        epoll_event[] evs = epoll_event.array(1);
        assertEquals(1, epoll_wait(ep, evs, 1, 1000));
        assertEquals(0, epoll_wait(ep, evs, 1, 0), "no new edge");
        send(p[1], "y");
        assertEquals(1, epoll_wait(ep, evs, 1, 1000), "new data is a new edge");
    }

    @Test
    void maxeventsBoundsOneBatch() throws Exception {
        int ep = epoll();
        for (int i = 0; i < 3; i++) {
            int[] p = pair();
            add(ep, p[0], EPOLLIN, i);
            send(p[1], "x");
        }
        epoll_event[] evs = epoll_event.array(3);
        assertEquals(2, epoll_wait(ep, evs, 2, 1000));
        assertEquals(3, epoll_wait(ep, evs, 3, 1000));
        assertThrows(IndexOutOfBoundsException.class, () -> epoll_wait(ep, evs, 4, 0), "maxevents beyond the array");
    }

    @Test
    void ctlErrorsNameTheirErrno() throws Exception {
        int ep = epoll();
        int[] p = pair();
        add(ep, p[0], EPOLLIN, 0);
        ErrnoException e = assertThrows(ErrnoException.class, () -> add(ep, p[0], EPOLLIN, 0));
        assertEquals(EEXIST, e.errno());
        assertEquals("epoll_ctl", e.call());
        e = assertThrows(ErrnoException.class, () -> ctl(ep, EPOLL_CTL_MOD, p[1], EPOLLIN, 0));
        assertEquals(ENOENT, e.errno());
        e = assertThrows(ErrnoException.class, () -> epoll_ctl(ep, EPOLL_CTL_DEL, p[1], MemorySegment.NULL));
        assertEquals(ENOENT, e.errno());
        e = assertThrows(ErrnoException.class, () -> add(ep, ep, EPOLLIN, 0));
        assertEquals(EINVAL, e.errno(), "an epoll fd cannot watch itself");
        e = assertThrows(ErrnoException.class, () -> add(ep, 1_000_000, EPOLLIN, 0));
        assertEquals(EBADF, e.errno());
        e = assertThrows(ErrnoException.class, () -> epoll_wait(-1, epoll_event.array(1), 1, 0));
        assertEquals(EBADF, e.errno());
        assertEquals("epoll_wait", e.call());
    }

    // ---- eventfd -----------------------------------------------------------------------------------

    private long readCounter(int fd) throws ErrnoException {
        MemorySegment v = arena.allocate(8, 8);
        long n = read(fd, v, 8);
        if (n < 0) return -1; // EAGAIN
        assertEquals(8, n);
        return v.get(ValueLayout.JAVA_LONG, 0);
    }

    private void addCounter(int fd, long value) throws ErrnoException {
        MemorySegment v = arena.allocate(8, 8);
        v.set(ValueLayout.JAVA_LONG, 0, value);
        assertEquals(8, write(fd, v, 8));
    }

    @Test
    void eventfdSumsWritesAndAReadDrainsThem() throws Exception {
        int efd = track(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        assertNotEquals(0, fcntl(efd, F_GETFD) & FD_CLOEXEC);
        assertEquals(-1, readCounter(efd), "empty: EAGAIN");
        addCounter(efd, 3);
        addCounter(efd, 4);
        assertEquals(7, readCounter(efd));
        assertEquals(-1, readCounter(efd), "drained");
    }

    @Test
    void eventfdSemaphoreReadsOneAtATime() throws Exception {
        int efd = track(eventfd(2, EFD_NONBLOCK | EFD_CLOEXEC | EFD_SEMAPHORE));
        assertEquals(1, readCounter(efd));
        assertEquals(1, readCounter(efd));
        assertEquals(-1, readCounter(efd));
    }

    @Test
    void eventfdRejectsShortWrites() throws Exception {
        int efd = track(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        ErrnoException e = assertThrows(ErrnoException.class, () -> write(efd, new byte[4], 4));
        assertEquals(EINVAL, e.errno());
    }

    @Test
    void eventfdWakesEpoll() throws Exception {
        int ep = epoll();
        int efd = track(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        add(ep, efd, EPOLLIN, 9);
        epoll_event[] evs = epoll_event.array(1);
        assertEquals(0, epoll_wait(ep, evs, 1, 0));
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(100);
                MemorySegment one = Arena.ofAuto().allocate(8, 8);
                one.set(ValueLayout.JAVA_LONG, 0, 1);
                write(efd, one, 8);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long t0 = System.nanoTime();
        assertEquals(1, epoll_wait(ep, evs, 1, 5000));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        t.join(5000);
        assertEquals(9, evs[0].data_u64());
        assertTrue(ms < 2000, "woke after " + ms + " ms");
        assertEquals(1, readCounter(efd));
        assertEquals(0, epoll_wait(ep, evs, 1, 0), "drained: no longer readable");
    }

    // ---- timerfd -----------------------------------------------------------------------------------

    private itimerspec spec(long valueMillis, long intervalMillis) {
        itimerspec s = new itimerspec(arena);
        s.it_value().tv_sec(valueMillis / 1000);
        s.it_value().tv_nsec(valueMillis % 1000 * 1_000_000);
        s.it_interval().tv_sec(intervalMillis / 1000);
        s.it_interval().tv_nsec(intervalMillis % 1000 * 1_000_000);
        return s;
    }

    @Test
    void oneShotTimerfdExpiresOnceAndWakesEpoll() throws Exception {
        int tfd = track(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
        assertNotEquals(0, fcntl(tfd, F_GETFD) & FD_CLOEXEC);
        int ep = epoll();
        add(ep, tfd, EPOLLIN, 5);
        long t0 = System.nanoTime();
        timerfd_settime(tfd, 0, spec(100, 0), null);
        assertEquals(-1, readCounter(tfd), "not expired yet");
        epoll_event[] evs = epoll_event.array(1);
        assertEquals(1, epoll_wait(ep, evs, 1, 5000));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 90 && ms < 2000, "expired after " + ms + " ms");
        assertEquals(1, readCounter(tfd), "expirations");
        assertEquals(-1, readCounter(tfd));
        assertEquals(0, epoll_wait(ep, evs, 1, 150), "one-shot: no second expiry");
    }

    @Test
    void periodicTimerfdCountsEveryExpiryAndReportsItsSetting() throws Exception {
        int tfd = track(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
        timerfd_settime(tfd, 0, spec(20, 20), null);
        Thread.sleep(130);
        long n = readCounter(tfd);
        assertTrue(n >= 4 && n <= 12, "expirations in 130 ms at 20 ms: " + n);

        itimerspec old = new itimerspec(arena);
        timerfd_settime(tfd, 0, spec(0, 0), old);
        assertEquals(0, old.it_interval().tv_sec());
        assertEquals(20_000_000, old.it_interval().tv_nsec(), "the old interval comes back");
        assertTrue(old.it_value().tv_nsec() <= 20_000_000, "time left to the next expiry");
        Thread.sleep(60);
        assertEquals(-1, readCounter(tfd), "disarmed");
    }

    @Test
    void timerfdRejectsAnInvalidTimespec() throws Exception {
        int tfd = track(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
        itimerspec bad = spec(0, 0);
        bad.it_value().tv_nsec(1_000_000_000L);
        ErrnoException e = assertThrows(ErrnoException.class, () -> timerfd_settime(tfd, 0, bad, null));
        assertEquals(EINVAL, e.errno());
        assertEquals("timerfd_settime", e.call());
    }
}
