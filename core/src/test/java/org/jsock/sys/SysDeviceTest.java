package org.jsock.sys;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.jsock.sys.Sys.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * open and ioctl as C has them: flags, modes and errno, a TUN device made with TUNSETIFF (as root),
 * and the trace, which must be what strace prints for the same calls.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(60)
class SysDeviceTest {
    private static final Path TUN = Path.of("/dev/net/tun");

    private static boolean canOpenTun() {
        return Files.isReadable(TUN) && Files.isWritable(TUN);
    }

    @Test
    void openGivesAnFdWithTheFlagsAsked() throws Exception {
        int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        try {
            assertTrue(fd >= 0);
            assertEquals(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC, "O_CLOEXEC set close-on-exec");
            assertEquals(O_RDWR, fcntl(fd, F_GETFL) & 3, "opened for reading and writing");
            assertEquals(0, fcntl(fd, F_GETFL) & O_NONBLOCK);
            assertEquals(5, write(fd, "hello".getBytes(StandardCharsets.US_ASCII), 5), "/dev/null takes every byte");
            assertEquals(0, read(fd, new byte[8], 8), "/dev/null reads as end of file");
        } finally {
            close(fd);
        }
        int nb = open("/dev/null", O_RDONLY | O_NONBLOCK);
        try {
            assertEquals(O_NONBLOCK, fcntl(nb, F_GETFL) & O_NONBLOCK);
            assertEquals(0, fcntl(nb, F_GETFD) & FD_CLOEXEC, "without O_CLOEXEC the fd is inherited by exec");
        } finally {
            close(nb);
        }
    }

    @Test
    void openCreatesWithTheModeAndFailsWithErrno(@TempDir Path dir) throws Exception {
        String path = dir.resolve("made-by-open").toString();
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        try {
            assertEquals(3, write(fd, "abc".getBytes(StandardCharsets.US_ASCII), 3));
        } finally {
            close(fd);
        }
        assertEquals("abc", Files.readString(Path.of(path)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(path))));

        ErrnoException exists = assertThrows(ErrnoException.class, () -> open(path, O_WRONLY | O_CREAT | O_EXCL, 0600));
        assertEquals("EEXIST", exists.error().name());
        assertEquals("open", exists.call());
        assertEquals(EEXIST, errno(), "errno() holds it, as C's errno would");

        ErrnoException missing = assertThrows(ErrnoException.class, () -> open(dir.resolve("nothing/here").toString(), O_RDONLY));
        assertEquals("ENOENT", missing.error().name());
        assertEquals("open: No such file or directory", missing.getMessage());

        // O_TRUNC empties what is there.
        int t = open(path, O_WRONLY | O_TRUNC);
        close(t);
        assertEquals(0, Files.size(Path.of(path)));
    }

    @Test
    void ioctlOnAnFdThatIsNoTunFailsWithEnotty() throws Exception {
        int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        try {
            ifreq ifr = new ifreq();
            ifr.ifr_name("jsock%d");
            ifr.ifr_flags(IFF_TUN | IFF_NO_PI);
            ErrnoException e = assertThrows(ErrnoException.class, () -> ioctl(fd, TUNSETIFF, ifr));
            assertEquals("ENOTTY", e.error().name());
            assertEquals("ioctl", e.call());
        } finally {
            close(fd);
        }
        ErrnoException badf = assertThrows(ErrnoException.class, () -> ioctl(-1, TUNSETIFF, MemorySegment.NULL));
        assertEquals("EBADF", badf.error().name());
    }

    @Test
    void tunsetiffMakesATunDeviceThatLivesAsLongAsItsFd() throws Exception {
        assumeTrue(canOpenTun(), "needs read-write /dev/net/tun (root): TUN device not tested");
        int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        String name;
        try {
            ifreq ifr = new ifreq();
            ifr.ifr_name("jsockt%d");
            ifr.ifr_flags(IFF_TUN | IFF_NO_PI);
            assertEquals(0, ioctl(fd, TUNSETIFF, ifr));
            name = ifr.ifr_name();
            assertTrue(name.matches("jsockt\\d+"), "the kernel wrote the name it chose: " + name);
            assertTrue(Files.exists(Path.of("/sys/class/net", name)), name + " exists while its fd is open");
            // IFF_TUN (0x1) and IFF_NO_PI (0x1000) read back through sysfs as the device's tun_flags.
            String flags = Files.readString(Path.of("/sys/class/net", name, "tun_flags")).strip();
            assertEquals(IFF_TUN | IFF_NO_PI, Integer.decode(flags) & (IFF_TUN | IFF_TAP | IFF_NO_PI));
            // The device is down: nothing to read yet, and a non-blocking read says so.
            assertEquals(-1, read(fd, new byte[2048], 2048));
            assertEquals(EAGAIN, errno());
            // An fd holds one device: a second TUNSETIFF on it fails as in C.
            ifreq again = new ifreq();
            again.ifr_name("jsockt%d");
            again.ifr_flags(IFF_TUN | IFF_NO_PI);
            ErrnoException e = assertThrows(ErrnoException.class, () -> ioctl(fd, TUNSETIFF, again));
            assertEquals("EEXIST", e.error().name());
        } finally {
            close(fd);
        }
        // Not persistent: closing the only fd removes the device.
        for (int i = 0; i < 100 && Files.exists(Path.of("/sys/class/net", name)); i++) Thread.sleep(10);
        assertFalse(Files.exists(Path.of("/sys/class/net", name)), name + " is gone once its fd is closed");
    }

    @Test
    void ioctlCopiesAHeapArgumentInAndBack() throws Exception {
        assumeTrue(canOpenTun(), "needs read-write /dev/net/tun (root): TUN device not tested");
        int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        try {
            byte[] heap = new byte[ifreq.SIZEOF];
            byte[] name = "jsockh%d".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, heap, 0, name.length);
            int flags = IFF_TUN | IFF_NO_PI;
            // ifr_flags is a short at offset 16, in the machine's byte order.
            MemorySegment.ofArray(heap).set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, ifreq.UNION_OFFSET, (short) flags);
            assertEquals(0, ioctl(fd, TUNSETIFF, MemorySegment.ofArray(heap)));
            String chosen = new String(heap, 0, 16, StandardCharsets.US_ASCII).replaceAll("\0.*", "");
            assertTrue(chosen.matches("jsockh\\d+"), "the kernel's name came back into the heap array: " + chosen);
        } finally {
            close(fd);
        }
    }

    // ---- the trace ------------------------------------------------------------------------------

    private static final Pattern OURS = Pattern.compile("^(openat|ioctl)\\(.*");
    private static final Pattern STRACE_PID = Pattern.compile("^\\d+\\s+(.*)$");

    /** Run under strace by {@link #tracedOpenAndIoctlAreWhatStraceSees}: the calls whose trace is compared. */
    public static final class TracedProgram {
        public static void main(String[] args) throws Exception {
            String dir = args[0];
            int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
            try {
                open(dir + "/missing/file", O_RDONLY);
            } catch (ErrnoException expected) {
                // ENOENT, traced
            }
            int made = open(dir + "/made \"quoted\"", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
            ifreq ifr = new ifreq();
            ifr.ifr_name("jsockx%d");
            ifr.ifr_flags(IFF_TUN | IFF_NO_PI);
            try {
                ioctl(devnull, TUNSETIFF, ifr);
            } catch (ErrnoException expected) {
                // ENOTTY, traced
            }
            if (args.length > 1 && args[1].equals("tun")) {
                int tun = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
                ioctl(tun, TUNSETIFF, ifr);
                close(tun);
            }
            close(made);
            close(devnull);
        }
    }

    @Test
    void tracedOpenAndIoctlAreWhatStraceSees(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        Path straceOut = dir.resolve("strace.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/strace", "-f", "-qq", "-e", "trace=openat,ioctl",
                "-o", straceOut.toString(), java, "-Djsock.trace=true", "--enable-native-access=ALL-UNNAMED",
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                TracedProgram.class.getName(), dir.toString()));
        if (canOpenTun()) cmd.add("tun");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr;
        try (var err = p.getErrorStream()) {
            stderr = new String(err.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the traced program did not finish");
        assumeTrue(!stderr.contains("PTRACE_TRACEME") && !stderr.contains("Operation not permitted"),
                "strace may not trace here: " + stderr);
        assertEquals(0, p.exitValue(), stderr);

        List<String> ours = new ArrayList<>();
        for (String l : stderr.split("\n")) if (OURS.matcher(l).matches()) ours.add(l);
        assertEquals(canOpenTun() ? 6 : 4, ours.size(), "jsock traced each open and ioctl: " + stderr);
        // The JVM opens and ioctls much else: jsock's lines must appear in strace's, in order.
        List<String> theirs = new ArrayList<>();
        for (String l : Files.readAllLines(straceOut)) {
            Matcher m = STRACE_PID.matcher(l);
            // strace pads the "= result" column; jsock writes one space.
            theirs.add((m.matches() ? m.group(1) : l).replaceAll("\\)\\s+= ", ") = "));
        }
        int at = 0;
        for (String line : ours) {
            int found = theirs.subList(at, theirs.size()).indexOf(line);
            assertTrue(found >= 0, "strace printed no line equal to jsock's\n  " + line + "\nafter line " + at + "; strace's own:\n"
                    + String.join("\n", theirs.stream().filter(t -> t.contains("/dev/null") || t.contains(dir.toString())
                    || t.contains("TUNSETIFF") || t.contains("/dev/net/tun")).toList()));
            at += found + 1;
        }
    }
}
