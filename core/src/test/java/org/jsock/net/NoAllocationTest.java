package org.jsock.net;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path allocates nothing: once compiled, send and recv with a direct ByteBuffer or a
 * byte[] make no garbage (buffer addresses are cached, heap bytes go through the thread's native
 * buffer, and the calls take raw addresses, not MemorySegments).
 */
@ExtendWith(FdLeakCheck.class)
class NoAllocationTest {
    @Test
    void sendAndRecvAllocateNothingOnceWarm() throws Exception {
        long tid = Thread.currentThread().threadId();
        // Reflection: the tests compile inside module org.jsock, which does not read jdk.management.
        Object mxBean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        java.lang.reflect.Method allocated = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getThreadAllocatedBytes", long.class);
        java.util.function.LongSupplier mx = () -> {
            try {
                return (long) allocated.invoke(mxBean, tid);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        };
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
}
