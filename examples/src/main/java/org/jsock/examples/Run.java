package org.jsock.examples;

import java.util.Arrays;

/**
 * Runs one program as its own process: {@code java org.jsock.examples.Run LEVEL NAME [ARGS...]}, with
 * LEVEL {@code sys} or {@code net}. The exit status is the program's, as C's main returns it; the
 * tests run each Java program this way against its C original.
 */
public final class Run {
    private Run() {}

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } finally {
            System.out.flush();
            System.err.flush();
        }
        System.exit(status);
    }

    static int run(String[] args) {
        if (args.length < 2) return usage("expected LEVEL NAME [ARGS...]");
        Examples.Level level = switch (args[0]) {
            case "sys" -> Examples.Level.SYS;
            case "net" -> Examples.Level.NET;
            default -> null;
        };
        if (level == null) return usage("LEVEL must be sys or net, not '" + args[0] + "'");
        Examples.Entry entry = Examples.get(args[1]);
        if (entry == null) return usage("no program named '" + args[1] + "'; there are " + Examples.names());
        try {
            return entry.at(level).run(Arrays.copyOfRange(args, 2, args.length));
        } catch (Exception e) {
            // What the program did not handle itself: C would have crashed or ignored it; say what it was.
            System.out.flush();
            System.err.println(entry.name() + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return e instanceof IllegalArgumentException ? 2 : 1;
        }
    }

    private static int usage(String problem) {
        System.err.println("Run: " + problem);
        System.err.println("usage: java org.jsock.examples.Run sys|net NAME [ARGS...]");
        return 2;
    }
}
