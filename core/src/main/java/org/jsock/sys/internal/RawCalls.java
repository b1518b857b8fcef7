package org.jsock.sys.internal;

import org.jsock.sys.ErrnoException;

import java.lang.foreign.MemorySegment;

/**
 * send and recv on a raw buffer address, for the typed API's hot path: no MemorySegment is made per
 * call, so a send or recv allocates nothing. They behave as {@code Sys.send} and {@code Sys.recv}
 * (EINTR retried, EAGAIN returned as -1 with errno, other failures thrown, traced as strace shows
 * them) and are kept apart because a wrong address is a crash: only jsock's own code calls them,
 * with addresses of memory it holds.
 */
public final class RawCalls {
    private RawCalls() {}

    private static final int EINTR = Platform.constant("EINTR");
    private static final int EAGAIN = Platform.constant("EAGAIN");
    private static final int EWOULDBLOCK = Platform.constant("EWOULDBLOCK");

    /** {@code send(fd, address, len, flags)}: bytes sent, or -1 with errno EAGAIN. */
    public static long send(CallState cs, int fd, long address, long len, int flags) throws ErrnoException {
        long r;
        int e;
        do {
            r = Libc.sendRaw(cs.capture, fd, address, len, flags);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (Trace.ON) Trace.line("sendto", fd + ", " + Trace.quote(at(address, len), len) + ", " + len + ", "
                + Trace.flags("msg", flags) + ", NULL, 0", r, e);
        if (r < 0 && e != EAGAIN && e != EWOULDBLOCK) throw new ErrnoException("send", e);
        return r;
    }

    /** {@code recv(fd, address, len, flags)}: bytes received, 0 at EOF, or -1 with errno EAGAIN. */
    public static long recv(CallState cs, int fd, long address, long len, int flags) throws ErrnoException {
        long r;
        int e;
        do {
            r = Libc.recvRaw(cs.capture, fd, address, len, flags);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (Trace.ON) Trace.line("recvfrom", fd + ", " + (r >= 0 ? Trace.quote(at(address, len), Math.min(r, len))
                : "0x" + Long.toHexString(address)) + ", " + len + ", " + Trace.flags("msg", flags) + ", NULL, NULL", r, e);
        if (r < 0 && e != EAGAIN && e != EWOULDBLOCK) throw new ErrnoException("recv", e);
        return r;
    }

    private static MemorySegment at(long address, long len) {
        return MemorySegment.ofAddress(address).reinterpret(Math.max(0, len));
    }
}
