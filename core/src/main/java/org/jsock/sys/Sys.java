package org.jsock.sys;

import org.jsock.sys.internal.CallState;
import org.jsock.sys.internal.Libc;
import org.jsock.sys.internal.Platform;
import org.jsock.sys.internal.Trace;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The socket calls as C has them: one static method per libc function, and the C constants as static
 * fields, so that with {@code import static org.jsock.sys.Sys.*;} a C program ports line by line:
 * <pre>{@code
 * int fd = socket(AF_INET, SOCK_STREAM, 0);
 * sockaddr_in addr = new sockaddr_in();
 * addr.sin_family(AF_INET);
 * addr.sin_port(htons(8080));
 * bind(fd, addr, addr.sizeof());
 * }</pre>
 *
 * <p>Where C returns -1 and sets errno, these methods throw {@link ErrnoException} naming the call and
 * the errno; {@link #perror} prints it as C would. Two results are not failures and come back as -1
 * with {@link #errno()} set: EAGAIN/EWOULDBLOCK from a non-blocking call, and EINPROGRESS from a
 * non-blocking connect. EINTR is retried, as careful C code does. Buffers may be {@code byte[]}, or
 * {@link MemorySegment}s, native or heap; heap memory is copied through a per-thread native buffer.
 *
 * <p>With {@code -Djsock.trace=true} every system call is printed to stderr in strace's format.
 */
public final class Sys {
    private Sys() {}

    private static int c(String name) { return Platform.constant(name); }

    // Address families
    public static final int AF_UNSPEC = c("AF_UNSPEC");
    public static final int AF_UNIX = c("AF_UNIX");
    public static final int AF_LOCAL = c("AF_LOCAL");
    public static final int AF_INET = c("AF_INET");
    public static final int AF_INET6 = c("AF_INET6");
    public static final int AF_NETLINK = c("AF_NETLINK");
    public static final int AF_PACKET = c("AF_PACKET");

    // Socket types
    public static final int SOCK_STREAM = c("SOCK_STREAM");
    public static final int SOCK_DGRAM = c("SOCK_DGRAM");
    public static final int SOCK_RAW = c("SOCK_RAW");
    public static final int SOCK_RDM = c("SOCK_RDM");
    public static final int SOCK_SEQPACKET = c("SOCK_SEQPACKET");

    // Flags or-ed into the socket type
    public static final int SOCK_NONBLOCK = c("SOCK_NONBLOCK");
    public static final int SOCK_CLOEXEC = c("SOCK_CLOEXEC");

    // Protocols (and option levels)
    public static final int IPPROTO_IP = c("IPPROTO_IP");
    public static final int IPPROTO_ICMP = c("IPPROTO_ICMP");
    public static final int IPPROTO_TCP = c("IPPROTO_TCP");
    public static final int IPPROTO_UDP = c("IPPROTO_UDP");
    public static final int IPPROTO_IPV6 = c("IPPROTO_IPV6");
    public static final int IPPROTO_ICMPV6 = c("IPPROTO_ICMPV6");
    public static final int IPPROTO_SCTP = c("IPPROTO_SCTP");
    public static final int IPPROTO_UDPLITE = c("IPPROTO_UDPLITE");
    public static final int IPPROTO_RAW = c("IPPROTO_RAW");

    // Option levels
    public static final int SOL_SOCKET = c("SOL_SOCKET");
    public static final int SOL_IP = c("SOL_IP");
    public static final int SOL_TCP = c("SOL_TCP");
    public static final int SOL_UDP = c("SOL_UDP");
    public static final int SOL_IPV6 = c("SOL_IPV6");

    // SOL_SOCKET options
    public static final int SO_DEBUG = c("SO_DEBUG");
    public static final int SO_REUSEADDR = c("SO_REUSEADDR");
    public static final int SO_TYPE = c("SO_TYPE");
    public static final int SO_ERROR = c("SO_ERROR");
    public static final int SO_DONTROUTE = c("SO_DONTROUTE");
    public static final int SO_BROADCAST = c("SO_BROADCAST");
    public static final int SO_SNDBUF = c("SO_SNDBUF");
    public static final int SO_RCVBUF = c("SO_RCVBUF");
    public static final int SO_KEEPALIVE = c("SO_KEEPALIVE");
    public static final int SO_OOBINLINE = c("SO_OOBINLINE");
    public static final int SO_NO_CHECK = c("SO_NO_CHECK");
    public static final int SO_PRIORITY = c("SO_PRIORITY");
    public static final int SO_LINGER = c("SO_LINGER");
    public static final int SO_BSDCOMPAT = c("SO_BSDCOMPAT");
    public static final int SO_REUSEPORT = c("SO_REUSEPORT");
    public static final int SO_PASSCRED = c("SO_PASSCRED");
    public static final int SO_PEERCRED = c("SO_PEERCRED");
    public static final int SO_RCVLOWAT = c("SO_RCVLOWAT");
    public static final int SO_SNDLOWAT = c("SO_SNDLOWAT");
    public static final int SO_RCVTIMEO = c("SO_RCVTIMEO");
    public static final int SO_SNDTIMEO = c("SO_SNDTIMEO");
    public static final int SO_BINDTODEVICE = c("SO_BINDTODEVICE");
    public static final int SO_TIMESTAMP = c("SO_TIMESTAMP");
    public static final int SO_ACCEPTCONN = c("SO_ACCEPTCONN");
    public static final int SO_PEERSEC = c("SO_PEERSEC");
    public static final int SO_SNDBUFFORCE = c("SO_SNDBUFFORCE");
    public static final int SO_RCVBUFFORCE = c("SO_RCVBUFFORCE");
    public static final int SO_PROTOCOL = c("SO_PROTOCOL");
    public static final int SO_DOMAIN = c("SO_DOMAIN");
    public static final int SO_RXQ_OVFL = c("SO_RXQ_OVFL");
    public static final int SO_BUSY_POLL = c("SO_BUSY_POLL");
    public static final int SO_INCOMING_CPU = c("SO_INCOMING_CPU");
    public static final int SO_ZEROCOPY = c("SO_ZEROCOPY");

    // IPPROTO_TCP options
    public static final int TCP_NODELAY = c("TCP_NODELAY");
    public static final int TCP_MAXSEG = c("TCP_MAXSEG");
    public static final int TCP_CORK = c("TCP_CORK");
    public static final int TCP_KEEPIDLE = c("TCP_KEEPIDLE");
    public static final int TCP_KEEPINTVL = c("TCP_KEEPINTVL");
    public static final int TCP_KEEPCNT = c("TCP_KEEPCNT");
    public static final int TCP_SYNCNT = c("TCP_SYNCNT");
    public static final int TCP_LINGER2 = c("TCP_LINGER2");
    public static final int TCP_DEFER_ACCEPT = c("TCP_DEFER_ACCEPT");
    public static final int TCP_WINDOW_CLAMP = c("TCP_WINDOW_CLAMP");
    public static final int TCP_INFO = c("TCP_INFO");
    public static final int TCP_QUICKACK = c("TCP_QUICKACK");
    public static final int TCP_CONGESTION = c("TCP_CONGESTION");
    public static final int TCP_MD5SIG = c("TCP_MD5SIG");
    public static final int TCP_USER_TIMEOUT = c("TCP_USER_TIMEOUT");
    public static final int TCP_FASTOPEN = c("TCP_FASTOPEN");
    public static final int TCP_NOTSENT_LOWAT = c("TCP_NOTSENT_LOWAT");
    public static final int TCP_FASTOPEN_CONNECT = c("TCP_FASTOPEN_CONNECT");

    // TCP states (tcpi_state)
    public static final int TCP_ESTABLISHED = c("TCP_ESTABLISHED");
    public static final int TCP_SYN_SENT = c("TCP_SYN_SENT");
    public static final int TCP_SYN_RECV = c("TCP_SYN_RECV");
    public static final int TCP_FIN_WAIT1 = c("TCP_FIN_WAIT1");
    public static final int TCP_FIN_WAIT2 = c("TCP_FIN_WAIT2");
    public static final int TCP_TIME_WAIT = c("TCP_TIME_WAIT");
    public static final int TCP_CLOSE = c("TCP_CLOSE");
    public static final int TCP_CLOSE_WAIT = c("TCP_CLOSE_WAIT");
    public static final int TCP_LAST_ACK = c("TCP_LAST_ACK");
    public static final int TCP_LISTEN = c("TCP_LISTEN");
    public static final int TCP_CLOSING = c("TCP_CLOSING");

    // IPPROTO_IP options
    public static final int IP_TOS = c("IP_TOS");
    public static final int IP_TTL = c("IP_TTL");
    public static final int IP_HDRINCL = c("IP_HDRINCL");
    public static final int IP_OPTIONS = c("IP_OPTIONS");
    public static final int IP_PKTINFO = c("IP_PKTINFO");
    public static final int IP_MTU_DISCOVER = c("IP_MTU_DISCOVER");
    public static final int IP_RECVERR = c("IP_RECVERR");
    public static final int IP_RECVTOS = c("IP_RECVTOS");
    public static final int IP_MTU = c("IP_MTU");
    public static final int IP_FREEBIND = c("IP_FREEBIND");
    public static final int IP_MULTICAST_IF = c("IP_MULTICAST_IF");
    public static final int IP_MULTICAST_TTL = c("IP_MULTICAST_TTL");
    public static final int IP_MULTICAST_LOOP = c("IP_MULTICAST_LOOP");
    public static final int IP_ADD_MEMBERSHIP = c("IP_ADD_MEMBERSHIP");
    public static final int IP_DROP_MEMBERSHIP = c("IP_DROP_MEMBERSHIP");

    // IPPROTO_IPV6 options
    public static final int IPV6_UNICAST_HOPS = c("IPV6_UNICAST_HOPS");
    public static final int IPV6_MULTICAST_IF = c("IPV6_MULTICAST_IF");
    public static final int IPV6_MULTICAST_HOPS = c("IPV6_MULTICAST_HOPS");
    public static final int IPV6_MULTICAST_LOOP = c("IPV6_MULTICAST_LOOP");
    public static final int IPV6_MTU_DISCOVER = c("IPV6_MTU_DISCOVER");
    public static final int IPV6_MTU = c("IPV6_MTU");
    public static final int IPV6_V6ONLY = c("IPV6_V6ONLY");
    public static final int IPV6_RECVPKTINFO = c("IPV6_RECVPKTINFO");
    public static final int IPV6_TCLASS = c("IPV6_TCLASS");

    // IPPROTO_UDP options
    public static final int UDP_CORK = c("UDP_CORK");
    public static final int UDP_SEGMENT = c("UDP_SEGMENT");
    public static final int UDP_GRO = c("UDP_GRO");

    // send/recv flags
    public static final int MSG_OOB = c("MSG_OOB");
    public static final int MSG_PEEK = c("MSG_PEEK");
    public static final int MSG_DONTROUTE = c("MSG_DONTROUTE");
    public static final int MSG_CTRUNC = c("MSG_CTRUNC");
    public static final int MSG_TRUNC = c("MSG_TRUNC");
    public static final int MSG_DONTWAIT = c("MSG_DONTWAIT");
    public static final int MSG_EOR = c("MSG_EOR");
    public static final int MSG_WAITALL = c("MSG_WAITALL");
    public static final int MSG_CONFIRM = c("MSG_CONFIRM");
    public static final int MSG_ERRQUEUE = c("MSG_ERRQUEUE");
    public static final int MSG_NOSIGNAL = c("MSG_NOSIGNAL");
    public static final int MSG_MORE = c("MSG_MORE");
    public static final int MSG_WAITFORONE = c("MSG_WAITFORONE");
    public static final int MSG_ZEROCOPY = c("MSG_ZEROCOPY");
    public static final int MSG_FASTOPEN = c("MSG_FASTOPEN");
    public static final int MSG_CMSG_CLOEXEC = c("MSG_CMSG_CLOEXEC");

    // shutdown(how)
    public static final int SHUT_RD = c("SHUT_RD");
    public static final int SHUT_WR = c("SHUT_WR");
    public static final int SHUT_RDWR = c("SHUT_RDWR");

    // Ancillary message types
    public static final int SCM_RIGHTS = c("SCM_RIGHTS");
    public static final int SCM_CREDENTIALS = c("SCM_CREDENTIALS");

    // fcntl commands
    public static final int F_DUPFD = c("F_DUPFD");
    public static final int F_GETFD = c("F_GETFD");
    public static final int F_SETFD = c("F_SETFD");
    public static final int F_GETFL = c("F_GETFL");
    public static final int F_SETFL = c("F_SETFL");
    public static final int F_DUPFD_CLOEXEC = c("F_DUPFD_CLOEXEC");

    // File descriptor flags
    public static final int FD_CLOEXEC = c("FD_CLOEXEC");

    // File status flags
    public static final int O_RDONLY = c("O_RDONLY");
    public static final int O_WRONLY = c("O_WRONLY");
    public static final int O_RDWR = c("O_RDWR");
    public static final int O_CREAT = c("O_CREAT");
    public static final int O_EXCL = c("O_EXCL");
    public static final int O_TRUNC = c("O_TRUNC");
    public static final int O_APPEND = c("O_APPEND");
    public static final int O_NONBLOCK = c("O_NONBLOCK");
    public static final int O_CLOEXEC = c("O_CLOEXEC");

    // poll events
    public static final int POLLIN = c("POLLIN");
    public static final int POLLPRI = c("POLLPRI");
    public static final int POLLOUT = c("POLLOUT");
    public static final int POLLERR = c("POLLERR");
    public static final int POLLHUP = c("POLLHUP");
    public static final int POLLNVAL = c("POLLNVAL");
    public static final int POLLRDNORM = c("POLLRDNORM");
    public static final int POLLRDBAND = c("POLLRDBAND");
    public static final int POLLWRNORM = c("POLLWRNORM");
    public static final int POLLWRBAND = c("POLLWRBAND");
    public static final int POLLRDHUP = c("POLLRDHUP");

    // getaddrinfo flags
    public static final int AI_PASSIVE = c("AI_PASSIVE");
    public static final int AI_CANONNAME = c("AI_CANONNAME");
    public static final int AI_NUMERICHOST = c("AI_NUMERICHOST");
    public static final int AI_V4MAPPED = c("AI_V4MAPPED");
    public static final int AI_ALL = c("AI_ALL");
    public static final int AI_ADDRCONFIG = c("AI_ADDRCONFIG");
    public static final int AI_NUMERICSERV = c("AI_NUMERICSERV");

    // getnameinfo flags
    public static final int NI_NUMERICHOST = c("NI_NUMERICHOST");
    public static final int NI_NUMERICSERV = c("NI_NUMERICSERV");
    public static final int NI_NOFQDN = c("NI_NOFQDN");
    public static final int NI_NAMEREQD = c("NI_NAMEREQD");
    public static final int NI_DGRAM = c("NI_DGRAM");

    // getaddrinfo and getnameinfo errors
    public static final int EAI_BADFLAGS = c("EAI_BADFLAGS");
    public static final int EAI_NONAME = c("EAI_NONAME");
    public static final int EAI_AGAIN = c("EAI_AGAIN");
    public static final int EAI_FAIL = c("EAI_FAIL");
    public static final int EAI_NODATA = c("EAI_NODATA");
    public static final int EAI_FAMILY = c("EAI_FAMILY");
    public static final int EAI_SOCKTYPE = c("EAI_SOCKTYPE");
    public static final int EAI_SERVICE = c("EAI_SERVICE");
    public static final int EAI_ADDRFAMILY = c("EAI_ADDRFAMILY");
    public static final int EAI_MEMORY = c("EAI_MEMORY");
    public static final int EAI_SYSTEM = c("EAI_SYSTEM");
    public static final int EAI_OVERFLOW = c("EAI_OVERFLOW");

    // Sizes and limits
    public static final int INET_ADDRSTRLEN = c("INET_ADDRSTRLEN");
    public static final int INET6_ADDRSTRLEN = c("INET6_ADDRSTRLEN");
    public static final int NI_MAXHOST = c("NI_MAXHOST");
    public static final int NI_MAXSERV = c("NI_MAXSERV");
    public static final int SOMAXCONN = c("SOMAXCONN");
    public static final int IOV_MAX = c("IOV_MAX");

    // IPv4 addresses (host byte order)
    public static final int INADDR_ANY = c("INADDR_ANY");
    public static final int INADDR_LOOPBACK = c("INADDR_LOOPBACK");
    public static final int INADDR_BROADCAST = c("INADDR_BROADCAST");
    public static final int INADDR_NONE = c("INADDR_NONE");

    // errno values
    public static final int EPERM = c("EPERM");
    public static final int ENOENT = c("ENOENT");
    public static final int ESRCH = c("ESRCH");
    public static final int EINTR = c("EINTR");
    public static final int EIO = c("EIO");
    public static final int ENXIO = c("ENXIO");
    public static final int E2BIG = c("E2BIG");
    public static final int ENOEXEC = c("ENOEXEC");
    public static final int EBADF = c("EBADF");
    public static final int ECHILD = c("ECHILD");
    public static final int EAGAIN = c("EAGAIN");
    public static final int EWOULDBLOCK = c("EWOULDBLOCK");
    public static final int ENOMEM = c("ENOMEM");
    public static final int EACCES = c("EACCES");
    public static final int EFAULT = c("EFAULT");
    public static final int ENOTBLK = c("ENOTBLK");
    public static final int EBUSY = c("EBUSY");
    public static final int EEXIST = c("EEXIST");
    public static final int EXDEV = c("EXDEV");
    public static final int ENODEV = c("ENODEV");
    public static final int ENOTDIR = c("ENOTDIR");
    public static final int EISDIR = c("EISDIR");
    public static final int EINVAL = c("EINVAL");
    public static final int ENFILE = c("ENFILE");
    public static final int EMFILE = c("EMFILE");
    public static final int ENOTTY = c("ENOTTY");
    public static final int ETXTBSY = c("ETXTBSY");
    public static final int EFBIG = c("EFBIG");
    public static final int ENOSPC = c("ENOSPC");
    public static final int ESPIPE = c("ESPIPE");
    public static final int EROFS = c("EROFS");
    public static final int EMLINK = c("EMLINK");
    public static final int EPIPE = c("EPIPE");
    public static final int EDOM = c("EDOM");
    public static final int ERANGE = c("ERANGE");
    public static final int EDEADLK = c("EDEADLK");
    public static final int EDEADLOCK = c("EDEADLOCK");
    public static final int ENAMETOOLONG = c("ENAMETOOLONG");
    public static final int ENOLCK = c("ENOLCK");
    public static final int ENOSYS = c("ENOSYS");
    public static final int ENOTEMPTY = c("ENOTEMPTY");
    public static final int ELOOP = c("ELOOP");
    public static final int ENOMSG = c("ENOMSG");
    public static final int EIDRM = c("EIDRM");
    public static final int ECHRNG = c("ECHRNG");
    public static final int EL2NSYNC = c("EL2NSYNC");
    public static final int EL3HLT = c("EL3HLT");
    public static final int EL3RST = c("EL3RST");
    public static final int ELNRNG = c("ELNRNG");
    public static final int EUNATCH = c("EUNATCH");
    public static final int ENOCSI = c("ENOCSI");
    public static final int EL2HLT = c("EL2HLT");
    public static final int EBADE = c("EBADE");
    public static final int EBADR = c("EBADR");
    public static final int EXFULL = c("EXFULL");
    public static final int ENOANO = c("ENOANO");
    public static final int EBADRQC = c("EBADRQC");
    public static final int EBADSLT = c("EBADSLT");
    public static final int EBFONT = c("EBFONT");
    public static final int ENOSTR = c("ENOSTR");
    public static final int ENODATA = c("ENODATA");
    public static final int ETIME = c("ETIME");
    public static final int ENOSR = c("ENOSR");
    public static final int ENONET = c("ENONET");
    public static final int ENOPKG = c("ENOPKG");
    public static final int EREMOTE = c("EREMOTE");
    public static final int ENOLINK = c("ENOLINK");
    public static final int EADV = c("EADV");
    public static final int ESRMNT = c("ESRMNT");
    public static final int ECOMM = c("ECOMM");
    public static final int EPROTO = c("EPROTO");
    public static final int EMULTIHOP = c("EMULTIHOP");
    public static final int EDOTDOT = c("EDOTDOT");
    public static final int EBADMSG = c("EBADMSG");
    public static final int EOVERFLOW = c("EOVERFLOW");
    public static final int ENOTUNIQ = c("ENOTUNIQ");
    public static final int EBADFD = c("EBADFD");
    public static final int EREMCHG = c("EREMCHG");
    public static final int ELIBACC = c("ELIBACC");
    public static final int ELIBBAD = c("ELIBBAD");
    public static final int ELIBSCN = c("ELIBSCN");
    public static final int ELIBMAX = c("ELIBMAX");
    public static final int ELIBEXEC = c("ELIBEXEC");
    public static final int EILSEQ = c("EILSEQ");
    public static final int ERESTART = c("ERESTART");
    public static final int ESTRPIPE = c("ESTRPIPE");
    public static final int EUSERS = c("EUSERS");
    public static final int ENOTSOCK = c("ENOTSOCK");
    public static final int EDESTADDRREQ = c("EDESTADDRREQ");
    public static final int EMSGSIZE = c("EMSGSIZE");
    public static final int EPROTOTYPE = c("EPROTOTYPE");
    public static final int ENOPROTOOPT = c("ENOPROTOOPT");
    public static final int EPROTONOSUPPORT = c("EPROTONOSUPPORT");
    public static final int ESOCKTNOSUPPORT = c("ESOCKTNOSUPPORT");
    public static final int EOPNOTSUPP = c("EOPNOTSUPP");
    public static final int ENOTSUP = c("ENOTSUP");
    public static final int EPFNOSUPPORT = c("EPFNOSUPPORT");
    public static final int EAFNOSUPPORT = c("EAFNOSUPPORT");
    public static final int EADDRINUSE = c("EADDRINUSE");
    public static final int EADDRNOTAVAIL = c("EADDRNOTAVAIL");
    public static final int ENETDOWN = c("ENETDOWN");
    public static final int ENETUNREACH = c("ENETUNREACH");
    public static final int ENETRESET = c("ENETRESET");
    public static final int ECONNABORTED = c("ECONNABORTED");
    public static final int ECONNRESET = c("ECONNRESET");
    public static final int ENOBUFS = c("ENOBUFS");
    public static final int EISCONN = c("EISCONN");
    public static final int ENOTCONN = c("ENOTCONN");
    public static final int ESHUTDOWN = c("ESHUTDOWN");
    public static final int ETOOMANYREFS = c("ETOOMANYREFS");
    public static final int ETIMEDOUT = c("ETIMEDOUT");
    public static final int ECONNREFUSED = c("ECONNREFUSED");
    public static final int EHOSTDOWN = c("EHOSTDOWN");
    public static final int EHOSTUNREACH = c("EHOSTUNREACH");
    public static final int EALREADY = c("EALREADY");
    public static final int EINPROGRESS = c("EINPROGRESS");
    public static final int ESTALE = c("ESTALE");
    public static final int EUCLEAN = c("EUCLEAN");
    public static final int ENOTNAM = c("ENOTNAM");
    public static final int ENAVAIL = c("ENAVAIL");
    public static final int EISNAM = c("EISNAM");
    public static final int EREMOTEIO = c("EREMOTEIO");
    public static final int EDQUOT = c("EDQUOT");
    public static final int ENOMEDIUM = c("ENOMEDIUM");
    public static final int EMEDIUMTYPE = c("EMEDIUMTYPE");
    public static final int ECANCELED = c("ECANCELED");
    public static final int ENOKEY = c("ENOKEY");
    public static final int EKEYEXPIRED = c("EKEYEXPIRED");
    public static final int EKEYREVOKED = c("EKEYREVOKED");
    public static final int EKEYREJECTED = c("EKEYREJECTED");
    public static final int EOWNERDEAD = c("EOWNERDEAD");
    public static final int ENOTRECOVERABLE = c("ENOTRECOVERABLE");
    public static final int ERFKILL = c("ERFKILL");
    public static final int EHWPOISON = c("EHWPOISON");
    // epoll, eventfd, timerfd and clocks
    public static final int EPOLLIN = c("EPOLLIN");
    public static final int EPOLLPRI = c("EPOLLPRI");
    public static final int EPOLLOUT = c("EPOLLOUT");
    public static final int EPOLLERR = c("EPOLLERR");
    public static final int EPOLLHUP = c("EPOLLHUP");
    public static final int EPOLLRDNORM = c("EPOLLRDNORM");
    public static final int EPOLLRDBAND = c("EPOLLRDBAND");
    public static final int EPOLLWRNORM = c("EPOLLWRNORM");
    public static final int EPOLLWRBAND = c("EPOLLWRBAND");
    public static final int EPOLLMSG = c("EPOLLMSG");
    public static final int EPOLLRDHUP = c("EPOLLRDHUP");
    public static final int EPOLLEXCLUSIVE = c("EPOLLEXCLUSIVE");
    public static final int EPOLLWAKEUP = c("EPOLLWAKEUP");
    public static final int EPOLLONESHOT = c("EPOLLONESHOT");
    public static final int EPOLLET = c("EPOLLET");
    public static final int EPOLL_CTL_ADD = c("EPOLL_CTL_ADD");
    public static final int EPOLL_CTL_DEL = c("EPOLL_CTL_DEL");
    public static final int EPOLL_CTL_MOD = c("EPOLL_CTL_MOD");
    public static final int EPOLL_CLOEXEC = c("EPOLL_CLOEXEC");
    public static final int EFD_SEMAPHORE = c("EFD_SEMAPHORE");
    public static final int EFD_NONBLOCK = c("EFD_NONBLOCK");
    public static final int EFD_CLOEXEC = c("EFD_CLOEXEC");
    public static final int TFD_NONBLOCK = c("TFD_NONBLOCK");
    public static final int TFD_CLOEXEC = c("TFD_CLOEXEC");
    public static final int TFD_TIMER_ABSTIME = c("TFD_TIMER_ABSTIME");
    public static final int TFD_TIMER_CANCEL_ON_SET = c("TFD_TIMER_CANCEL_ON_SET");
    public static final int CLOCK_REALTIME = c("CLOCK_REALTIME");
    public static final int CLOCK_MONOTONIC = c("CLOCK_MONOTONIC");
    public static final int CLOCK_BOOTTIME = c("CLOCK_BOOTTIME");

    // TUN devices (linux/if_tun.h): ioctl(fd, TUNSETIFF, &ifr) on an fd of /dev/net/tun
    public static final int TUNSETIFF = c("TUNSETIFF");
    public static final int IFF_TUN = c("IFF_TUN");
    public static final int IFF_TAP = c("IFF_TAP");
    public static final int IFF_NO_PI = c("IFF_NO_PI");
    public static final int IFNAMSIZ = c("IFNAMSIZ");

    // ==== byte order =========================================================================

    private static final boolean LITTLE = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /** Host to network short: the value to store in {@code sin_port}. */
    public static short htons(int hostshort) {
        short s = (short) hostshort;
        return LITTLE ? Short.reverseBytes(s) : s;
    }

    /** Network to host short, as an unsigned int (0-65535). */
    public static int ntohs(short netshort) {
        return Short.toUnsignedInt(LITTLE ? Short.reverseBytes(netshort) : netshort);
    }

    public static int htonl(int hostlong) { return LITTLE ? Integer.reverseBytes(hostlong) : hostlong; }

    public static int ntohl(int netlong) { return LITTLE ? Integer.reverseBytes(netlong) : netlong; }

    // ==== errno ==============================================================================

    /** errno as this thread's last failed call left it. */
    public static int errno() { return CallState.get().lastErrno; }

    /** strerror's text for an errno. */
    public static String strerror(int errnum) { return Libc.strerror(errnum); }

    /** Prints {@code s: <strerror(errno)>} to stderr, as C's perror does. */
    public static void perror(String s) {
        String text = strerror(errno());
        System.err.println(s == null || s.isEmpty() ? text : s + ": " + text);
    }

    /** Fills the struct with byte {@code c}, as C's memset. */
    public static void memset(Struct s, int c, long n) {
        s.segment().asSlice(0, n).fill((byte) c);
    }

    private static ErrnoException fail(String call, int errno) { return new ErrnoException(call, errno); }

    private static boolean wouldBlock(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

    /** Native memory for {@code buf}: itself, or the thread's copy buffer for heap memory. */
    private static MemorySegment nativeFor(CallState cs, MemorySegment buf, long len, boolean copyIn) {
        if (len < 0 || len > buf.byteSize()) {
            throw new IndexOutOfBoundsException("len=" + len + " but the buffer holds " + buf.byteSize() + " bytes");
        }
        if (buf.isNative()) return buf;
        MemorySegment n = cs.buffer(len);
        if (copyIn && len > 0) MemorySegment.copy(buf, 0, n, 0, len);
        return n;
    }

    private static void copyBack(MemorySegment nat, MemorySegment buf, long n) {
        if (nat != buf && n > 0) MemorySegment.copy(nat, 0, buf, 0, n);
    }

    private static MemorySegment seg(Struct s) { return s == null ? MemorySegment.NULL : s.segment(); }

    private static String addr(MemorySegment p) { return "0x" + Long.toHexString(p.address()); }

    // ==== creating and naming sockets =========================================================

    /** {@code socket(2)}: a new socket's fd. */
    public static int socket(int domain, int type, int protocol) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.socket(cs.capture, domain, type, protocol);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("socket", Trace.name("family", domain) + ", " + Trace.sockType(type) + ", "
                + Trace.protocol(domain, protocol), r, e);
        if (r < 0) throw fail("socket", e);
        return r;
    }

    /** {@code socketpair(2)}: two connected sockets, stored in {@code sv[0]} and {@code sv[1]}. */
    public static int socketpair(int domain, int type, int protocol, int[] sv) throws ErrnoException {
        CallState cs = CallState.get();
        MemorySegment pair = cs.small;
        int r = Libc.socketpair(cs.capture, domain, type, protocol, pair);
        int e = r < 0 ? cs.errno() : 0;
        if (r == 0) {
            sv[0] = pair.get(JAVA_INT, 0);
            sv[1] = pair.get(JAVA_INT, 4);
        }
        if (Trace.ON) Trace.line("socketpair", Trace.name("family", domain) + ", " + Trace.sockType(type) + ", "
                + Trace.protocol(domain, protocol) + ", " + (r == 0 ? "[" + sv[0] + ", " + sv[1] + "]" : addr(pair)), r, e);
        if (r < 0) throw fail("socketpair", e);
        return r;
    }

    public static int bind(int fd, sockaddr addr, int addrlen) throws ErrnoException {
        return bind(fd, seg(addr), addrlen);
    }

    /** {@code bind(2)}. */
    public static int bind(int fd, MemorySegment addr, int addrlen) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.bind(cs.capture, fd, addr, addrlen);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("bind", fd + ", " + Trace.sockaddr(addr, addrlen) + ", " + addrlen, r, e);
        if (r < 0) throw fail("bind", e);
        return r;
    }

    /** {@code listen(2)}. */
    public static int listen(int fd, int backlog) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.listen(cs.capture, fd, backlog);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("listen", fd + ", " + backlog, r, e);
        if (r < 0) throw fail("listen", e);
        return r;
    }

    /** {@code accept(2)}; {@code addr} and {@code addrlen} may be null. Returns -1 on EAGAIN. */
    public static int accept(int fd, sockaddr addr, int[] addrlen) throws ErrnoException {
        return acceptCall(fd, addr, addrlen, 0, false);
    }

    /** {@code accept4(2)}: accept with SOCK_NONBLOCK / SOCK_CLOEXEC set on the new fd. */
    public static int accept4(int fd, sockaddr addr, int[] addrlen, int flags) throws ErrnoException {
        return acceptCall(fd, addr, addrlen, flags, true);
    }

    private static int acceptCall(int fd, sockaddr addr, int[] addrlen, int flags, boolean four) throws ErrnoException {
        CallState cs = CallState.get();
        MemorySegment len = MemorySegment.NULL;
        if (addrlen != null) {
            len = cs.len2;
            len.set(JAVA_INT, 0, addrlen[0]);
        }
        int r = accept4(fd, seg(addr), len, flags, four);
        if (addrlen != null && r >= 0) addrlen[0] = len.get(JAVA_INT, 0);
        return r;
    }

    /**
     * {@code accept4(2)} on raw memory: {@code len} holds the address room on entry and the address
     * length on return. Returns the new fd, or -1 with errno EAGAIN on a non-blocking socket.
     */
    public static int accept4(int fd, MemorySegment addr, MemorySegment len, int flags, boolean four) throws ErrnoException {
        CallState cs = CallState.get();
        int in = len.equals(MemorySegment.NULL) ? 0 : len.get(JAVA_INT, 0);
        int r, e;
        do {
            r = four || Platform.ARCH == Platform.Arch.AARCH64
                    ? Libc.accept4(cs.capture, fd, addr, len, flags)
                    : Libc.accept(cs.capture, fd, addr, len);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (Trace.ON) {
            boolean as4 = four || Platform.ARCH == Platform.Arch.AARCH64;
            String a = fd + ", " + (r >= 0 ? Trace.sockaddr(addr, len.equals(MemorySegment.NULL) ? 0 : len.get(JAVA_INT, 0)) : addr(addr))
                    + ", " + (len.equals(MemorySegment.NULL) ? "NULL" : r >= 0 ? Trace.lenInOut(in, len.get(JAVA_INT, 0)) : "[" + in + "]");
            if (as4) a += ", " + Trace.flags("sockflag", flags);
            Trace.line(as4 ? "accept4" : "accept", a, r, e);
        }
        if (r < 0) {
            if (wouldBlock(e)) return -1;
            throw fail(four ? "accept4" : "accept", e);
        }
        return r;
    }

    public static int connect(int fd, sockaddr addr, int addrlen) throws ErrnoException {
        return connect(fd, seg(addr), addrlen);
    }

    /**
     * {@code connect(2)}. Returns 0 when connected, or -1 with errno EINPROGRESS (or EAGAIN for a Unix
     * socket) on a non-blocking socket: then wait for POLLOUT and read SO_ERROR.
     */
    public static int connect(int fd, MemorySegment addr, int addrlen) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.connect(cs.capture, fd, addr, addrlen);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("connect", fd + ", " + Trace.sockaddr(addr, addrlen) + ", " + addrlen, r, e);
        if (r < 0) {
            if (e == EINPROGRESS || wouldBlock(e)) return -1;
            if (e == EINTR) return finishInterruptedConnect(fd);
            throw fail("connect", e);
        }
        return r;
    }

    // An interrupted connect goes on in the kernel; C code waits for writability and reads SO_ERROR.
    private static int finishInterruptedConnect(int fd) throws ErrnoException {
        pollfd[] p = pollfd.array(1);
        p[0].fd(fd);
        p[0].events(POLLOUT);
        poll(p, 1, -1);
        int[] err = {0};
        getsockopt(fd, SOL_SOCKET, SO_ERROR, err, new int[] {4});
        if (err[0] != 0) throw fail("connect", err[0]);
        return 0;
    }

    /** {@code shutdown(2)}: SHUT_RD, SHUT_WR or SHUT_RDWR. */
    public static int shutdown(int fd, int how) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.shutdown(cs.capture, fd, how);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("shutdown", fd + ", " + Trace.name("shut", how), r, e);
        if (r < 0) throw fail("shutdown", e);
        return r;
    }

    /** {@code close(2)}. Never retried: on Linux the fd is released even when close reports EINTR. */
    public static int close(int fd) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.close(cs.capture, fd);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("close", Integer.toString(fd), r, e);
        if (r < 0 && e != EINTR) throw fail("close", e);
        return 0;
    }

    /** {@code dup2(2)}. */
    public static int dup2(int oldfd, int newfd) throws ErrnoException {
        CallState cs = CallState.get();
        int r;
        int e;
        do {
            r = Libc.dup2(cs.capture, oldfd, newfd);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (Trace.ON) Trace.line("dup2", oldfd + ", " + newfd, r, e);
        if (r < 0) throw fail("dup2", e);
        return r;
    }

    public static int getsockname(int fd, sockaddr addr, int[] addrlen) throws ErrnoException {
        return nameCall("getsockname", fd, addr, addrlen);
    }

    public static int getpeername(int fd, sockaddr addr, int[] addrlen) throws ErrnoException {
        return nameCall("getpeername", fd, addr, addrlen);
    }

    private static int nameCall(String call, int fd, sockaddr addr, int[] addrlen) throws ErrnoException {
        CallState cs = CallState.get();
        cs.len2.set(JAVA_INT, 0, addrlen[0]);
        int r = name(call, fd, seg(addr), cs.len2);
        addrlen[0] = cs.len2.get(JAVA_INT, 0);
        return r;
    }

    /** getsockname ({@code peer=false}) or getpeername on raw memory; {@code len} is value-result. */
    public static int name(String call, int fd, MemorySegment addr, MemorySegment len) throws ErrnoException {
        CallState cs = CallState.get();
        int in = len.get(JAVA_INT, 0);
        int r = call.equals("getpeername")
                ? Libc.getpeername(cs.capture, fd, addr, len)
                : Libc.getsockname(cs.capture, fd, addr, len);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) {
            int out = len.get(JAVA_INT, 0);
            Trace.line(call, fd + ", " + (r == 0 ? Trace.sockaddr(addr, Math.min(in, out)) : addr(addr)) + ", "
                    + (r == 0 ? Trace.lenInOut(in, out) : "[" + in + "]"), r, e);
        }
        if (r < 0) throw fail(call, e);
        return r;
    }

    // ==== options ============================================================================

    /** {@code setsockopt(2)} with an int value: {@code int opt = 1; setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &opt, 4)}. */
    public static int setsockopt(int fd, int level, int optname, int[] optval, int optlen) throws ErrnoException {
        MemorySegment v = CallState.get().small;
        v.set(JAVA_INT, 0, optval[0]);
        return setsockopt(fd, level, optname, v, optlen);
    }

    public static int setsockopt(int fd, int level, int optname, Struct optval, int optlen) throws ErrnoException {
        return setsockopt(fd, level, optname, seg(optval), optlen);
    }

    public static int setsockopt(int fd, int level, int optname, MemorySegment optval, int optlen) throws ErrnoException {
        CallState cs = CallState.get();
        MemorySegment v = optval.isNative() || optval.equals(MemorySegment.NULL) ? optval : nativeFor(cs, optval, optlen, true);
        int r = Libc.setsockopt(cs.capture, fd, level, optname, v, optlen);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("setsockopt", fd + ", " + Trace.level(level) + ", " + Trace.option(level, optname) + ", "
                + Trace.optval(level, optname, v, optlen) + ", " + optlen, r, e);
        if (r < 0) throw fail("setsockopt", e);
        return r;
    }

    /** {@code getsockopt(2)} into an int: {@code optval[0]}; {@code optlen[0]} is value-result. */
    public static int getsockopt(int fd, int level, int optname, int[] optval, int[] optlen) throws ErrnoException {
        CallState cs = CallState.get();
        cs.small.set(JAVA_INT, 0, 0);
        cs.len2.set(JAVA_INT, 0, optlen[0]);
        int r = getsockopt(fd, level, optname, cs.small, cs.len2);
        optval[0] = cs.small.get(JAVA_INT, 0);
        optlen[0] = cs.len2.get(JAVA_INT, 0);
        return r;
    }

    /** {@code getsockopt(2)} into a struct (linger, timeval, tcp_info). */
    public static int getsockopt(int fd, int level, int optname, Struct optval, int[] optlen) throws ErrnoException {
        CallState cs = CallState.get();
        cs.len2.set(JAVA_INT, 0, optlen[0]);
        int r = getsockopt(fd, level, optname, optval.segment(), cs.len2);
        optlen[0] = cs.len2.get(JAVA_INT, 0);
        return r;
    }

    /** {@code getsockopt(2)} on raw native memory; {@code optlen} is a native socklen_t cell. */
    public static int getsockopt(int fd, int level, int optname, MemorySegment optval, MemorySegment optlen) throws ErrnoException {
        CallState cs = CallState.get();
        int in = optlen.get(JAVA_INT, 0);
        int r = Libc.getsockopt(cs.capture, fd, level, optname, optval, optlen);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) {
            int out = optlen.get(JAVA_INT, 0);
            Trace.line("getsockopt", fd + ", " + Trace.level(level) + ", " + Trace.option(level, optname) + ", "
                    + (r == 0 ? Trace.optval(level, optname, optval, out) : addr(optval)) + ", "
                    + (r == 0 ? Trace.lenInOut(in, out) : "[" + in + "]"), r, e);
        }
        if (r < 0) throw fail("getsockopt", e);
        return r;
    }

    /** {@code fcntl(2)} with no argument (F_GETFL, F_GETFD). */
    public static int fcntl(int fd, int cmd) throws ErrnoException {
        return fcntl(fd, cmd, 0, false);
    }

    /** {@code fcntl(2)} with an int argument (F_SETFL O_NONBLOCK, F_SETFD FD_CLOEXEC). */
    public static int fcntl(int fd, int cmd, int arg) throws ErrnoException {
        return fcntl(fd, cmd, arg, true);
    }

    private static int fcntl(int fd, int cmd, int arg, boolean hasArg) throws ErrnoException {
        CallState cs = CallState.get();
        int r, e;
        do {
            r = Libc.fcntl(cs.capture, fd, cmd, arg);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (Trace.ON) {
            String a = fd + ", " + Trace.name("fcntl", cmd);
            if (hasArg) a += ", " + (cmd == F_SETFL ? oflags(arg) : cmd == F_SETFD ? Trace.flags("fdflag", arg) : Integer.toString(arg));
            String res = Trace.result(r, e);
            if (r >= 0 && cmd == F_GETFL) res = "0x" + Integer.toHexString(r) + " (flags " + oflags(r) + ")";
            if (r >= 0 && cmd == F_GETFD) res = "0x" + Integer.toHexString(r) + " (flags " + Trace.flags("fdflag", r) + ")";
            Trace.raw("fcntl", a, res);
        }
        if (r < 0) throw fail("fcntl", e);
        return r;
    }

    private static String oflags(int v) {
        String mode = switch (v & 3) { case 0 -> "O_RDONLY"; case 1 -> "O_WRONLY"; case 2 -> "O_RDWR"; default -> "0x3"; };
        int rest = v & ~3;
        return rest == 0 ? mode : mode + "|" + Trace.flags("oflag", rest);
    }

    // ==== data ===============================================================================

    public static long send(int fd, byte[] buf, long len, int flags) throws ErrnoException {
        return send(fd, MemorySegment.ofArray(buf), len, flags);
    }

    /** {@code send(2)}: bytes sent, or -1 with errno EAGAIN on a non-blocking socket. */
    public static long send(int fd, MemorySegment buf, long len, int flags) throws ErrnoException {
        return sendto(fd, buf, len, flags, MemorySegment.NULL, 0, "send");
    }

    public static long sendto(int fd, byte[] buf, long len, int flags, sockaddr dest, int addrlen) throws ErrnoException {
        return sendto(fd, MemorySegment.ofArray(buf), len, flags, seg(dest), addrlen, "sendto");
    }

    public static long sendto(int fd, MemorySegment buf, long len, int flags, sockaddr dest, int addrlen) throws ErrnoException {
        return sendto(fd, buf, len, flags, seg(dest), addrlen, "sendto");
    }

    /** {@code sendto(2)} on raw memory; {@code dest} may be NULL (then it is send). */
    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment dest, int addrlen, String call) throws ErrnoException {
        CallState cs = CallState.get();
        MemorySegment nat = nativeFor(cs, buf, len, true);
        long r;
        int e;
        do {
            r = dest.equals(MemorySegment.NULL)
                    ? Libc.send(cs.capture, fd, nat, len, flags)
                    : Libc.sendto(cs.capture, fd, nat, len, flags, dest, addrlen);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        // send() is the sendto syscall with no address, and strace shows it so.
        if (Trace.ON) Trace.line("sendto", fd + ", " + Trace.quote(nat, len) + ", " + len + ", " + Trace.flags("msg", flags)
                + ", " + Trace.sockaddr(dest, addrlen) + ", " + addrlen, r, e);
        if (r < 0) {
            if (wouldBlock(e)) return -1;
            throw fail(call, e);
        }
        return r;
    }

    public static long recv(int fd, byte[] buf, long len, int flags) throws ErrnoException {
        return recv(fd, MemorySegment.ofArray(buf), len, flags);
    }

    /** {@code recv(2)}: bytes received, 0 at end of stream, or -1 with errno EAGAIN when non-blocking. */
    public static long recv(int fd, MemorySegment buf, long len, int flags) throws ErrnoException {
        return recvfrom(fd, buf, len, flags, MemorySegment.NULL, MemorySegment.NULL, "recv");
    }

    public static long recvfrom(int fd, byte[] buf, long len, int flags, sockaddr src, int[] addrlen) throws ErrnoException {
        return recvfrom(fd, MemorySegment.ofArray(buf), len, flags, src, addrlen);
    }

    public static long recvfrom(int fd, MemorySegment buf, long len, int flags, sockaddr src, int[] addrlen) throws ErrnoException {
        CallState cs = CallState.get();
        MemorySegment l = MemorySegment.NULL;
        if (addrlen != null) {
            l = cs.len2;
            l.set(JAVA_INT, 0, addrlen[0]);
        }
        long r = recvfrom(fd, buf, len, flags, seg(src), l, "recvfrom");
        if (addrlen != null && r >= 0) addrlen[0] = l.get(JAVA_INT, 0);
        return r;
    }

    /** {@code recvfrom(2)} on raw memory; {@code src} and {@code srclen} may be NULL (then it is recv). */
    public static long recvfrom(int fd, MemorySegment buf, long len, int flags, MemorySegment src, MemorySegment srclen, String call) throws ErrnoException {
        CallState cs = CallState.get();
        MemorySegment nat = nativeFor(cs, buf, len, false);
        int in = srclen.equals(MemorySegment.NULL) ? 0 : srclen.get(JAVA_INT, 0);
        long r;
        int e;
        do {
            r = src.equals(MemorySegment.NULL) && srclen.equals(MemorySegment.NULL)
                    ? Libc.recv(cs.capture, fd, nat, len, flags)
                    : Libc.recvfrom(cs.capture, fd, nat, len, flags, src, srclen);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (r > 0) copyBack(nat, buf, Math.min(r, len));
        if (Trace.ON) {
            boolean hasLen = !srclen.equals(MemorySegment.NULL);
            int out = hasLen ? srclen.get(JAVA_INT, 0) : 0;
            Trace.line("recvfrom", fd + ", " + (r >= 0 ? Trace.quote(nat, Math.min(r, len)) : addr(nat)) + ", " + len + ", "
                    + Trace.flags("msg", flags) + ", " + (r >= 0 ? Trace.sockaddr(src, Math.min(in, out)) : addr(src)) + ", "
                    + (hasLen ? (r >= 0 ? Trace.lenInOut(in, out) : "[" + in + "]") : "NULL"), r, e);
        }
        if (r < 0) {
            if (wouldBlock(e)) return -1;
            throw fail(call, e);
        }
        return r;
    }

    public static long read(int fd, byte[] buf, long count) throws ErrnoException {
        return read(fd, MemorySegment.ofArray(buf), count);
    }

    /** {@code read(2)}: bytes read, 0 at end of file, -1 with errno EAGAIN when non-blocking. */
    public static long read(int fd, MemorySegment buf, long count) throws ErrnoException {
        CallState cs = CallState.get();
        MemorySegment nat = nativeFor(cs, buf, count, false);
        long r;
        int e;
        do {
            r = Libc.read(cs.capture, fd, nat, count);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (r > 0) copyBack(nat, buf, r);
        if (Trace.ON) Trace.line("read", fd + ", " + (r >= 0 ? Trace.quote(nat, r) : addr(nat)) + ", " + count, r, e);
        if (r < 0) {
            if (wouldBlock(e)) return -1;
            throw fail("read", e);
        }
        return r;
    }

    public static long write(int fd, byte[] buf, long count) throws ErrnoException {
        return write(fd, MemorySegment.ofArray(buf), count);
    }

    /** {@code write(2)}: bytes written, or -1 with errno EAGAIN when non-blocking. */
    public static long write(int fd, MemorySegment buf, long count) throws ErrnoException {
        CallState cs = CallState.get();
        MemorySegment nat = nativeFor(cs, buf, count, true);
        long r;
        int e;
        do {
            r = Libc.write(cs.capture, fd, nat, count);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (Trace.ON) Trace.line("write", fd + ", " + Trace.quote(nat, count) + ", " + count, r, e);
        if (r < 0) {
            if (wouldBlock(e)) return -1;
            throw fail("write", e);
        }
        return r;
    }

    /** {@code readv(2)} into {@code iovcnt} buffers of native memory. */
    public static long readv(int fd, iovec[] iov, int iovcnt) throws ErrnoException {
        return vector("readv", fd, iov, iovcnt);
    }

    /** {@code writev(2)} from {@code iovcnt} buffers of native memory. */
    public static long writev(int fd, iovec[] iov, int iovcnt) throws ErrnoException {
        return vector("writev", fd, iov, iovcnt);
    }

    private static long vector(String call, int fd, iovec[] iov, int iovcnt) throws ErrnoException {
        if (iovcnt < 0 || iovcnt > iov.length) throw new IndexOutOfBoundsException("iovcnt=" + iovcnt + ", array has " + iov.length);
        CallState cs = CallState.get();
        MemorySegment arr = cs.buffer((long) iovec.SIZEOF * Math.max(1, iovcnt));
        for (int i = 0; i < iovcnt; i++) MemorySegment.copy(iov[i].segment(), 0, arr, (long) iovec.SIZEOF * i, iovec.SIZEOF);
        boolean isRead = call.equals("readv");
        long r;
        int e;
        do {
            r = isRead ? Libc.readv(cs.capture, fd, arr, iovcnt) : Libc.writev(cs.capture, fd, arr, iovcnt);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (Trace.ON) Trace.line(call, fd + ", " + iovs(iov, iovcnt, isRead ? Math.max(r, 0) : Long.MAX_VALUE) + ", " + iovcnt, r, e);
        if (r < 0) {
            if (wouldBlock(e)) return -1;
            throw fail(call, e);
        }
        return r;
    }

    private static String iovs(iovec[] iov, int n, long limit) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            long l = iov[i].iov_len();
            long shown = Math.min(l, Math.max(0, limit));
            limit -= shown;
            sb.append("{iov_base=").append(Trace.quote(iov[i].iov_base().reinterpret(l), shown))
              .append(", iov_len=").append(l).append('}');
        }
        return sb.append(']').toString();
    }

    /** {@code sendmsg(2)}: data from msg_iov, ancillary data (SCM_RIGHTS) from msg_control. */
    public static long sendmsg(int fd, msghdr msg, int flags) throws ErrnoException {
        return msgCall("sendmsg", fd, msg, flags);
    }

    /** {@code recvmsg(2)}: 0 at end of stream, -1 with errno EAGAIN when non-blocking. */
    public static long recvmsg(int fd, msghdr msg, int flags) throws ErrnoException {
        return msgCall("recvmsg", fd, msg, flags);
    }

    private static long msgCall(String call, int fd, msghdr msg, int flags) throws ErrnoException {
        CallState cs = CallState.get();
        boolean isRecv = call.equals("recvmsg");
        int namelenIn = Trace.ON ? msg.msg_namelen() : 0;
        long r;
        int e;
        do {
            r = isRecv ? Libc.recvmsg(cs.capture, fd, msg.segment(), flags) : Libc.sendmsg(cs.capture, fd, msg.segment(), flags);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (Trace.ON) {
            // strace shows what recvmsg wrote: the data it received, and the name length before => after;
            // after a failure, only the name length it passed.
            String m = !isRecv ? msghdrText(msg.segment(), -1, Long.MAX_VALUE)
                    : r >= 0 ? msghdrText(msg.segment(), namelenIn, r) : "{msg_namelen=" + namelenIn + "}";
            Trace.line(call, fd + ", " + m + ", " + Trace.flags("msg", flags), r, e);
        }
        if (r < 0) {
            if (wouldBlock(e)) return -1;
            throw fail(call, e);
        }
        return r;
    }

    /**
     * {@code sendmmsg(2)}: sends the first {@code vlen} messages of an array made by
     * {@link mmsghdr#array(int)}, each as sendmsg would; see {@link #sendmmsg(int, MemorySegment, int, int)}.
     */
    public static int sendmmsg(int fd, mmsghdr[] msgvec, int vlen, int flags) throws ErrnoException {
        return sendmmsg(fd, contiguous(msgvec, vlen, "sendmmsg"), vlen, flags);
    }

    /**
     * {@code sendmmsg(2)} over native memory holding at least {@code vlen} mmsghdr structs: sends
     * each message as sendmsg would and sets its {@code msg_len}. Returns how many were sent, which
     * may be fewer than {@code vlen}: as in C, an error after the first message ends the call early
     * and is reported by the next one. Returns -1 with errno EAGAIN when a non-blocking socket could
     * send none. EINTR before any message went out is retried.
     */
    public static int sendmmsg(int fd, MemorySegment msgvec, int vlen, int flags) throws ErrnoException {
        checkVector(msgvec, vlen, "sendmmsg");
        CallState cs = CallState.get();
        int r, e;
        do {
            r = Libc.sendmmsg(cs.capture, fd, msgvec, vlen, flags);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        // strace prints every message it was given, with msg_len on those the call sent.
        if (Trace.ON) Trace.line("sendmmsg", fd + ", " + mmsgvec(msgvec, vlen, Math.max(r, 0), null, false) + ", "
                + vlen + ", " + Trace.flags("msg", flags), r, e);
        if (r < 0) {
            if (wouldBlock(e)) return -1;
            throw fail("sendmmsg", e);
        }
        return r;
    }

    /**
     * {@code recvmmsg(2)} into an array made by {@link mmsghdr#array(int)}; {@code timeout} may be
     * null. See {@link #recvmmsg(int, MemorySegment, int, int, MemorySegment)}.
     */
    public static int recvmmsg(int fd, mmsghdr[] msgvec, int vlen, int flags, timespec timeout) throws ErrnoException {
        return recvmmsg(fd, contiguous(msgvec, vlen, "recvmmsg"), vlen, flags, seg(timeout));
    }

    /**
     * {@code recvmmsg(2)} into native memory holding at least {@code vlen} mmsghdr structs: receives
     * up to {@code vlen} messages, each as recvmsg would, setting each one's {@code msg_len},
     * {@code msg_namelen} and {@code msg_flags}. Returns how many arrived, or -1 with errno EAGAIN when
     * nothing was queued on a non-blocking socket (or with MSG_DONTWAIT).
     *
     * <p>As in C, a blocking call waits until all {@code vlen} have arrived unless {@code flags} has
     * MSG_WAITFORONE (wait for the first, then take what is queued); {@code timeout} (a timespec, or
     * NULL) is only checked after each message arrives, and the kernel writes the time left into it.
     * EINTR before any message arrived is retried, with the time left written into {@code timeout}.
     */
    public static int recvmmsg(int fd, MemorySegment msgvec, int vlen, int flags, MemorySegment timeout) throws ErrnoException {
        checkVector(msgvec, vlen, "recvmmsg");
        boolean timed = !timeout.equals(MemorySegment.NULL);
        if (timed && timeout.byteSize() < timespec.SIZEOF) {
            throw new IndexOutOfBoundsException("recvmmsg: timeout must be a " + timespec.SIZEOF + "-byte timespec, got " + timeout.byteSize() + " bytes");
        }
        CallState cs = CallState.get();
        // strace prints the timeout and each message's name length as they were on entry.
        String timeoutIn = Trace.ON ? (timed ? timespecText(timeout) : "NULL") : null;
        int[] namelenIn = Trace.ON ? namelens(msgvec, vlen) : null;
        long deadline = timed ? deadline(timeout) : 0;
        int r, e;
        while (true) {
            r = Libc.recvmmsg(cs.capture, fd, msgvec, vlen, flags, timeout);
            e = r < 0 ? cs.errno() : 0;
            if (r >= 0 || e != EINTR) break;
            if (timed && deadline != Long.MAX_VALUE) {
                long left = Math.max(0, deadline - System.nanoTime());
                timeout.set(JAVA_LONG, 0, left / 1_000_000_000L);
                timeout.set(JAVA_LONG, 8, left % 1_000_000_000L);
            }
        }
        if (Trace.ON) {
            String res = r < 0 ? Trace.result(r, e) : r == 0 ? "0 (Timeout)" : timed ? r + " (left " + timespecText(timeout) + ")" : Integer.toString(r);
            Trace.raw("recvmmsg", fd + ", " + (r >= 0 ? mmsgvec(msgvec, r, r, namelenIn, true) : ptr(msgvec)) + ", " + vlen + ", "
                    + Trace.flags("msg", flags) + ", " + timeoutIn, res);
        }
        if (r < 0) {
            if (wouldBlock(e)) return -1;
            throw fail("recvmmsg", e);
        }
        return r;
    }

    /** When a recvmmsg timeout ends, as System.nanoTime reads; Long.MAX_VALUE if too far to matter. */
    private static long deadline(MemorySegment timeout) {
        long sec = timeout.get(JAVA_LONG, 0);
        long nsec = timeout.get(JAVA_LONG, 8);
        if (sec < 0 || sec > 1_000_000_000L) return Long.MAX_VALUE; // invalid (the kernel says EINVAL) or ~31 years
        return System.nanoTime() + sec * 1_000_000_000L + nsec;
    }

    private static void checkVector(MemorySegment msgvec, int vlen, String call) {
        if (vlen < 0) throw new IllegalArgumentException(call + ": vlen is " + vlen + "; it counts messages and cannot be negative");
        if (!msgvec.isNative()) throw new IllegalArgumentException(call + ": msgvec must be native memory");
        if (msgvec.byteSize() < (long) mmsghdr.SIZEOF * vlen) {
            throw new IndexOutOfBoundsException(call + ": vlen=" + vlen + " needs " + (long) mmsghdr.SIZEOF * vlen
                    + " bytes of mmsghdr structs, msgvec has " + msgvec.byteSize());
        }
    }

    /** The first {@code vlen} elements of {@code v} as one segment: they must lie one after another. */
    private static MemorySegment contiguous(mmsghdr[] v, int vlen, String call) {
        if (vlen < 0 || vlen > v.length) throw new IndexOutOfBoundsException(call + ": vlen=" + vlen + ", array has " + v.length);
        if (vlen == 0) return v.length == 0 ? MemorySegment.NULL : v[0].segment().asSlice(0, 0);
        MemorySegment first = v[0].segment();
        for (int i = 1; i < vlen; i++) {
            if (v[i].segment().address() != first.address() + (long) mmsghdr.SIZEOF * i) {
                throw new IllegalArgumentException(call + " needs a contiguous array: make it with mmsghdr.array(n)");
            }
        }
        return first.reinterpret((long) mmsghdr.SIZEOF * vlen);
    }

    private static int[] namelens(MemorySegment msgvec, int vlen) {
        int[] n = new int[vlen];
        for (int i = 0; i < vlen; i++) n[i] = msgvec.get(JAVA_INT, (long) mmsghdr.SIZEOF * i + 8);
        return n;
    }

    /** A pointer as strace prints one it does not decode: NULL, or its address in hex. */
    private static String ptr(MemorySegment p) { return p.equals(MemorySegment.NULL) ? "NULL" : addr(p); }

    private static String timespecText(MemorySegment ts) {
        return "{tv_sec=" + ts.get(JAVA_LONG, 0) + ", tv_nsec=" + ts.get(JAVA_LONG, 8) + "}";
    }

    /**
     * An mmsghdr array as strace prints it: the first {@code n} structs (at most {@link Trace#STRSIZE},
     * then {@code ...}), {@code msg_len} on the first {@code withLen}; received data shown up to each
     * message's msg_len when {@code dataByMsgLen}.
     */
    private static String mmsgvec(MemorySegment vec, int n, int withLen, int[] namelenIn, boolean dataByMsgLen) {
        if (vec.equals(MemorySegment.NULL) && n > 0) return "NULL";
        StringBuilder sb = new StringBuilder("[");
        int shown = Math.min(n, Trace.STRSIZE);
        for (int i = 0; i < shown; i++) {
            if (i > 0) sb.append(", ");
            MemorySegment m = vec.asSlice((long) mmsghdr.SIZEOF * i, mmsghdr.SIZEOF);
            long len = Integer.toUnsignedLong(m.get(JAVA_INT, mmsghdr.MSG_LEN_OFFSET));
            sb.append("{msg_hdr=").append(msghdrText(m, namelenIn == null ? -1 : namelenIn[i], dataByMsgLen ? len : Long.MAX_VALUE));
            if (i < withLen) sb.append(", msg_len=").append(len);
            sb.append('}');
        }
        if (n > shown) sb.append(", ...");
        return sb.append(']').toString();
    }

    /**
     * A msghdr as strace prints it. {@code namelenIn} is the name length the caller passed to a
     * receive (-1 for a send): the name is shown within the smaller of the two, and the length as
     * {@code in => out} when the call changed it. Data is shown up to {@code limit} bytes in all.
     */
    private static String msghdrText(MemorySegment m, int namelenIn, long limit) {
        long name = m.get(JAVA_LONG, 0);
        int namelen = m.get(JAVA_INT, 8);
        int nameShown = namelenIn >= 0 && namelen > namelenIn ? namelenIn : namelen;
        StringBuilder sb = new StringBuilder("{msg_name=");
        if (name == 0) sb.append("NULL");
        else if (nameShown < 2) sb.append("0x").append(Long.toHexString(name));
        else sb.append(Trace.sockaddr(MemorySegment.ofAddress(name).reinterpret(Math.min(nameShown, sockaddr_storage.SIZEOF)),
                Math.min(nameShown, sockaddr_storage.SIZEOF)));
        sb.append(", msg_namelen=");
        if (namelenIn >= 0 && namelenIn != namelen) sb.append(namelenIn).append(" => ");
        sb.append(namelen);
        long iovlen = m.get(JAVA_LONG, 24);
        sb.append(", msg_iov=").append(iovs(m.get(ValueLayout.ADDRESS, 16), iovlen, limit)).append(", msg_iovlen=").append(iovlen);
        long clen = m.get(JAVA_LONG, 40);
        if (clen > 0) sb.append(", msg_control=").append(controlText(m.get(ValueLayout.ADDRESS, 32).reinterpret(clen), clen));
        sb.append(", msg_controllen=").append(clen).append(", msg_flags=").append(Trace.flags("msg", m.get(JAVA_INT, 48))).append('}');
        return sb.toString();
    }

    /** An iovec array at {@code base}: data shown up to {@code limit} bytes in all, as strace does. */
    private static String iovs(MemorySegment base, long n, long limit) {
        if (base.equals(MemorySegment.NULL) && n > 0) return "NULL";
        StringBuilder sb = new StringBuilder("[");
        long shownCount = Math.min(n, Trace.STRSIZE);
        MemorySegment arr = base.reinterpret(iovec.SIZEOF * shownCount);
        for (int i = 0; i < shownCount; i++) {
            if (i > 0) sb.append(", ");
            long b = arr.get(JAVA_LONG, (long) iovec.SIZEOF * i);
            long l = arr.get(JAVA_LONG, (long) iovec.SIZEOF * i + 8);
            long shown = Math.min(l, Math.max(0, limit));
            limit -= shown;
            sb.append("{iov_base=").append(Trace.quote(MemorySegment.ofAddress(b).reinterpret(Math.min(shown, Trace.STRSIZE)), shown))
              .append(", iov_len=").append(l).append('}');
        }
        if (n > shownCount) sb.append(", ...");
        return sb.append(']').toString();
    }

    private static String controlText(MemorySegment ctl, long clen) {
        StringBuilder sb = new StringBuilder("[");
        boolean first = true;
        for (long off = 0; off + cmsghdr.SIZEOF <= clen; ) {
            cmsghdr c = cmsghdr.at(ctl.asSlice(off));
            long cl = c.cmsg_len();
            if (cl < cmsghdr.SIZEOF) break;
            if (!first) sb.append(", ");
            first = false;
            sb.append("{cmsg_len=").append(cl).append(", cmsg_level=").append(Trace.level(c.cmsg_level()))
              .append(", cmsg_type=").append(c.cmsg_level() == SOL_SOCKET ? Trace.name("scm", c.cmsg_type()) : Integer.toString(c.cmsg_type()));
            if (c.cmsg_level() == SOL_SOCKET && c.cmsg_type() == SCM_RIGHTS) {
                sb.append(", cmsg_data=[");
                for (long d = 0; d + 4 <= cl - cmsghdr.SIZEOF; d += 4) {
                    if (d > 0) sb.append(", ");
                    sb.append(ctl.get(JAVA_INT, off + cmsghdr.SIZEOF + d));
                }
                sb.append(']');
            }
            sb.append('}');
            off += (cl + 7) & ~7L;
        }
        return sb.append(']').toString();
    }

    // ==== ancillary data (the CMSG_* macros) =================================================

    /** {@code CMSG_ALIGN}: rounds up to the size of a long. */
    public static long CMSG_ALIGN(long len) { return (len + 7) & ~7L; }
    /** {@code CMSG_SPACE}: bytes a control message with {@code len} data bytes takes in msg_control. */
    public static long CMSG_SPACE(long len) { return CMSG_ALIGN(len) + CMSG_ALIGN(cmsghdr.SIZEOF); }
    /** {@code CMSG_LEN}: the cmsg_len value for {@code len} data bytes. */
    public static long CMSG_LEN(long len) { return CMSG_ALIGN(cmsghdr.SIZEOF) + len; }

    /** {@code CMSG_FIRSTHDR}: the first control message, or null. */
    public static cmsghdr CMSG_FIRSTHDR(msghdr msg) {
        if (msg.msg_controllen() < cmsghdr.SIZEOF) return null;
        return cmsghdr.at(msg.msg_control().reinterpret(msg.msg_controllen()));
    }

    /** {@code CMSG_NXTHDR}: the control message after {@code c}, or null. */
    public static cmsghdr CMSG_NXTHDR(msghdr msg, cmsghdr c) {
        MemorySegment ctl = msg.msg_control().reinterpret(msg.msg_controllen());
        long off = c.segment().address() - ctl.address() + CMSG_ALIGN(c.cmsg_len());
        if (c.cmsg_len() < cmsghdr.SIZEOF || off + cmsghdr.SIZEOF > msg.msg_controllen()) return null;
        cmsghdr next = cmsghdr.at(ctl.asSlice(off));
        if (off + CMSG_ALIGN(next.cmsg_len()) > msg.msg_controllen()) return null;
        return next;
    }

    /** {@code CMSG_DATA}: the data of a control message, as far as its cmsg_len reaches. */
    public static MemorySegment CMSG_DATA(cmsghdr c) {
        long len = Math.max(0, c.cmsg_len() - cmsghdr.SIZEOF);
        return c.segment().reinterpret(cmsghdr.SIZEOF + len).asSlice(cmsghdr.SIZEOF, len);
    }

    // ==== readiness ==========================================================================

    /**
     * {@code poll(2)} over {@code nfds} pollfd structs. Returns how many are ready, 0 on timeout.
     * EINTR is retried with the time that is left.
     */
    public static int poll(pollfd[] fds, int nfds, int timeout) throws ErrnoException {
        if (nfds < 0 || nfds > fds.length) throw new IndexOutOfBoundsException("nfds=" + nfds + ", array has " + fds.length);
        CallState cs = CallState.get();
        MemorySegment arr = cs.buffer((long) pollfd.SIZEOF * Math.max(1, nfds));
        for (int i = 0; i < nfds; i++) MemorySegment.copy(fds[i].segment(), 0, arr, (long) pollfd.SIZEOF * i, pollfd.SIZEOF);
        int r = poll(arr, nfds, timeout);
        for (int i = 0; i < nfds; i++) fds[i].revents(arr.get(JAVA_SHORT, (long) pollfd.SIZEOF * i + 6));
        return r;
    }

    /** {@code poll(2)} over a native array of {@code nfds} pollfd structs. */
    public static int poll(MemorySegment fds, int nfds, int timeout) throws ErrnoException {
        CallState cs = CallState.get();
        long deadline = timeout > 0 ? System.nanoTime() + timeout * 1_000_000L : 0;
        int r, e, t = timeout;
        String before = Trace.ON ? pollfds(fds, nfds, false) : null;
        while (true) {
            r = Libc.poll(cs.capture, fds, nfds, t);
            e = r < 0 ? cs.errno() : 0;
            if (r >= 0 || e != EINTR) break;
            if (timeout > 0) t = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
        }
        if (Trace.ON) {
            String res = r < 0 ? Trace.result(r, e) : r == 0 ? "0 (Timeout)" : r + " (" + pollfds(fds, nfds, true) + ")";
            Trace.raw("poll", before + ", " + nfds + ", " + timeout, res);
        }
        if (r < 0) throw fail("poll", e);
        return r;
    }

    private static String pollfds(MemorySegment fds, int n, boolean revents) {
        MemorySegment a = fds.reinterpret((long) pollfd.SIZEOF * n);
        StringBuilder sb = new StringBuilder("[");
        boolean first = true;
        for (int i = 0; i < n; i++) {
            int ev = Short.toUnsignedInt(a.get(JAVA_SHORT, (long) pollfd.SIZEOF * i + (revents ? 6 : 4)));
            if (revents && ev == 0) continue;
            if (!first) sb.append(", ");
            first = false;
            sb.append("{fd=").append(a.get(JAVA_INT, (long) pollfd.SIZEOF * i))
              .append(revents ? ", revents=" : ", events=").append(Trace.flags("poll", ev)).append('}');
        }
        return sb.append(']').toString();
    }

    // ==== names and addresses ================================================================

    /**
     * {@code getaddrinfo(3)}: resolves {@code node} and {@code service} into {@code res[0]}, a list
     * that {@link #freeaddrinfo} releases. Throws {@link GaiException} with the EAI_* code on failure.
     */
    public static int getaddrinfo(String node, String service, addrinfo hints, addrinfo[] res) throws GaiException {
        CallState cs = CallState.get();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment n = node == null ? MemorySegment.NULL : call.allocateFrom(node);
            MemorySegment s = service == null ? MemorySegment.NULL : call.allocateFrom(service);
            MemorySegment out = call.allocate(ValueLayout.ADDRESS);
            int r = Libc.getaddrinfo(cs.capture, n, s, seg(hints), out);
            if (r != 0) {
                int e = r == EAI_SYSTEM ? cs.errno() : 0;
                throw new GaiException("getaddrinfo", r, e);
            }
            MemorySegment head = out.get(ValueLayout.ADDRESS, 0);
            try {
                res[0] = copyList(head);
            } finally {
                Libc.freeaddrinfo(head);
            }
            return 0;
        }
    }

    // Copies libc's list into an arena jsock owns, so a freed list throws instead of crashing.
    private static addrinfo copyList(MemorySegment head) {
        Arena owner = Arena.ofShared();
        addrinfo first = null;
        MemorySegment prevCopy = null;
        for (MemorySegment p = head; !p.equals(MemorySegment.NULL); ) {
            MemorySegment node = p.reinterpret(addrinfo.SIZEOF);
            MemorySegment copy = owner.allocate(addrinfo.SIZEOF, 8);
            MemorySegment.copy(node, 0, copy, 0, addrinfo.SIZEOF);
            int addrlen = node.get(JAVA_INT, 16);
            MemorySegment a = node.get(ValueLayout.ADDRESS, 24);
            if (!a.equals(MemorySegment.NULL)) {
                // Room for a whole sockaddr_storage: views of it may read that far.
                MemorySegment ac = owner.allocate(Math.max(addrlen, sockaddr_storage.SIZEOF), 8);
                MemorySegment.copy(a.reinterpret(addrlen), 0, ac, 0, addrlen);
                copy.set(ValueLayout.ADDRESS, 24, ac);
            }
            MemorySegment cn = node.get(ValueLayout.ADDRESS, 32);
            if (!cn.equals(MemorySegment.NULL)) {
                copy.set(ValueLayout.ADDRESS, 32, owner.allocateFrom(cn.reinterpret(Long.MAX_VALUE).getString(0)));
            }
            copy.set(ValueLayout.ADDRESS, 40, MemorySegment.NULL);
            if (prevCopy != null) prevCopy.set(ValueLayout.ADDRESS, 40, copy);
            else first = addrinfo.node(copy, owner);
            prevCopy = copy;
            p = node.get(ValueLayout.ADDRESS, 40);
        }
        if (first == null) {
            owner.close();
        }
        return first;
    }

    /** {@code freeaddrinfo(3)}: releases a list from getaddrinfo; later access to it throws. */
    public static void freeaddrinfo(addrinfo res) {
        if (res != null && res.owner != null && res.owner.scope().isAlive()) res.owner.close();
    }

    /** {@code gai_strerror(3)}: the text for an EAI_* code. */
    public static String gai_strerror(int errcode) { return Libc.gai_strerror(errcode); }

    /**
     * {@code getnameinfo(3)}: host and service text for an address. Pass a StringBuilder to receive
     * each (or null to skip it), as C passes a buffer or NULL.
     */
    public static int getnameinfo(sockaddr sa, int salen, StringBuilder host, int hostlen,
                                  StringBuilder serv, int servlen, int flags) throws GaiException {
        CallState cs = CallState.get();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment h = host == null ? MemorySegment.NULL : call.allocate(Math.max(1, hostlen));
            MemorySegment s = serv == null ? MemorySegment.NULL : call.allocate(Math.max(1, servlen));
            int r = Libc.getnameinfo(cs.capture, sa.segment(), salen, h, host == null ? 0 : hostlen, s, serv == null ? 0 : servlen, flags);
            if (r != 0) throw new GaiException("getnameinfo", r, r == EAI_SYSTEM ? cs.errno() : 0);
            if (host != null) host.setLength(0);
            if (host != null) host.append(h.getString(0));
            if (serv != null) serv.setLength(0);
            if (serv != null) serv.append(s.getString(0));
            return 0;
        }
    }

    /**
     * {@code inet_pton(3)}: text to binary address in {@code dst} (an in_addr, in6_addr, or 4/16 bytes
     * of native memory). Returns 1, or 0 when {@code src} is not a valid address of that family.
     */
    public static int inet_pton(int af, String src, Struct dst) throws ErrnoException {
        return inet_pton(af, src, dst.segment());
    }

    public static int inet_pton(int af, String src, MemorySegment dst) throws ErrnoException {
        CallState cs = CallState.get();
        long need = af == AF_INET6 ? 16 : 4;
        if (dst.byteSize() < need) throw new IndexOutOfBoundsException("inet_pton needs " + need + " bytes, dst has " + dst.byteSize());
        try (Arena call = Arena.ofConfined()) {
            MemorySegment tmp = call.allocate(16);
            int r = Libc.inet_pton(cs.capture, af, call.allocateFrom(src), tmp);
            if (r < 0) throw fail("inet_pton", cs.errno());
            if (r == 1) MemorySegment.copy(tmp, 0, dst, 0, need);
            return r;
        }
    }

    /** {@code inet_ntop(3)}: binary address (in_addr or in6_addr) to text. */
    public static String inet_ntop(int af, Struct src) throws ErrnoException {
        return inet_ntop(af, src.segment());
    }

    public static String inet_ntop(int af, MemorySegment src) throws ErrnoException {
        CallState cs = CallState.get();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment s = call.allocate(16);
            MemorySegment.copy(src, 0, s, 0, Math.min(src.byteSize(), 16));
            MemorySegment dst = call.allocate(INET6_ADDRSTRLEN);
            MemorySegment r = Libc.inet_ntop(cs.capture, af, s, dst, INET6_ADDRSTRLEN);
            if (r.equals(MemorySegment.NULL)) throw fail("inet_ntop", cs.errno());
            return dst.getString(0, StandardCharsets.US_ASCII);
        }
    }

    // ==== epoll, eventfd, timerfd ============================================================

    /** {@code epoll_create1(2)}: a new epoll instance (pass EPOLL_CLOEXEC). */
    public static int epoll_create1(int flags) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.epoll_create1(cs.capture, flags);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("epoll_create1", Trace.flags("epollflag", flags), r, e);
        if (r < 0) throw fail("epoll_create1", e);
        return r;
    }

    public static int epoll_ctl(int epfd, int op, int fd, epoll_event event) throws ErrnoException {
        return epoll_ctl(epfd, op, fd, seg(event));
    }

    /** {@code epoll_ctl(2)}: EPOLL_CTL_ADD, EPOLL_CTL_MOD or EPOLL_CTL_DEL {@code fd}. */
    public static int epoll_ctl(int epfd, int op, int fd, MemorySegment event) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.epoll_ctl(cs.capture, epfd, op, fd, event);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("epoll_ctl", epfd + ", " + Trace.name("epollctl", op) + ", " + fd + ", "
                + (event.equals(MemorySegment.NULL) ? "NULL" : epollEvents(event, 1)), r, e);
        if (r < 0) throw fail("epoll_ctl", e);
        return r;
    }

    /** {@code epoll_wait(2)} into an array made by {@link epoll_event#array(int)}. */
    public static int epoll_wait(int epfd, epoll_event[] events, int maxevents, int timeout) throws ErrnoException {
        if (maxevents < 1 || maxevents > events.length) throw new IndexOutOfBoundsException("maxevents=" + maxevents + ", array has " + events.length);
        MemorySegment first = events[0].segment();
        MemorySegment arr = first.reinterpret((long) epoll_event.SIZEOF * maxevents);
        for (int i = 1; i < maxevents; i++) {
            if (events[i].segment().address() != first.address() + (long) epoll_event.SIZEOF * i) {
                throw new IllegalArgumentException("epoll_wait needs a contiguous array: make it with epoll_event.array(n)");
            }
        }
        return epoll_wait(epfd, arr, maxevents, timeout);
    }

    /**
     * {@code epoll_wait(2)} into native memory holding {@code maxevents} epoll_event structs. Returns
     * the number ready, 0 on timeout. EINTR is retried with the time that is left.
     */
    public static int epoll_wait(int epfd, MemorySegment events, int maxevents, int timeout) throws ErrnoException {
        CallState cs = CallState.get();
        long deadline = timeout > 0 ? System.nanoTime() + timeout * 1_000_000L : 0;
        int r, e, t = timeout;
        while (true) {
            r = Libc.epoll_wait(cs.capture, epfd, events, maxevents, t);
            e = r < 0 ? cs.errno() : 0;
            if (r >= 0 || e != EINTR) break;
            if (timeout > 0) t = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
        }
        if (Trace.ON) Trace.line("epoll_wait", epfd + ", " + (r > 0 ? epollEvents(events, r) : r == 0 ? "[]" : addr(events))
                + ", " + maxevents + ", " + timeout, r, e);
        if (r < 0) throw fail("epoll_wait", e);
        return r;
    }

    private static String epollEvents(MemorySegment arr, int n) {
        MemorySegment a = arr.reinterpret((long) epoll_event.SIZEOF * n);
        StringBuilder sb = new StringBuilder(n > 1 || arr.byteSize() > epoll_event.SIZEOF ? "[" : "");
        boolean list = sb.length() > 0;
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            long d = epoll_event.data(a, i);
            sb.append("{events=").append(Trace.flags("epoll", epoll_event.events(a, i))).append(", data={u32=")
              .append(Integer.toUnsignedString((int) d)).append(", u64=").append(Long.toUnsignedString(d)).append("}}");
        }
        if (list) sb.append(']');
        return sb.toString();
    }

    /** {@code eventfd(2)}: a counter fd that a write wakes and a read drains. */
    public static int eventfd(int initval, int flags) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.eventfd(cs.capture, initval, flags);
        int e = r < 0 ? cs.errno() : 0;
        // glibc's eventfd() is the eventfd2 system call, and strace names it so.
        if (Trace.ON) Trace.line("eventfd2", initval + ", " + Trace.flags("efd", flags), r, e);
        if (r < 0) throw fail("eventfd", e);
        return r;
    }

    /** {@code timerfd_create(2)}: a timer that becomes readable when it expires. */
    public static int timerfd_create(int clockid, int flags) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.timerfd_create(cs.capture, clockid, flags);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("timerfd_create", Trace.name("clock", clockid) + ", " + Trace.flags("tfd", flags), r, e);
        if (r < 0) throw fail("timerfd_create", e);
        return r;
    }

    /** {@code timerfd_settime(2)}; {@code old_value} may be null. */
    public static int timerfd_settime(int fd, int flags, itimerspec new_value, itimerspec old_value) throws ErrnoException {
        return timerfd_settime(fd, flags, new_value.segment(), seg(old_value));
    }

    public static int timerfd_settime(int fd, int flags, MemorySegment new_value, MemorySegment old_value) throws ErrnoException {
        CallState cs = CallState.get();
        int r = Libc.timerfd_settime(cs.capture, fd, flags, new_value, old_value);
        int e = r < 0 ? cs.errno() : 0;
        if (Trace.ON) Trace.line("timerfd_settime", fd + ", " + Trace.flags("tfdset", flags) + ", " + itimer(new_value) + ", "
                + (old_value.equals(MemorySegment.NULL) ? "NULL" : itimer(old_value)), r, e);
        if (r < 0) throw fail("timerfd_settime", e);
        return r;
    }

    private static String itimer(MemorySegment s) {
        MemorySegment a = s.reinterpret(itimerspec.SIZEOF);
        return "{it_interval={tv_sec=" + a.get(JAVA_LONG, 0) + ", tv_nsec=" + a.get(JAVA_LONG, 8) + "}, it_value={tv_sec="
                + a.get(JAVA_LONG, 16) + ", tv_nsec=" + a.get(JAVA_LONG, 24) + "}}";
    }

    // ==== files and devices: open and ioctl ===================================================

    /** {@code open(2)}: opens {@code path} (a device such as /dev/net/tun, say) and returns the new fd. */
    public static int open(String path, int flags) throws ErrnoException {
        return open(path, flags, 0);
    }

    /** {@code open(2)} with a mode, which counts when {@code flags} hold O_CREAT. */
    public static int open(String path, int flags, int mode) throws ErrnoException {
        try (Arena call = Arena.ofConfined()) {
            return open(call.allocateFrom(path), flags, mode);
        }
    }

    /** {@code open(2)} with the path as a NUL-terminated C string in native memory. EINTR is retried. */
    public static int open(MemorySegment path, int flags, int mode) throws ErrnoException {
        CallState cs = CallState.get();
        int r, e;
        do {
            r = Libc.open(cs.capture, path, flags, mode);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        // glibc's open() is the openat system call on the working directory, and strace shows it so,
        // with the mode only when the flags create a file.
        if (Trace.ON) {
            String p = path.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.ISO_8859_1);
            byte[] b = p.getBytes(StandardCharsets.ISO_8859_1);
            String a = "AT_FDCWD, " + Trace.quote(b, 0, b.length, false) + ", " + oflags(flags);
            if ((flags & O_CREAT) != 0) a += ", 0" + Integer.toOctalString(mode);
            Trace.line("openat", a, r, e);
        }
        if (r < 0) throw fail("open", e);
        return r;
    }

    /** {@code ioctl(2)} with a struct: {@code ioctl(fd, TUNSETIFF, &ifr)}. */
    public static int ioctl(int fd, long request, Struct arg) throws ErrnoException {
        return ioctl(fd, request, seg(arg));
    }

    /**
     * {@code ioctl(2)} with a pointer argument: native memory the call reads or writes (or NULL).
     * Heap memory is copied in and back out, all {@code arg.byteSize()} bytes. EINTR is retried.
     */
    public static int ioctl(int fd, long request, MemorySegment arg) throws ErrnoException {
        CallState cs = CallState.get();
        MemorySegment nat = arg.isNative() || arg.equals(MemorySegment.NULL) ? arg : nativeFor(cs, arg, arg.byteSize(), true);
        int r, e;
        do {
            r = Libc.ioctl(cs.capture, fd, request, nat);
            e = r < 0 ? cs.errno() : 0;
        } while (r < 0 && e == EINTR);
        if (r >= 0) copyBack(nat, arg, arg.byteSize());
        // The kernel takes the request as 32 bits; strace names known ones and prints the argument's address.
        if (Trace.ON) Trace.line("ioctl", fd + ", " + ioctlName(request) + ", "
                + (nat.equals(MemorySegment.NULL) ? "NULL" : addr(nat)), r, e);
        if (r < 0) throw fail("ioctl", e);
        return r;
    }

    private static String ioctlName(long request) {
        long cmd = request & 0xFFFF_FFFFL;
        String n = Platform.name("ioctl", cmd);
        return n != null ? n : "0x" + Long.toHexString(cmd);
    }

    /** The process id, as strace -f labels lines. */
    public static int getpid() { return Libc.getpid(); }
}
