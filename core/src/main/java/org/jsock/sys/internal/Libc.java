package org.jsock.sys.internal;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The native boundary: one {@link MethodHandle} per libc function, built once when the class loads.
 *
 * <p>Every call that can fail takes an errno capture segment first ({@link #ERRNO}), so errno is read
 * exactly as the call left it. Each wrapper only invokes; turning results into exceptions, retrying
 * EINTR and tracing belong to {@code Sys}. Nothing here allocates.
 */
public final class Libc {
    private Libc() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO_CAPTURE = Linker.Option.captureCallState("errno");

    /** Layout of the capture-state segment handed to each call. */
    public static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_VH =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** A C pointer whose target may be read (strings returned by libc). */
    public static final AddressLayout C_STRING = ADDRESS.withTargetLayout(
            MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    /** The errno a call left in its capture segment. */
    public static int errno(MemorySegment capture) {
        return (int) ERRNO_VH.get(capture, 0L);
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(find(name), fd, ERRNO_CAPTURE);
    }

    private static MethodHandle plainCall(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(find(name), fd, options);
    }

    private static MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static FunctionDescriptor i(ValueLayout... args) { return FunctionDescriptor.of(JAVA_INT, args); }
    private static FunctionDescriptor l(ValueLayout... args) { return FunctionDescriptor.of(JAVA_LONG, args); }

    private static final MethodHandle SOCKET = errnoCall("socket", i(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = errnoCall("socketpair", i(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle BIND = errnoCall("bind", i(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = errnoCall("listen", i(JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT = errnoCall("accept", i(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle ACCEPT4 = errnoCall("accept4", i(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = errnoCall("connect", i(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = errnoCall("send", l(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = errnoCall("recv", l(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    // The same two calls with the buffer as a raw address: on the hot path no MemorySegment is made.
    // A pointer and a 64-bit integer travel alike in the C calling conventions of x86_64 and aarch64.
    private static final MethodHandle SEND_RAW = errnoCall("send", l(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV_RAW = errnoCall("recv", l(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDTO =
            errnoCall("sendto", l(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM =
            errnoCall("recvfrom", l(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDMSG = errnoCall("sendmsg", l(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = errnoCall("recvmsg", l(JAVA_INT, ADDRESS, JAVA_INT));
    // vlen is an unsigned int in C; the same 32 bits travel as a Java int.
    private static final MethodHandle SENDMMSG = errnoCall("sendmmsg", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle RECVMMSG = errnoCall("recvmmsg", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle READ = errnoCall("read", l(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = errnoCall("write", l(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READV = errnoCall("readv", l(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITEV = errnoCall("writev", l(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SHUTDOWN = errnoCall("shutdown", i(JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = errnoCall("close", i(JAVA_INT));
    private static final MethodHandle DUP = errnoCall("dup", i(JAVA_INT));
    private static final MethodHandle DUP2 = errnoCall("dup2", i(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = errnoCall("getsockname", i(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME = errnoCall("getpeername", i(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT =
            errnoCall("setsockopt", i(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT =
            errnoCall("getsockopt", i(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    // fcntl is variadic: the third argument is the first variadic one.
    private static final MethodHandle FCNTL = LINKER.downcallHandle(find("fcntl"),
            i(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO_CAPTURE, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle POLL = errnoCall("poll", i(ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle GETADDRINFO = errnoCall("getaddrinfo", i(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FREEADDRINFO = plainCall("freeaddrinfo", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle GAI_STRERROR = plainCall("gai_strerror", FunctionDescriptor.of(C_STRING, JAVA_INT));
    private static final MethodHandle GETNAMEINFO = errnoCall("getnameinfo",
            i(ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle INET_PTON = errnoCall("inet_pton", i(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle INET_NTOP =
            errnoCall("inet_ntop", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle STRERROR = plainCall("strerror", FunctionDescriptor.of(C_STRING, JAVA_INT));
    private static final MethodHandle GETPID = plainCall("getpid", i());
    private static final MethodHandle EPOLL_CREATE1 = errnoCall("epoll_create1", i(JAVA_INT));
    private static final MethodHandle EPOLL_CTL = errnoCall("epoll_ctl", i(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = errnoCall("epoll_wait", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD = errnoCall("eventfd", i(JAVA_INT, JAVA_INT));
    private static final MethodHandle TIMERFD_CREATE = errnoCall("timerfd_create", i(JAVA_INT, JAVA_INT));
    private static final MethodHandle TIMERFD_SETTIME = errnoCall("timerfd_settime", i(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    // open and ioctl are variadic: open's mode and ioctl's argument are the first variadic ones.
    private static final MethodHandle OPEN = LINKER.downcallHandle(find("open"),
            i(ADDRESS, JAVA_INT, JAVA_INT), ERRNO_CAPTURE, Linker.Option.firstVariadicArg(2));
    // The request is an unsigned long in glibc; the same 64 bits travel as a Java long.
    private static final MethodHandle IOCTL = LINKER.downcallHandle(find("ioctl"),
            i(JAVA_INT, JAVA_LONG, ADDRESS), ERRNO_CAPTURE, Linker.Option.firstVariadicArg(2));

    // Each wrapper turns the handle's Throwable into an Error: a downcall only throws on a linkage bug.

    public static int socket(MemorySegment st, int domain, int type, int protocol) {
        try { return (int) SOCKET.invokeExact(st, domain, type, protocol); } catch (Throwable t) { throw bug(t); }
    }
    public static int socketpair(MemorySegment st, int domain, int type, int protocol, MemorySegment sv) {
        try { return (int) SOCKETPAIR.invokeExact(st, domain, type, protocol, sv); } catch (Throwable t) { throw bug(t); }
    }
    public static int bind(MemorySegment st, int fd, MemorySegment addr, int len) {
        try { return (int) BIND.invokeExact(st, fd, addr, len); } catch (Throwable t) { throw bug(t); }
    }
    public static int listen(MemorySegment st, int fd, int backlog) {
        try { return (int) LISTEN.invokeExact(st, fd, backlog); } catch (Throwable t) { throw bug(t); }
    }
    public static int accept(MemorySegment st, int fd, MemorySegment addr, MemorySegment len) {
        try { return (int) ACCEPT.invokeExact(st, fd, addr, len); } catch (Throwable t) { throw bug(t); }
    }
    public static int accept4(MemorySegment st, int fd, MemorySegment addr, MemorySegment len, int flags) {
        try { return (int) ACCEPT4.invokeExact(st, fd, addr, len, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static int connect(MemorySegment st, int fd, MemorySegment addr, int len) {
        try { return (int) CONNECT.invokeExact(st, fd, addr, len); } catch (Throwable t) { throw bug(t); }
    }
    public static long send(MemorySegment st, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) SEND.invokeExact(st, fd, buf, len, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static long recv(MemorySegment st, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) RECV.invokeExact(st, fd, buf, len, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static long sendRaw(MemorySegment st, int fd, long buf, long len, int flags) {
        try { return (long) SEND_RAW.invokeExact(st, fd, buf, len, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static long recvRaw(MemorySegment st, int fd, long buf, long len, int flags) {
        try { return (long) RECV_RAW.invokeExact(st, fd, buf, len, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static long sendto(MemorySegment st, int fd, MemorySegment buf, long len, int flags,
                              MemorySegment addr, int addrlen) {
        try { return (long) SENDTO.invokeExact(st, fd, buf, len, flags, addr, addrlen); } catch (Throwable t) { throw bug(t); }
    }
    public static long recvfrom(MemorySegment st, int fd, MemorySegment buf, long len, int flags,
                                MemorySegment addr, MemorySegment addrlen) {
        try { return (long) RECVFROM.invokeExact(st, fd, buf, len, flags, addr, addrlen); } catch (Throwable t) { throw bug(t); }
    }
    public static long sendmsg(MemorySegment st, int fd, MemorySegment msg, int flags) {
        try { return (long) SENDMSG.invokeExact(st, fd, msg, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static long recvmsg(MemorySegment st, int fd, MemorySegment msg, int flags) {
        try { return (long) RECVMSG.invokeExact(st, fd, msg, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static int sendmmsg(MemorySegment st, int fd, MemorySegment msgvec, int vlen, int flags) {
        try { return (int) SENDMMSG.invokeExact(st, fd, msgvec, vlen, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static int recvmmsg(MemorySegment st, int fd, MemorySegment msgvec, int vlen, int flags, MemorySegment timeout) {
        try { return (int) RECVMMSG.invokeExact(st, fd, msgvec, vlen, flags, timeout); } catch (Throwable t) { throw bug(t); }
    }
    public static long read(MemorySegment st, int fd, MemorySegment buf, long len) {
        try { return (long) READ.invokeExact(st, fd, buf, len); } catch (Throwable t) { throw bug(t); }
    }
    public static long write(MemorySegment st, int fd, MemorySegment buf, long len) {
        try { return (long) WRITE.invokeExact(st, fd, buf, len); } catch (Throwable t) { throw bug(t); }
    }
    public static long readv(MemorySegment st, int fd, MemorySegment iov, int iovcnt) {
        try { return (long) READV.invokeExact(st, fd, iov, iovcnt); } catch (Throwable t) { throw bug(t); }
    }
    public static long writev(MemorySegment st, int fd, MemorySegment iov, int iovcnt) {
        try { return (long) WRITEV.invokeExact(st, fd, iov, iovcnt); } catch (Throwable t) { throw bug(t); }
    }
    public static int shutdown(MemorySegment st, int fd, int how) {
        try { return (int) SHUTDOWN.invokeExact(st, fd, how); } catch (Throwable t) { throw bug(t); }
    }
    public static int close(MemorySegment st, int fd) {
        try { return (int) CLOSE.invokeExact(st, fd); } catch (Throwable t) { throw bug(t); }
    }
    public static int dup(MemorySegment st, int fd) {
        try { return (int) DUP.invokeExact(st, fd); } catch (Throwable t) { throw bug(t); }
    }
    public static int dup2(MemorySegment st, int oldfd, int newfd) {
        try { return (int) DUP2.invokeExact(st, oldfd, newfd); } catch (Throwable t) { throw bug(t); }
    }
    public static int getsockname(MemorySegment st, int fd, MemorySegment addr, MemorySegment len) {
        try { return (int) GETSOCKNAME.invokeExact(st, fd, addr, len); } catch (Throwable t) { throw bug(t); }
    }
    public static int getpeername(MemorySegment st, int fd, MemorySegment addr, MemorySegment len) {
        try { return (int) GETPEERNAME.invokeExact(st, fd, addr, len); } catch (Throwable t) { throw bug(t); }
    }
    public static int setsockopt(MemorySegment st, int fd, int level, int name, MemorySegment val, int len) {
        try { return (int) SETSOCKOPT.invokeExact(st, fd, level, name, val, len); } catch (Throwable t) { throw bug(t); }
    }
    public static int getsockopt(MemorySegment st, int fd, int level, int name, MemorySegment val, MemorySegment len) {
        try { return (int) GETSOCKOPT.invokeExact(st, fd, level, name, val, len); } catch (Throwable t) { throw bug(t); }
    }
    public static int fcntl(MemorySegment st, int fd, int cmd, int arg) {
        try { return (int) FCNTL.invokeExact(st, fd, cmd, arg); } catch (Throwable t) { throw bug(t); }
    }
    public static int poll(MemorySegment st, MemorySegment fds, long nfds, int timeout) {
        try { return (int) POLL.invokeExact(st, fds, nfds, timeout); } catch (Throwable t) { throw bug(t); }
    }
    public static int getaddrinfo(MemorySegment st, MemorySegment node, MemorySegment service, MemorySegment hints, MemorySegment res) {
        try { return (int) GETADDRINFO.invokeExact(st, node, service, hints, res); } catch (Throwable t) { throw bug(t); }
    }
    public static void freeaddrinfo(MemorySegment res) {
        try { FREEADDRINFO.invokeExact(res); } catch (Throwable t) { throw bug(t); }
    }
    public static String gai_strerror(int code) {
        try { return ((MemorySegment) GAI_STRERROR.invokeExact(code)).getString(0); } catch (Throwable t) { throw bug(t); }
    }
    public static int getnameinfo(MemorySegment st, MemorySegment sa, int salen, MemorySegment host, int hostlen,
                                  MemorySegment serv, int servlen, int flags) {
        try { return (int) GETNAMEINFO.invokeExact(st, sa, salen, host, hostlen, serv, servlen, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static int inet_pton(MemorySegment st, int af, MemorySegment src, MemorySegment dst) {
        try { return (int) INET_PTON.invokeExact(st, af, src, dst); } catch (Throwable t) { throw bug(t); }
    }
    public static MemorySegment inet_ntop(MemorySegment st, int af, MemorySegment src, MemorySegment dst, int size) {
        try { return (MemorySegment) INET_NTOP.invokeExact(st, af, src, dst, size); } catch (Throwable t) { throw bug(t); }
    }
    public static String strerror(int errnum) {
        try { return ((MemorySegment) STRERROR.invokeExact(errnum)).getString(0); } catch (Throwable t) { throw bug(t); }
    }
    public static int getpid() {
        try { return (int) GETPID.invokeExact(); } catch (Throwable t) { throw bug(t); }
    }

    public static int epoll_create1(MemorySegment st, int flags) {
        try { return (int) EPOLL_CREATE1.invokeExact(st, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static int epoll_ctl(MemorySegment st, int epfd, int op, int fd, MemorySegment event) {
        try { return (int) EPOLL_CTL.invokeExact(st, epfd, op, fd, event); } catch (Throwable t) { throw bug(t); }
    }
    public static int epoll_wait(MemorySegment st, int epfd, MemorySegment events, int max, int timeout) {
        try { return (int) EPOLL_WAIT.invokeExact(st, epfd, events, max, timeout); } catch (Throwable t) { throw bug(t); }
    }
    public static int eventfd(MemorySegment st, int initval, int flags) {
        try { return (int) EVENTFD.invokeExact(st, initval, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static int timerfd_create(MemorySegment st, int clockid, int flags) {
        try { return (int) TIMERFD_CREATE.invokeExact(st, clockid, flags); } catch (Throwable t) { throw bug(t); }
    }
    public static int timerfd_settime(MemorySegment st, int fd, int flags, MemorySegment value, MemorySegment old) {
        try { return (int) TIMERFD_SETTIME.invokeExact(st, fd, flags, value, old); } catch (Throwable t) { throw bug(t); }
    }

    public static int open(MemorySegment st, MemorySegment path, int flags, int mode) {
        try { return (int) OPEN.invokeExact(st, path, flags, mode); } catch (Throwable t) { throw bug(t); }
    }
    public static int ioctl(MemorySegment st, int fd, long request, MemorySegment arg) {
        try { return (int) IOCTL.invokeExact(st, fd, request, arg); } catch (Throwable t) { throw bug(t); }
    }

    private static Error bug(Throwable t) {
        if (t instanceof Error e) return e;
        if (t instanceof RuntimeException r) throw r;
        return new AssertionError("native call failed to link", t);
    }
}
