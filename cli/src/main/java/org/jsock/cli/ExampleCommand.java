package org.jsock.cli;

import org.jsock.examples.Example;
import org.jsock.examples.Examples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "example", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Run one of the seeds' programs (hello-server, tcp-client, resolve, ...).",
                "",
                "Each is written in Java twice: ported line by line from the C",
                "on the sys level (socket(AF_INET, SOCK_STREAM, 0), bind, listen, ...), and on the typed",
                "net level. Both print exactly what the C original prints. The C originals are in",
                "examples/c/, and the tests run each Java program against them.",
                ""},
        footer = {"", "Examples:",
                "  jsock example --list",
                "  jsock example hello-server &   jsock example hello-client",
                "  jsock --trace example --level sys create-socket",
                "  jsock example tcp-client 127.0.0.1 7878"})
final class ExampleCommand implements Callable<Integer> {
    @Option(names = "--level", paramLabel = "sys|net", defaultValue = "net",
            description = "Which version to run: sys (the C calls, line by line) or net (the typed API). Default: ${DEFAULT-VALUE}.")
    String level;

    @Option(names = {"-l", "--list"}, description = "List the programs.")
    boolean list;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The program to run (see --list).")
    String name;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "Its arguments, as the C program takes them.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (list || name == null) {
            for (Examples.Entry e : Examples.all()) {
                System.out.printf("  %-34s %s  (%s)%n", e.usage(), e.summary(), "examples/c/" + e.cFile());
            }
            return name == null && !list ? 2 : 0;
        }
        Examples.Entry e = Examples.get(name);
        if (e == null) throw CliException.usage("no example named '" + name + "'; try: jsock example --list");
        Examples.Level lv = switch (level) {
            case "sys" -> Examples.Level.SYS;
            case "net" -> Examples.Level.NET;
            default -> throw CliException.usage("--level must be sys or net, not '" + level + "'");
        };
        Example program = e.at(lv);
        int status = program.run(args.toArray(String[]::new));
        System.out.flush();
        return status;
    }
}
