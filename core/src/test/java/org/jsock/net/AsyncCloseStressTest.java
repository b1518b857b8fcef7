package org.jsock.net;

import org.jsock.sys.ErrnoException;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Races close against blocked calls while other threads open sockets all the time, so freed fd
 * numbers are handed out again at once. Each connection carries its own random tag in every record
 * (tag, sequence number); every receiver checks every record, and idle sockets check that nothing
 * arrives at all. If a call on a closed socket ever reached a reused fd number, bytes would land on
 * the wrong connection (a foreign tag, a gap in a sequence, data on an idle socket) and the test fails.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(60)
class AsyncCloseStressTest {
    private static final long BUDGET_NANOS = Duration.ofSeconds(4).toNanos();
    private static final int MAX_ROUNDS = 2000;
    private static final int RECORD = 12; // int tag, long sequence number

    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    private void fail(String what) {
        if (failures.size() < 20) failures.add(what);
    }

    /** Sends tagged records until its socket is closed (or the peer goes away). */
    private void writer(Socket w, int tag, AtomicLong sent) {
        ByteBuffer rec = ByteBuffer.allocate(RECORD);
        try {
            for (long seq = 0; ; seq++) {
                rec.clear();
                rec.putInt(tag).putLong(seq).flip();
                w.sendAll(rec);
                sent.incrementAndGet();
            }
        } catch (SocketClosedException expected) {
            // our socket was closed under us: the point of the test
        } catch (ErrnoException e) {
            if (!Set.of("EPIPE", "ECONNRESET").contains(e.error().name())) fail("writer " + tag + ": " + e);
        } catch (Throwable t) {
            fail("writer " + tag + ": " + t);
        }
    }

    /** Reads records until EOF or close, checking each carries our tag and the next number. */
    private void reader(Socket r, int tag, AtomicLong received) {
        ByteBuffer rec = ByteBuffer.allocate(RECORD);
        long expect = 0;
        try {
            while (true) {
                rec.clear();
                int n = r.recvFully(rec);
                if (n < RECORD) return; // EOF, possibly inside a record the writer never finished
                rec.flip();
                int t = rec.getInt();
                long seq = rec.getLong();
                if (t != tag) {
                    fail("connection " + tag + " received a record of connection " + t + " (seq " + seq + ")");
                    return;
                }
                if (seq != expect) {
                    fail("connection " + tag + " expected record " + expect + " but got " + seq + ": bytes went missing");
                    return;
                }
                expect++;
                received.incrementAndGet();
            }
        } catch (SocketClosedException expected) {
            // closed under us
        } catch (ErrnoException e) {
            if (!e.is("ECONNRESET")) fail("reader " + tag + ": " + e);
        } catch (Throwable t) {
            fail("reader " + tag + ": " + t);
        }
    }

    /** Opens and closes idle sockets all the time, checking nothing ever arrives on them. */
    private void churn() {
        byte[] probe = new byte[64];
        while (!stop.get()) {
            try {
                Socket[] idle = ThreadLocalRandom.current().nextBoolean() ? Socket.pair(SockType.STREAM) : Socket.pair(SockType.DGRAM);
                try {
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(200_000));
                    for (Socket s : idle) {
                        int n = s.recv(probe, 0, probe.length, MsgFlags.DONTWAIT);
                        if (n != Socket.WOULD_BLOCK) fail("an idle socket (fd " + s.fd() + ") received " + n + " stray bytes");
                    }
                } finally {
                    idle[0].close();
                    idle[1].close();
                }
                // A listener with a connection pending: a stray accept on a reused fd would steal it.
                if (ThreadLocalRandom.current().nextInt(8) == 0) {
                    try (Socket l = Socket.listenOn(SockAddr.Inet4.loopback(0), 4);
                         Socket c = Socket.connectTo(l.localAddress())) {
                        l.set(SockOpt.SO_RCVTIMEO, Duration.ofSeconds(2));
                        try (Socket s = l.accept()) {
                            if (!s.peerAddress().equals(c.localAddress())) fail("accept returned someone else's connection");
                        }
                    }
                }
            } catch (Throwable t) {
                fail("churn: " + t);
            }
        }
    }

    /** One round: a connection with a writer and a reader, and closes that race both. */
    private void round(ExecutorService pool, boolean tcp) throws Exception {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Socket w, r;
        if (tcp) {
            try (Socket l = Socket.listenOn(SockAddr.Inet4.loopback(0), 1)) {
                w = Socket.connectTo(l.localAddress());
                r = l.accept();
            }
        } else {
            Socket[] p = Socket.pair(SockType.STREAM);
            w = p[0];
            r = p[1];
        }
        int tag = rnd.nextInt();
        AtomicLong sent = new AtomicLong(), received = new AtomicLong();
        Future<?> wf = pool.submit(() -> writer(w, tag, sent));
        Future<?> rf = pool.submit(() -> reader(r, tag, received));
        // Sometimes the reader lags so the writer blocks on a full buffer; sometimes both run free.
        LockSupport.parkNanos(rnd.nextInt(1_000_000));
        switch (rnd.nextInt(4)) {
            case 0 -> {          // writer's socket first: reader then drains to EOF
                w.close();
                LockSupport.parkNanos(rnd.nextInt(200_000));
                r.close();
            }
            case 1 -> {          // reader's socket first: writer then fails with EPIPE or is closed
                r.close();
                LockSupport.parkNanos(rnd.nextInt(200_000));
                w.close();
            }
            case 2 -> {          // both at once, from two threads
                Future<?> c = pool.submit(w::close);
                r.close();
                c.get(2, TimeUnit.SECONDS);
            }
            default -> {         // both, closed twice, racing each other
                Future<?> c1 = pool.submit(() -> { w.close(); r.close(); });
                r.close();
                w.close();
                c1.get(2, TimeUnit.SECONDS);
            }
        }
        try {
            wf.get(2, TimeUnit.SECONDS);
            rf.get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            fail("a blocked call did not wake within 2 s of close (connection " + tag + ")");
            throw e;
        }
        if (received.get() > sent.get() + 1) fail("connection " + tag + " received more records than were sent");
    }

    @Test
    void bytesNeverReachTheWrongSocketWhileClosesRaceBlockedCallsAndFdNumbersAreReused() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        AtomicInteger rounds = new AtomicInteger();
        try {
            List<Future<?>> churners = new ArrayList<>();
            for (int i = 0; i < 2; i++) churners.add(pool.submit(this::churn));
            List<Future<?>> workers = new ArrayList<>();
            long deadline = System.nanoTime() + BUDGET_NANOS;
            for (int i = 0; i < 4; i++) {
                int id = i;
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline && rounds.incrementAndGet() <= MAX_ROUNDS && failures.isEmpty()) {
                        round(pool, id == 0 && rounds.get() % 4 == 0);
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) w.get(30, TimeUnit.SECONDS);
            stop.set(true);
            for (Future<?> c : churners) c.get(10, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "stress threads did not finish");
        }
        assertTrue(failures.isEmpty(), "after " + rounds.get() + " rounds:\n" + String.join("\n", failures));
        assertTrue(rounds.get() >= 100, "only " + rounds.get() + " rounds ran: the races were not exercised");
    }
}
