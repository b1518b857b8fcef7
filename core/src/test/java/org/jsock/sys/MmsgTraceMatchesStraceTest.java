package org.jsock.sys;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * jsock's trace of sendmmsg, recvmmsg, sendmsg and recvmsg is what strace prints for the same calls,
 * character for character: {@link MmsgTraceProgram} runs in a JVM under {@code strace -f} with
 * {@code -Djsock.trace=true}, and the two lists of lines must be equal.
 */
@ExtendWith(FdLeakCheck.class)
class MmsgTraceMatchesStraceTest {
    private static final Pattern CALLS = Pattern.compile("^(sendmmsg|recvmmsg|sendmsg|recvmsg)\\(.*");
    private static final Pattern STRACE_LINE = Pattern.compile("^\\d+\\s+(.*)$");

    @Test
    void everyBatchCallIsTracedExactlyAsStraceDecodesIt() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        Path straceOut = Files.createTempFile("jsock-mmsg-strace", ".txt");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = List.of("/usr/bin/strace", "-f", "-qq", "-e", "trace=sendmmsg,recvmmsg,sendmsg,recvmsg",
                    "-o", straceOut.toString(), java, "-Djsock.trace=true", "--enable-native-access=ALL-UNNAMED",
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    MmsgTraceProgram.class.getName());
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the traced program did not finish");
            assumeTrue(!stderr.contains("PTRACE_TRACEME") && !stderr.contains("Operation not permitted"),
                    "strace may not trace here: " + stderr);
            assertEquals(0, p.exitValue(), stderr);

            List<String> ours = new ArrayList<>();
            for (String l : stderr.split("\n")) if (CALLS.matcher(l).matches()) ours.add(l);
            List<String> theirs = new ArrayList<>();
            for (String l : Files.readAllLines(straceOut)) {
                Matcher m = STRACE_LINE.matcher(l);
                String rest = m.matches() ? m.group(1) : l;
                // strace pads the "= result" column; jsock writes one space.
                rest = rest.replaceAll("\\)\\s+= ", ") = ");
                if (CALLS.matcher(rest).matches()) theirs.add(rest);
            }
            assertTrue(ours.size() >= 20, "the program traced its calls: " + stderr);
            for (int i = 0; i < Math.max(ours.size(), theirs.size()); i++) {
                String j = i < ours.size() ? ours.get(i) : "(nothing)";
                String s = i < theirs.size() ? theirs.get(i) : "(nothing)";
                assertEquals(s, j, "line " + (i + 1) + ": strace (expected) and jsock (actual) disagree");
            }
        } finally {
            Files.deleteIfExists(straceOut);
        }
    }
}
