package org.jsock.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How jsock bench names itself in reports and in the parameters it sends. */
final class BenchVersion {
    private BenchVersion() {}

    /** The version string in a -J report's "version". */
    static String text() {
        String v = BenchVersion.class.getPackage().getImplementationVersion();
        return "jsock " + (v != null ? v : "0.1.0-SNAPSHOT") + " (iperf3 protocol)";
    }

    /** What the client reports as its version in PARAM_EXCHANGE: iperf3's release it follows. */
    static String protocolVersion() { return "3.12"; }

    /** uname-like: "Linux host 6.1.0 amd64". */
    static String systemInfo() {
        String host;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            host = "localhost";
        }
        return System.getProperty("os.name") + " " + host + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
    }
}
