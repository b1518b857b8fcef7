package org.jsock.net;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path allocates nothing: once compiled, send and recv with a direct ByteBuffer or a
 * byte[] make no garbage (buffer addresses are cached, heap bytes go through the thread's native
 * buffer, and the calls take raw addresses, not MemorySegments), and neither do sendBatch and
 * recvBatch (a DatagramBatch holds every struct they need).
 */
@ExtendWith(FdLeakCheck.class)
class NoAllocationTest {
    /** Bytes this thread has allocated so far. */
    private static java.util.function.LongSupplier allocatedBytes() throws Exception {
        long tid = Thread.currentThread().threadId();
        // Reflection: the tests compile inside module org.jsock, which does not read jdk.management.
        Object mxBean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        java.lang.reflect.Method allocated = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getThreadAllocatedBytes", long.class);
        return () -> {
            try {
                return (long) allocated.invoke(mxBean, tid);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        };
    }

    @Test
    void sendAndRecvAllocateNothingOnceWarm() throws Exception {
        java.util.function.LongSupplier mx = allocatedBytes();
        Socket[] p = Socket.pair(SockType.STREAM);
        try (Socket a = p[0]; Socket b = p[1]) {
            ByteBuffer out = ByteBuffer.allocateDirect(64);
            ByteBuffer in = ByteBuffer.allocateDirect(64);
            byte[] heapOut = new byte[64];
            byte[] heapIn = new byte[64];
            double bestDirect = Double.MAX_VALUE;
            double bestHeap = Double.MAX_VALUE;
            int pairs = 100_000;
            for (int round = 0; round < 5; round++) {
                long b0 = mx.getAsLong();
                for (int i = 0; i < pairs; i++) {
                    out.clear();
                    a.send(out);
                    in.clear();
                    b.recv(in);
                }
                long b1 = mx.getAsLong();
                for (int i = 0; i < pairs; i++) {
                    a.send(heapOut, 0, 64);
                    b.recv(heapIn, 0, 64);
                }
                long b2 = mx.getAsLong();
                bestDirect = Math.min(bestDirect, (b1 - b0) / (double) pairs);
                bestHeap = Math.min(bestHeap, (b2 - b1) / (double) pairs);
            }
            assertTrue(bestDirect < 1.0, "direct ByteBuffer send+recv allocate " + bestDirect + " bytes");
            assertTrue(bestHeap < 1.0, "byte[] send+recv allocate " + bestHeap + " bytes");
        }
    }

    @Test
    void batchSendAndReceiveAllocateNothingOnceWarm() throws Exception {
        java.util.function.LongSupplier mx = allocatedBytes();
        try (Socket a = Socket.udp(Family.INET); Socket b = Socket.udp(Family.INET)) {
            a.bind(SockAddr.Inet4.loopback(0));
            b.bind(SockAddr.Inet4.loopback(0));
            b.set(SockOpt.SO_RCVBUF, 1 << 20);
            DatagramBatch out = new DatagramBatch(16, 64);
            DatagramBatch in = new DatagramBatch(16, 64);
            SockAddr to = b.localAddress();
            byte[] data = new byte[64];
            for (int i = 0; i < 16; i++) {
                out.put(i, data, 0, 64);
                out.setAddress(i, to);
            }
            double best = Double.MAX_VALUE;
            int batches = 20_000;
            for (int round = 0; round < 5; round++) {
                long b0 = mx.getAsLong();
                for (int i = 0; i < batches; i++) {
                    int sent = a.sendBatch(out, 0, 16);
                    int got = 0;
                    while (got < sent) got += b.recvBatch(in);
                    in.get(0, data, 0);
                    in.buffer(1);
                }
                best = Math.min(best, (mx.getAsLong() - b0) / (double) batches);
            }
            assertTrue(best < 1.0, "sendBatch+recvBatch of 16 datagrams allocate " + best + " bytes per batch");
        }
    }
}
