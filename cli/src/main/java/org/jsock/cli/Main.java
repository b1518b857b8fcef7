package org.jsock.cli;

import org.jsock.sys.ErrnoException;
import org.jsock.sys.GaiException;
import org.jsock.sys.internal.Platform;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * The {@code jsock} command: the seeds' programs, netcat-style client and server, classic services,
 * name resolution, and {@code --trace}, which prints every socket call as strace does.
 */
@Command(name = "jsock", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {DemoCommand.class, ExampleCommand.class, ConnectCommand.class, ListenCommand.class,
                ServeCommand.class, ResolveCommand.class, BenchCommand.class, ImpairCommand.class, ImpairTunCommand.class,
                AutoComplete.GenerateCompletion.class,
                CommandLine.HelpCommand.class},
        description = {
                "The Berkeley sockets API from Java, and netcat-style tools built on it.",
                "",
                "Every command makes the real calls (socket, bind, listen, accept, connect, send, recv,",
                "shutdown, close) through Java's foreign function API; --trace prints each one as strace would.",
                ""},
        footer = {"", "Start with:  jsock demo", "Exit status: 0 success, 1 network error, 2 usage error."})
public final class Main implements Runnable {
    @Option(names = "--trace", scope = ScopeType.INHERIT,
            description = "Print every socket call to stderr in strace's format.")
    boolean trace;

    @Option(names = "-v", scope = ScopeType.INHERIT,
            description = "Verbose: say what happens. Twice (-v -v) shows stack traces on errors.")
    boolean[] verbose = new boolean[0];

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit status (tests call this in-process). */
    public static int run(String... args) {
        // The tracer is switched on before the socket layer loads, so that off it costs nothing.
        if (Arrays.asList(args).contains("--trace") || (args.length > 0 && args[0].equals("demo"))) {
            System.setProperty("jsock.trace", "true");
        }
        try {
            Platform.check();
        } catch (UnsupportedOperationException | ExceptionInInitializerError e) {
            System.err.println("jsock: " + (e.getMessage() != null ? e.getMessage() : e.getCause().getMessage()));
            return 2;
        }
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::onError);
        cl.setParameterExceptionHandler(Main::onUsageError);
        cl.setUsageHelpWidth(100);
        return cl;
    }

    private static int onUsageError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("jsock: " + e.getMessage());
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more.");
        return 2;
    }

    private static int onError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        int verbosity = 0;
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("-v")) verbosity = Math.max(verbosity, ((boolean[]) p.matchedOptionValue("-v", new boolean[0])).length);
        }
        err.println("jsock: " + describe(e));
        if (verbosity >= 2) e.printStackTrace(err);
        err.flush();
        return exitCode(e);
    }

    /** The one-line message for an error: {@code connect 127.0.0.1:9: Connection refused (ECONNREFUSED)}. */
    static String describe(Throwable e) {
        if (e instanceof CliException c) return c.getMessage();
        if (e instanceof ErrnoException x) return x.getMessage() + " (" + x.error().name() + ")";
        if (e instanceof GaiException g) return g.getMessage() + " (" + g.codeName() + ")";
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    static int exitCode(Throwable e) {
        if (e instanceof CliException c) return c.exitCode();
        if (e instanceof IllegalArgumentException) return 2;
        if (e instanceof IOException || e instanceof SocketTimeoutException) return 1;
        return 1;
    }

    /** The version: from the jar's manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jsock " + (v != null ? v : "0.1.0-SNAPSHOT") + " (Java " + Runtime.version()
                    + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"};
        }
    }
}
