package org.jsock.sys;

import org.jsock.testing.CProgram;
import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every line of {@code linux.constants} is checked against the C headers: a generated C program
 * prints each name's value as gcc sees it, and the table must agree on every one.
 */
@ExtendWith(FdLeakCheck.class)
class ConstantsMatchCTest {
    private static final String TABLE = "/org/jsock/sys/internal/linux.constants";

    /** NAME -> value, in table order; the group is kept for the failure message. */
    private static Map<String, String[]> table() throws Exception {
        Map<String, String[]> m = new LinkedHashMap<>();
        try (InputStream in = ConstantsMatchCTest.class.getResourceAsStream(TABLE)) {
            assertTrue(in != null, "constants table " + TABLE + " is on the class path");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] f = line.split("\\s+");
                assertEquals(3, f.length, "table line has GROUP NAME VALUE: " + line);
                m.put(f[1], f);
            }
        }
        return m;
    }

    @Test
    void everyTableLineHasTheValueGccGives() throws Exception {
        Map<String, String[]> table = table();
        assertTrue(table.size() > 300, "the table has its ~330 constants, got " + table.size());
        StringBuilder c = new StringBuilder("""
                #include <sys/socket.h>
                #include <sys/un.h>
                #include <netinet/in.h>
                #include <netinet/tcp.h>
                #include <netinet/udp.h>
                #include <arpa/inet.h>
                #include <netdb.h>
                #include <fcntl.h>
                #include <poll.h>
                #include <errno.h>
                #include <limits.h>
                #include <sys/uio.h>
                #include <sys/epoll.h>
                #include <sys/eventfd.h>
                #include <sys/timerfd.h>
                #include <time.h>
                #include <sys/ioctl.h>
                #include <net/if.h>
                #include <linux/if_tun.h>
                #include <stdio.h>
                int main(void) {
                """);
        for (String name : table.keySet()) {
            c.append("    printf(\"%s %lld\\n\", \"").append(name).append("\", (long long) (").append(name).append("));\n");
        }
        c.append("    return 0;\n}\n");
        Map<String, String> fromC = CProgram.lines(CProgram.run("constants", c.toString()));

        List<String> wrong = new ArrayList<>();
        for (var e : table.entrySet()) {
            String cValue = fromC.get(e.getKey());
            if (!e.getValue()[2].equals(cValue)) {
                wrong.add(e.getValue()[0] + " " + e.getKey() + ": table says " + e.getValue()[2] + ", gcc says " + cValue);
            }
        }
        assertTrue(wrong.isEmpty(), "constants that differ from the C headers:\n" + String.join("\n", wrong));
    }

    @Test
    void everySysConstantComesFromTheTableUnderItsOwnName() throws Exception {
        Map<String, String[]> table = table();
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Field f : Sys.class.getFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isStatic(mod) || !Modifier.isFinal(mod) || f.getType() != int.class) continue;
            String[] line = table.get(f.getName());
            checked++;
            if (line == null) {
                wrong.add(f.getName() + " is not in the table");
            } else if (f.getInt(null) != (int) Long.parseLong(line[2])) {
                wrong.add(f.getName() + " = " + f.getInt(null) + " but the table says " + line[2]);
            }
        }
        assertTrue(checked > 300, "Sys exposes the C constants, saw " + checked);
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void errnoNamesAndTextsComeFromThePlatformAndLibc() {
        Errno e = Errno.of(Sys.ECONNREFUSED);
        assertEquals("ECONNREFUSED", e.name());
        assertEquals("Connection refused", e.text());
        assertEquals(e, Errno.named("ECONNREFUSED"));
        // EAGAIN and EWOULDBLOCK share 11: the first name in the table is the one printed.
        assertEquals("EAGAIN", Errno.of(Sys.EWOULDBLOCK).name());
        assertEquals("E4000", Errno.of(4000).name());
    }
}
