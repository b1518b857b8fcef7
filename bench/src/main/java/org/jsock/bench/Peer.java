package org.jsock.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One Java server of the benchmark, in its own JVM: {@code Peer KIND [MAX_SECONDS] [CERT KEY]}.
 *
 * <p>It listens on 127.0.0.1 (ports the kernel picks), prints one line such as
 * {@code READY echo=P discard=Q}, then obeys its standard input: {@code heap} collects garbage and
 * prints {@code HEAP used=B committed=B}; end of input, or MAX_SECONDS, ends the process. So a
 * crashed driver never leaves a server behind for long.
 */
public final class Peer {
    private Peer() {}

    /** A running server: what it printed after READY, and how to stop it. */
    public interface Running extends AutoCloseable {
        String ports();

        @Override void close() throws java.io.IOException;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Peer KIND [MAX_SECONDS] [CERT KEY]");
            System.exit(2);
        }
        String kind = args[0];
        long maxSeconds = args.length > 1 ? Long.parseLong(args[1]) : 7200;
        Path cert = args.length > 3 ? Path.of(args[2]) : null;
        Path key = args.length > 3 ? Path.of(args[3]) : null;
        Thread.ofPlatform().daemon().name("peer-deadline").start(() -> {
            try {
                Thread.sleep(maxSeconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("peer " + kind + ": " + maxSeconds + " s passed, exiting");
            Runtime.getRuntime().halt(3);
        });

        Running r = start(kind, cert, key);
        System.out.println("READY " + r.ports());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("heap")) {
                System.gc();
                System.gc();
                MemoryUsage h = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                System.out.println("HEAP used=" + h.getUsed() + " committed=" + h.getCommitted());
                System.out.flush();
            }
        }
        // The driver closed our input: stop at once, as a killed C server would.
        Runtime.getRuntime().halt(0);
    }

    static Running start(String kind, Path cert, Path key) throws Exception {
        return switch (kind) {
            case "nio-block" -> NioPeers.blocking();
            case "nio-selector" -> NioPeers.selector();
            case "nio-udp" -> NioPeers.udp();
            case "netty-epoll" -> NettyPeers.tcp(true);
            case "netty-nio" -> NettyPeers.tcp(false);
            case "netty-tls" -> NettyPeers.tls(cert, key);
            case "jsock-iterative", "jsock-threads", "jsock-virtual", "jsock-loop",
                 "jsock-loops-reuseport", "jsock-loops-acceptor" -> JsockPeers.tcp(kind.substring("jsock-".length()));
            case "jsock-udp" -> JsockPeers.udp();
            case "jsock-udp-batch" -> JsockPeers.udpBatch();
            case "jsock-tls-loop" -> JsockPeers.tlsLoop(cert, key);
            case "jsock-tls-socket" -> JsockPeers.tlsSocket(cert, key);
            default -> throw new IllegalArgumentException("unknown peer '" + kind + "'");
        };
    }
}
