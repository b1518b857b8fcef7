package org.jsock.cli;

import org.jsock.examples.Example;
import org.jsock.examples.Examples;
import org.jsock.net.Family;
import org.jsock.net.SockAddr;
import org.jsock.net.Socket;
import org.jsock.sys.internal.Trace;
import picocli.CommandLine.Command;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
                "Watch the socket calls happen: the seeds' programs, traced as strace would.",
                "",
                "Runs the seeds' programs in one process over loopback:",
                "seed 000's hello server and client, then seed 002's echo server and tcp_client, on the",
                "sys level (the C calls, line by line). Each call is printed as strace prints it, with",
                "its real fd, port and return value, labelled [server] or [client].",
                ""})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    private static final PrintStream OUT = System.out;

    @Override
    public Integer call() throws Exception {
        Trace.sink(OUT);
        OUT.println("jsock demo: the Berkeley socket calls, made from Java through FFM, shown as strace shows them.");
        OUT.println("Lines in [brackets] are calls, with their real fds and results; lines with > are program output.");
        OUT.println("([demo] lines find a free port: bind to port 0, and getsockname tells which one the kernel chose.)");
        OUT.println();
        int port = freePort();
        OUT.println("== 1. Seed 000: a server says hello (port " + port + ") ==");
        OUT.println("   server: socket -> bind -> listen -> accept -> send -> close");
        OUT.println("   client: socket -> connect -> recv -> close");
        OUT.println();
        int a = pair("hello-server", new String[] {Integer.toString(port)}, "hello-client", new String[] {Integer.toString(port)});
        OUT.println();
        port = freePort();
        OUT.println("== 2. Seed 002: an echo server and tcp_client (port " + port + ") ==");
        OUT.println("   server: socket -> setsockopt(SO_REUSEADDR) -> bind -> listen -> accept -> read -> write -> close");
        OUT.println("   client: getaddrinfo (no syscall: libc) -> socket -> connect -> write -> read -> close");
        OUT.println();
        int b = pair("tcp-server", new String[] {Integer.toString(port)}, "tcp-client", new String[] {"127.0.0.1", Integer.toString(port)});
        OUT.println();
        OUT.println("== 3. Half-close: the client says it is done sending, and still gets the answer ==");
        OUT.println("   client: send -> shutdown(SHUT_WR) -> recv until the server closes");
        OUT.println("   server: recv until 0 (EOF: the client's shutdown) -> send -> close");
        OUT.println();
        int c = halfClose();
        OUT.println();
        OUT.println("What you saw: send() and recv() appear as sendto/recvfrom, because that is the system call");
        OUT.println("libc makes for them; strace shows the same. Every line above is a real call on a real fd.");
        OUT.println();
        OUT.println("Try next:");
        OUT.println("  ./jsock example --list                        the seeds' programs, on both API levels");
        OUT.println("  ./jsock --trace example --level sys create-socket");
        OUT.println("  ./jsock listen 9000   and in another terminal   ./jsock connect 127.0.0.1 9000");
        OUT.println("  ./jsock --trace connect 127.0.0.1 9           a refused connection, as strace shows it");
        OUT.println("  ./jsock resolve localhost                     getaddrinfo, as seed 002's resolve.c");
        OUT.println("  ./jsock --help");
        return a != 0 ? a : b != 0 ? b : c;
    }

    /** The typed API this time: a client half-closes, the server sees EOF yet can still reply. */
    private static int halfClose() throws Exception {
        Trace.label("server");
        try (Socket server = Socket.listenOn(SockAddr.Inet4.loopback(0), 1)) {
            SockAddr where = server.localAddress();
            Thread st = Thread.ofPlatform().name("server").start(() -> {
                Trace.label("server");
                try (Socket c = server.accept()) {
                    byte[] buf = new byte[64];
                    int total = 0;
                    int n;
                    while ((n = c.recv(buf, total, buf.length - total)) != Socket.EOF) total += n;
                    byte[] reply = ("got " + total + " bytes, then EOF\n").getBytes(StandardCharsets.US_ASCII);
                    c.sendAll(reply, 0, reply.length);
                } catch (Exception e) {
                    OUT.println("[server] error: " + Main.describe(e));
                }
            });
            Trace.label("client");
            try (Socket c = Socket.connectTo(where)) {
                byte[] msg = "that is all\n".getBytes(StandardCharsets.US_ASCII);
                c.sendAll(msg, 0, msg.length);
                c.shutdown(org.jsock.net.Shutdown.WRITE);
                byte[] buf = new byte[64];
                int n;
                while ((n = c.recv(buf)) != Socket.EOF) OUT.print("[client] > " + new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            st.join(10_000);
            Trace.label("server"); // the listener's close below is the server's
            return 0;
        } finally {
            Trace.label(null);
        }
    }

    /** A port that was free a moment ago: bind to port 0 and ask the kernel which it chose. */
    private static int freePort() throws Exception {
        Trace.label("demo");
        try (Socket s = Socket.open(Family.INET, org.jsock.net.SockType.STREAM)) {
            s.bind(SockAddr.Inet4.loopback(0));
            return ((SockAddr.Inet4) s.localAddress()).port();
        } finally {
            Trace.label(null);
        }
    }

    /** Runs a server in one thread and, once it listens, its client in another. */
    private static int pair(String server, String[] serverArgs, String client, String[] clientArgs) throws Exception {
        CountDownLatch listening = new CountDownLatch(1);
        AtomicInteger serverStatus = new AtomicInteger(-1);
        PrintStream original = System.out;
        // Program output goes through one labelled stream; the server's "listening" line starts the client.
        LabelledOut out = new LabelledOut(original, listening);
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Thread st = Thread.ofPlatform().name("server").start(() -> {
                Trace.label("server");
                out.label.set("server");
                serverStatus.set(run(server, serverArgs));
                out.finishLine();
            });
            if (!listening.await(10, TimeUnit.SECONDS)) {
                original.println("demo: the " + server + " did not start listening");
                return 1;
            }
            Trace.label("client");
            out.label.set("client");
            int c = run(client, clientArgs);
            out.finishLine();
            Trace.label(null);
            st.join(10_000);
            System.out.flush();
            return c != 0 ? c : serverStatus.get();
        } finally {
            System.setOut(original);
        }
    }

    private static int run(String name, String[] args) {
        Example e = Examples.get(name).at(Examples.Level.SYS);
        try {
            return e.run(args);
        } catch (Exception x) {
            System.err.println("demo: " + name + ": " + Main.describe(x));
            return 1;
        }
    }

    /** Prefixes each line with its thread's label and watches for a server's "listening" line. */
    private static final class LabelledOut extends OutputStream {
        final ThreadLocal<String> label = new ThreadLocal<>();
        private final PrintStream target;
        private final CountDownLatch listening;
        private final ThreadLocal<ByteArrayOutputStream> line = ThreadLocal.withInitial(ByteArrayOutputStream::new);

        LabelledOut(PrintStream target, CountDownLatch listening) {
            this.target = target;
            this.listening = listening;
        }

        @Override public void write(int b) {
            ByteArrayOutputStream l = line.get();
            if (b == '\n') {
                String text = l.toString(StandardCharsets.UTF_8);
                l.reset();
                String who = label.get();
                synchronized (target) {
                    target.println((who == null ? "" : "[" + who + "] ") + "> " + text);
                }
                if (text.toLowerCase().contains("listening")) listening.countDown();
            } else {
                l.write(b);
            }
        }

        /** Partial lines wait for their newline: a label belongs at the start of a line only. */
        @Override public void flush() {}

        /** Prints what is left of this thread's line (a program that ends without a newline). */
        void finishLine() {
            if (line.get().size() > 0) write('\n');
        }
    }
}
