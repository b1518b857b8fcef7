package org.jsock.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher finds JDK 25 by itself, or says in one line that there is none. */
class LauncherTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void withoutAJdk25TheLauncherSaysSoInOneLineAndExitsTwo() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("jsock").toString(), "--version");
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", "/usr/bin:/bin"); // its java is JDK 17: not enough
        pb.environment().put("JSOCK_JVM_DIRS", "/nonexistent");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("jsock: no JDK 25 or later found"), err);
    }

    @Test
    void aJdk17OnThePathIsPassedOverForJdk25() throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin");
        org.junit.jupiter.api.Assumptions.assumeTrue(jdk17.toFile().isDirectory(), "no JDK 17 here to pass over");
        // Inside `mvn verify` the jar comes after the tests: run only against a jar already built.
        org.junit.jupiter.api.Assumptions.assumeTrue(ROOT.resolve("cli/target/jsock-cli.jar").toFile().isFile(), "jsock is not packaged yet");
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("jsock").toString(), "--version");
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", jdk17 + ":/usr/bin:/bin");
        pb.environment().put("JSOCK_NO_BUILD", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.startsWith("jsock ") && out.contains("Java 25"), out + err);
        assertTrue(!err.contains("WARNING"), "no JVM warnings on a normal run: " + err);
    }
}
