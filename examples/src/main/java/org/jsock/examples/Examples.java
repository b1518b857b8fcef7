package org.jsock.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The seeds' programs by name, on each API level: {@code sys} (ported line by line from the C) and
 * {@code net} (the typed API). Each prints exactly what its C original in {@code examples/c} prints.
 */
public final class Examples {
    private Examples() {}

    public enum Level { SYS, NET }

    /** A program: its name, what it does, its C original, and its two Java versions. */
    public record Entry(String name, String usage, String summary, String cFile, Example sys, Example net) {
        public Example at(Level level) { return level == Level.SYS ? sys : net; }
    }

    private static final Map<String, Entry> ALL = new LinkedHashMap<>();

    static {
        add(new Entry("create-socket", "create-socket", "create a TCP and a UDP socket and print their fds",
                "create_socket.c", org.jsock.examples.sys.CreateSocket::main, org.jsock.examples.net.CreateSocket::main));
    }

    private static void add(Entry e) { ALL.put(e.name(), e); }

    public static Set<String> names() { return ALL.keySet(); }

    public static Entry get(String name) { return ALL.get(name); }

    public static Iterable<Entry> all() { return ALL.values(); }
}
