package org.jsock.testing;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tests resolve names from /etc/hosts only (scripts/test-jvm/bin/java), so a lookup of an
 * unknown name never becomes a DNS query to a server off this machine.
 */
class DnsIsolationTest {
    @Test
    void testJvmResolvesFromFilesOnly() throws Exception {
        assumeTrue("isolated".equals(System.getProperty("jsock.test.dns")), "not root: DNS isolation unavailable");
        String nss = Files.readString(Path.of("/etc/nsswitch.conf"));
        assertEquals("hosts: files\n", nss);
    }
}
