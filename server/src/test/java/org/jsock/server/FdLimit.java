package org.jsock.server;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * This JVM's RLIMIT_NOFILE, read and set with getrlimit/setrlimit(2) (what {@code prlimit --pid
 * <self> --nofile=S:H} does, but without spawning a process, which needs fds of its own and so
 * fails at the very moment the limit is exhausted). Lowering the soft limit needs no privilege.
 */
final class FdLimit {
    private FdLimit() {}

    /** RLIMIT_NOFILE is 7 on every Linux architecture but alpha, sparc and mips. */
    private static final int RLIMIT_NOFILE = 7;
    private static final StructLayout RLIMIT = java.lang.foreign.MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("rlim_cur"), ValueLayout.JAVA_LONG.withName("rlim_max"));
    private static final VarHandle CUR = RLIMIT.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("rlim_cur"));
    private static final VarHandle MAX = RLIMIT.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("rlim_max"));
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle getrlimit = handle("getrlimit");
    private static final MethodHandle setrlimit = handle("setrlimit");

    private static MethodHandle handle(String name) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                Linker.Option.captureCallState("errno"));
    }

    record Limit(long soft, long hard) {}

    static Limit get() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(RLIMIT);
            MemorySegment cs = a.allocate(CAPTURE);
            int rc = (int) getrlimit.invokeExact(cs, RLIMIT_NOFILE, r);
            if (rc != 0) throw new IOException("getrlimit(RLIMIT_NOFILE): errno " + (int) ERRNO.get(cs, 0L));
            return new Limit((long) CUR.get(r, 0L), (long) MAX.get(r, 0L));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Sets the limit; throws with errno when the kernel refuses. Allocates no fd. */
    static void set(Limit l) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(RLIMIT);
            MemorySegment cs = a.allocate(CAPTURE);
            CUR.set(r, 0L, l.soft());
            MAX.set(r, 0L, l.hard());
            int rc = (int) setrlimit.invokeExact(cs, RLIMIT_NOFILE, r);
            if (rc != 0) throw new IOException("setrlimit(RLIMIT_NOFILE, " + l + "): errno " + (int) ERRNO.get(cs, 0L));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** The fd numbers open now. */
    static int[] openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> p.getFileName().toString()).mapToInt(Integer::parseInt).sorted().toArray();
        }
    }
}
