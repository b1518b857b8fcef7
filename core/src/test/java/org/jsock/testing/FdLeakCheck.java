package org.jsock.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Fails any test that leaves a file descriptor open: records the fds in /proc/self/fd before the
 * test and checks, after it, that no new one remains (waiting briefly for closes in other threads).
 */
public final class FdLeakCheck implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FdLeakCheck.class);

    static {
        // The pre-close fd lives as long as the process; make it before any test counts fds.
        org.jsock.sys.internal.PreClose.fd();
    }

    /** The fds open now, each with what it points to. */
    public static Set<String> openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> {
                try {
                    return p.getFileName() + " -> " + Files.readSymbolicLink(p);
                } catch (Exception e) {
                    return null; // the fd used to list the directory itself, already gone
                }
            }).filter(x -> x != null).collect(Collectors.toCollection(TreeSet::new));
        } catch (Exception e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
    }

    /** Sockets and pipes only: the JVM opens and closes jar files by itself. */
    public static Set<String> openSockets() {
        return openFds().stream().filter(f -> f.contains("socket:") || f.contains("pipe:") || f.contains("anon_inode"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public void beforeEach(ExtensionContext ctx) {
        ctx.getStore(NS).put("before", openSockets());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterEach(ExtensionContext ctx) throws Exception {
        Set<String> before = (Set<String>) ctx.getStore(NS).get("before");
        Set<String> leaked = Set.of();
        for (int i = 0; i < 50; i++) {
            leaked = new TreeSet<>(openSockets());
            leaked.removeAll(before);
            if (leaked.isEmpty()) return;
            Thread.sleep(20);
        }
        throw new AssertionError("test leaked file descriptors: " + leaked);
    }
}
