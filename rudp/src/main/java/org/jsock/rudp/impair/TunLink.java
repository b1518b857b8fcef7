package org.jsock.rudp.impair;

import org.jsock.net.Poller;
import org.jsock.sys.ErrnoException;
import org.jsock.sys.ifreq;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.jsock.sys.Sys.IFF_NO_PI;
import static org.jsock.sys.Sys.IFF_TUN;
import static org.jsock.sys.Sys.O_CLOEXEC;
import static org.jsock.sys.Sys.O_NONBLOCK;
import static org.jsock.sys.Sys.O_RDWR;
import static org.jsock.sys.Sys.TUNSETIFF;

/**
 * A userspace netem for IP packets: two network namespaces joined by a link that this object
 * impairs, so that the kernel's own TCP (or UDP, or anything over IPv4) between programs in the
 * two namespaces meets loss, delay, a bottleneck rate and queue, as a {@link LinkModel} decides.
 * It is for machines without {@code tc qdisc ... netem}: it needs only {@code /dev/net/tun},
 * {@code ip} (iproute2) and root (CAP_NET_ADMIN and CAP_SYS_ADMIN, to make namespaces).
 *
 * <p>{@link #start} builds, in this order:
 * <ol>
 *   <li>two namespaces with {@code ip netns add}, named {@code jsock-a-<pid>-<n>} and
 *       {@code jsock-b-<pid>-<n>} ({@code n} counts links made by this JVM), so that concurrent
 *       links and processes never collide;
 *   <li>two TUN devices ({@code open("/dev/net/tun")}, {@code ioctl(TUNSETIFF)} with
 *       {@code IFF_TUN | IFF_NO_PI}: plain IP packets, no header), named {@code jsock<k>} by the
 *       kernel, each moved into its namespace with {@code ip link set dev ... netns ...};
 *   <li>in each namespace: loopback up, the TUN device up with address {@code 10.77.<n>.1/30}
 *       (in A) or {@code 10.77.<n>.2/30} (in B), which routes the other address through it. IPv6
 *       address generation is off on the devices ({@code addrgenmode none}), so the link carries
 *       only what programs send, not router solicitations. Since each namespace holds only its
 *       loopback and its device, two links' addresses never meet, even where they repeat.
 * </ol>
 * Then a thread forwards every packet the kernel sends out of one device into the other, through
 * a LinkModel per direction: A to B seeded with {@code seed}, B to A with {@code seed + 1}, the
 * same semantics as {@link Relay} (delay queue, rate, drop-tail queue, loss and bursts, jitter,
 * reordering, duplication, corruption, blackouts). Each IP packet is one datagram to the model, so
 * the rate counts whole IP packets, headers included. Corrupted packets are caught by the IP, TCP
 * or UDP checksums of the receiving kernel and dropped there, as on a real link. Deliveries are
 * timed to the millisecond (the loop sleeps in whole milliseconds), and are never early.
 *
 * <p>Programs run in a namespace with {@code ip netns exec NAME command...}, which
 * {@link #commandInA} and {@link #commandInB} build:
 * <pre>{@code
 * try (TunLink link = TunLink.start(Impairment.builder().delayMillis(15).rateMbps(10).queue(25).build(),
 *                                   Impairment.builder().delayMillis(15).build(), 1)) {
 *     Process server = new ProcessBuilder(link.commandInB("iperf3", "-s", "-1")).start();
 *     Process client = new ProcessBuilder(link.commandInA("iperf3", "-c", link.addressB())).start();
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the thread, closes both TUN fds (which removes the devices: they are
 * not persistent) and deletes both namespaces; processes still running in a namespace keep it
 * alive but find no device in it. A shutdown hook closes a link the program forgot, on a normal
 * exit or SIGINT/SIGTERM; after a SIGKILL the namespaces remain and {@link #removeStale()} deletes
 * them.
 */
public final class TunLink implements AutoCloseable {
    /** The devices' MTU: the kernel's default for TUN, as on Ethernet. */
    public static final int MTU = 1500;
    /** The prefix length of both addresses: a /30 holds exactly the two ends. */
    public static final int PREFIX_LENGTH = 30;
    static final long MAX_PENDING_BYTES = 64L << 20;
    /** Packets read per readiness event before the loop looks at deliveries again. */
    private static final int READ_BATCH = 64;
    /** Larger than any packet a TUN device without offloads hands out. */
    private static final int READ_BUFFER = 65_536;
    private static final Pattern NAMESPACE = Pattern.compile("jsock-[ab]-(\\d+)-(\\d+)");
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Path TUN = Path.of("/dev/net/tun");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_SECONDS = 20;

    private final String namespaceA;
    private final String namespaceB;
    private final String deviceA;
    private final String deviceB;
    private final String addressA;
    private final String addressB;
    private final int fdA;
    private final int fdB;
    private final Poller poller;
    private final LinkModel aToB;
    private final LinkModel bToA;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private final Thread shutdownHook;
    private final Object closeLock = new Object();
    private boolean closed;
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile long forwardDrops;
    // Loop thread only.
    private final PriorityQueue<Pending> pending = new PriorityQueue<>((x, y) ->
            x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.seq, y.seq));
    private long pendingBytes;
    private long nextSeq;
    private final MemorySegment readBuffer = Arena.ofAuto().allocate(READ_BUFFER, 16);
    private final byte[] heap = new byte[READ_BUFFER];

    private TunLink(String namespaceA, String namespaceB, String deviceA, String deviceB, String addressA, String addressB,
                    int fdA, int fdB, Poller poller, Impairment aToB, Impairment bToA, long seed) {
        this.namespaceA = namespaceA;
        this.namespaceB = namespaceB;
        this.deviceA = deviceA;
        this.deviceB = deviceB;
        this.addressA = addressA;
        this.addressB = addressB;
        this.fdA = fdA;
        this.fdB = fdB;
        this.poller = poller;
        this.aToB = new LinkModel(aToB, seed);
        this.bToA = new LinkModel(bToA, seed + 1);
        this.thread = Thread.ofPlatform().daemon(true).name("jsock tun " + namespaceA + " <-> " + namespaceB).unstarted(this::loop);
        this.shutdownHook = Thread.ofPlatform().unstarted(this::close);
    }

    /**
     * Why a TunLink cannot be made here, or empty when it can: {@code /dev/net/tun} must be
     * readable and writable (root) and {@code ip} must run. Tests skip on a reason; a CLI prints it.
     */
    public static Optional<String> unavailable() {
        if (!Files.exists(TUN)) return Optional.of(TUN + " does not exist: this kernel has no TUN driver (modprobe tun)");
        if (!Files.isReadable(TUN) || !Files.isWritable(TUN)) {
            return Optional.of("opening " + TUN + " needs root (CAP_NET_ADMIN), and so do network namespaces; run as root");
        }
        try {
            run(List.of("ip", "-V"));
        } catch (IOException e) {
            return Optional.of("the ip command (iproute2) is needed to make namespaces: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Builds the two namespaces and their link (see the class description) and starts forwarding.
     * On any failure everything made so far is removed and an IOException says which step failed.
     *
     * @param aToB what the link does to packets from A to B
     * @param bToA what it does from B to A
     * @param seed the A-to-B model's seed; B to A uses {@code seed + 1}
     */
    public static TunLink start(Impairment aToB, Impairment bToA, long seed) throws IOException {
        Objects.requireNonNull(aToB, "aToB");
        Objects.requireNonNull(bToA, "bToA");
        int n = COUNTER.getAndIncrement();
        long pid = ProcessHandle.current().pid();
        String nsA = "jsock-a-" + pid + "-" + n;
        String nsB = "jsock-b-" + pid + "-" + n;
        String subnet = "10.77." + (n % 256) + ".";
        String addrA = subnet + "1";
        String addrB = subnet + "2";
        List<String> namespaces = new ArrayList<>();
        int fdA = -1, fdB = -1;
        Poller poller = null;
        try {
            for (String ns : List.of(nsA, nsB)) {
                run(List.of("ip", "netns", "add", ns));
                namespaces.add(ns);
            }
            fdA = openTun();
            String devA = tunName(fdA);
            fdB = openTun();
            String devB = tunName(fdB);
            configure(nsA, devA, addrA);
            configure(nsB, devB, addrB);
            poller = Poller.open();
            poller.add(fdA, Poller.IN, Side.A);
            poller.add(fdB, Poller.IN, Side.B);
            TunLink link = new TunLink(nsA, nsB, devA, devB, addrA, addrB, fdA, fdB, poller, aToB, bToA, seed);
            Runtime.getRuntime().addShutdownHook(link.shutdownHook);
            link.thread.start();
            return link;
        } catch (IOException | RuntimeException | Error e) {
            if (poller != null) poller.close();
            closeQuietly(fdA);
            closeQuietly(fdB);
            for (String ns : namespaces) {
                try {
                    run(List.of("ip", "netns", "del", ns));
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Both directions impaired alike (each with its own random stream). */
    public static TunLink start(Impairment both, long seed) throws IOException {
        return start(both, both, seed);
    }

    private static int openTun() throws IOException {
        try {
            return org.jsock.sys.Sys.open(TUN.toString(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        } catch (ErrnoException e) {
            throw new IOException("cannot open " + TUN + ": " + e.getMessage() + " (" + e.error().name() + ")"
                    + (e.error().name().equals("EACCES") || e.error().name().equals("EPERM") ? "; TunLink needs root" : ""), e);
        }
    }

    /** Makes the fd a TUN device (IP packets, no header); returns the name the kernel chose. */
    private static String tunName(int fd) throws IOException {
        ifreq ifr = new ifreq();
        ifr.ifr_name("jsock%d");
        ifr.ifr_flags(IFF_TUN | IFF_NO_PI);
        try {
            org.jsock.sys.Sys.ioctl(fd, TUNSETIFF, ifr);
        } catch (ErrnoException e) {
            throw new IOException("cannot make a TUN device (ioctl TUNSETIFF): " + e.getMessage() + " (" + e.error().name() + ")", e);
        }
        return ifr.ifr_name();
    }

    private static void configure(String ns, String dev, String address) throws IOException {
        run(List.of("ip", "link", "set", "dev", dev, "netns", ns));
        run(List.of("ip", "-n", ns, "link", "set", "dev", "lo", "up"));
        run(List.of("ip", "-n", ns, "link", "set", "dev", dev, "mtu", Integer.toString(MTU), "addrgenmode", "none"));
        run(List.of("ip", "-n", ns, "addr", "add", address + "/" + PREFIX_LENGTH, "dev", dev));
        run(List.of("ip", "-n", ns, "link", "set", "dev", dev, "up"));
    }

    // ---- what users see -------------------------------------------------------------------------

    public String namespaceA() { return namespaceA; }

    public String namespaceB() { return namespaceB; }

    /** The TUN device in namespace A, as {@code ip -n A link} names it ({@code jsock3}, say). */
    public String deviceA() { return deviceA; }

    public String deviceB() { return deviceB; }

    /** A's IPv4 address on the link ({@code 10.77.n.1}); B reaches A there. */
    public String addressA() { return addressA; }

    /** B's IPv4 address on the link ({@code 10.77.n.2}); A reaches B there. */
    public String addressB() { return addressB; }

    public Impairment impairmentAToB() { return aToB.impairment(); }

    public Impairment impairmentBToA() { return bToA.impairment(); }

    /** What the link did to packets from A to B so far (a snapshot). */
    public LinkStats statsAToB() { return aToB.stats(); }

    /** What the link did to packets from B to A so far (a snapshot). */
    public LinkStats statsBToA() { return bToA.stats(); }

    /**
     * Packets the forwarder itself dropped, apart from the impairment: the kernel refused to take
     * them (a corrupted IP version field makes a TUN write fail with EINVAL), or more than
     * {@value #MAX_PENDING_BYTES} bytes were waiting for delivery.
     */
    public long forwardDrops() { return forwardDrops; }

    /** True until {@link #close()} or a failure stops forwarding. */
    public boolean isRunning() { return !closing && thread.isAlive(); }

    /** What stopped forwarding, if something other than {@link #close()} did; else null. */
    public Throwable failure() { return failure; }

    /** {@code ip netns exec <namespace A> command...}: a command line that runs {@code command} in A. */
    public List<String> commandInA(String... command) { return inNamespace(namespaceA, command); }

    /** {@code ip netns exec <namespace B> command...}. */
    public List<String> commandInB(String... command) { return inNamespace(namespaceB, command); }

    /**
     * {@code ip netns exec NAME command...}, for {@link ProcessBuilder}. The command runs with the
     * namespace's network (its loopback and TUN device only) and otherwise as this process would.
     */
    public static List<String> inNamespace(String namespace, String... command) {
        Objects.requireNonNull(namespace, "namespace");
        if (command.length == 0) throw new IllegalArgumentException("no command to run in " + namespace);
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        line.addAll(List.of(command));
        return line;
    }

    /**
     * Stops forwarding, closes both TUN fds (removing the devices) and deletes both namespaces.
     * Idempotent; a call made while another is closing waits for it. A namespace that cannot be
     * deleted is reported as an IllegalStateException after the other one has been tried too.
     */
    @Override
    public void close() {
        // Whole, so that a second caller (the shutdown hook, say) returns only once the first is done.
        synchronized (closeLock) {
            if (closed) return;
            closed = true;
            closeOnce();
        }
    }

    private void closeOnce() {
        closing = true;
        // A loop that failed has closed its poller already.
        if (thread.isAlive()) poller.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it will find the link closed
            }
        }
        List<String> problems = new ArrayList<>();
        for (String ns : List.of(namespaceA, namespaceB)) {
            try {
                run(List.of("ip", "netns", "del", ns));
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) throw new IllegalStateException(String.join("; ", problems));
    }

    /**
     * Deletes namespaces that links of dead processes left behind (after a SIGKILL, say): those
     * named {@code jsock-a-<pid>-<n>} or {@code jsock-b-<pid>-<n>} whose process no longer runs.
     * Returns their names.
     */
    public static List<String> removeStale() throws IOException {
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(NETNS_DIR)) return removed;
        List<String> names;
        try (Stream<Path> s = Files.list(NETNS_DIR)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String name : names) {
            Matcher m = NAMESPACE.matcher(name);
            if (!m.matches()) continue;
            long pid = Long.parseLong(m.group(1));
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
            run(List.of("ip", "netns", "del", name));
            removed.add(name);
        }
        return removed;
    }

    // ---- the loop -------------------------------------------------------------------------------

    private enum Side { A, B }

    private long clock() { return System.nanoTime() - startNanos; }

    private void loop() {
        try {
            while (!closing) {
                int n = poller.poll(sleepMillis(clock()));
                for (int i = 0; i < n && !closing; i++) {
                    if (poller.readyAttachment(i) == Side.A) forward(fdA, aToB, fdB);
                    else if (poller.readyAttachment(i) == Side.B) forward(fdB, bToA, fdA);
                }
                deliverDue(clock());
            }
        } catch (Throwable e) {
            if (!closing) failure = e;
        } finally {
            closing = true;
            pending.clear();
            poller.close();
            closeQuietly(fdA);
            closeQuietly(fdB);
        }
    }

    /** Until the next delivery is due, rounded up to a whole millisecond (so never early); -1 with none. */
    private int sleepMillis(long now) {
        Pending next = pending.peek();
        if (next == null) return -1;
        long wait = next.at - now;
        if (wait <= 0) return 0;
        return (int) Math.min(Integer.MAX_VALUE, (wait + 999_999) / 1_000_000);
    }

    /** Reads what the kernel sent out of {@code from}'s device and offers each packet to the model. */
    private void forward(int from, LinkModel model, int to) throws IOException {
        for (int i = 0; i < READ_BATCH; i++) {
            long n = org.jsock.sys.Sys.read(from, readBuffer, READ_BUFFER);
            if (n <= 0) return; // -1: nothing more now (EAGAIN)
            long now = clock();
            MemorySegment.copy(readBuffer, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, heap, 0, (int) n);
            for (LinkModel.Delivery d : model.offer(now, heap, 0, (int) n)) {
                if (pendingBytes + d.data().length > MAX_PENDING_BYTES) {
                    forwardDrops++;
                    continue;
                }
                pendingBytes += d.data().length;
                pending.add(new Pending(d.atNanos(), nextSeq++, to, d.data()));
            }
        }
    }

    private void deliverDue(long now) {
        while (!pending.isEmpty() && pending.peek().at <= now) {
            Pending p = pending.poll();
            pendingBytes -= p.data.length;
            try {
                // A TUN write hands the packet to the namespace's stack at once; it does not block.
                if (org.jsock.sys.Sys.write(p.fd, p.data, p.data.length) < 0) forwardDrops++;
            } catch (ErrnoException e) {
                // EINVAL: not an IP packet any more (corrupted version field); EIO: device down.
                forwardDrops++;
            }
        }
    }

    private record Pending(long at, long seq, int fd, byte[] data) {}

    // ---- helpers --------------------------------------------------------------------------------

    private static void closeQuietly(int fd) {
        if (fd < 0) return;
        try {
            org.jsock.sys.Sys.close(fd);
        } catch (ErrnoException ignored) {
            // closing an fd we own does not fail
        }
    }

    /** Runs a command (ip), waiting up to 20 s; an IOException carries its output when it fails. */
    static String run(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + ")"
                    + (output.isEmpty() ? "" : ": " + output));
        }
        return output;
    }
}
