package org.jsock.server;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The process's CPU clock, read with clock_gettime(2). Unlike /proc/self/stat it opens no file, so
 * it still works while a test has used up every file descriptor.
 */
final class ProcessClock {
    private ProcessClock() {}

    /** CLOCK_PROCESS_CPUTIME_ID, the same on every Linux architecture. */
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static final MethodHandle clock_gettime;

    static {
        Linker linker = Linker.nativeLinker();
        clock_gettime = linker.downcallHandle(linker.defaultLookup().find("clock_gettime").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    /** CPU time used by every thread of this process, in nanoseconds. */
    static long cpuNanos() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ts = a.allocate(16, 8);
            int rc = (int) clock_gettime.invokeExact(CLOCK_PROCESS_CPUTIME_ID, ts);
            if (rc != 0) throw new IllegalStateException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
            return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
