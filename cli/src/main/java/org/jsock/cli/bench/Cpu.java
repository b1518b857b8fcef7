package org.jsock.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's CPU use over a test, as percentages of the wall time (iperf3's
 * cpu_util_total/user/system). Read from /proc/self/stat, so it needs no management module.
 */
final class Cpu {
    /** Linux reports utime and stime in clock ticks of 1/100 s (USER_HZ) on every architecture we run on. */
    private static final double TICK = 0.01;

    private long startNanos;
    private double startUser;
    private double startSystem;

    /** total, user, system in percent */
    record Usage(double total, double user, double system) {}

    void start() {
        startNanos = System.nanoTime();
        double[] t = times();
        startUser = t[0];
        startSystem = t[1];
    }

    Usage stop() {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double[] t = times();
        if (wall <= 0) return new Usage(0, 0, 0);
        double user = 100 * (t[0] - startUser) / wall;
        double system = 100 * (t[1] - startSystem) / wall;
        return new Usage(user + system, user, system);
    }

    /** User and system seconds so far; zeros when /proc cannot be read. */
    private static double[] times() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return new double[] {Long.parseLong(f[11]) * TICK, Long.parseLong(f[12]) * TICK};
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }
}
