package org.jsock.bench.rudp;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/** Writes maps, lists, records, strings, numbers and booleans as indented JSON: the raw numbers of bench/results/rudp.json. */
final class Json {
    private Json() {}

    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0);
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, int depth) {
        switch (v) {
            case null -> b.append("null");
            case String s -> string(b, s);
            case Boolean z -> b.append(z);
            case Double d -> number(b, d);
            case Float f -> number(b, f);
            case Number n -> b.append(n);
            case Map<?, ?> m -> object(b, m, depth);
            case Collection<?> c -> array(b, c, depth);
            case Record r -> object(b, fields(r), depth);
            case Enum<?> e -> string(b, e.name());
            default -> string(b, v.toString());
        }
    }

    private static Map<String, Object> fields(Record r) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                m.put(c.getName(), c.getAccessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
            }
        }
        return m;
    }

    private static void object(StringBuilder b, Map<?, ?> m, int depth) {
        if (m.isEmpty()) {
            b.append("{}");
            return;
        }
        b.append("{\n");
        int i = 0;
        for (var e : m.entrySet()) {
            indent(b, depth + 1);
            string(b, String.valueOf(e.getKey()));
            b.append(": ");
            write(b, e.getValue(), depth + 1);
            b.append(++i < m.size() ? ",\n" : "\n");
        }
        indent(b, depth).append('}');
    }

    private static void array(StringBuilder b, Collection<?> c, int depth) {
        if (c.isEmpty()) {
            b.append("[]");
            return;
        }
        // Short arrays of plain values stay on one line.
        if (c.stream().allMatch(x -> x instanceof Number || x instanceof String s && s.length() < 40) && c.size() <= 20) {
            b.append('[');
            int i = 0;
            for (Object x : c) {
                if (i++ > 0) b.append(", ");
                write(b, x, depth);
            }
            b.append(']');
            return;
        }
        b.append("[\n");
        int i = 0;
        for (Object x : c) {
            indent(b, depth + 1);
            write(b, x, depth + 1);
            b.append(++i < c.size() ? ",\n" : "\n");
        }
        indent(b, depth).append(']');
    }

    private static void number(StringBuilder b, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            b.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            b.append((long) d);
        } else {
            b.append(String.format(Locale.ROOT, "%.6g", d).replaceFirst("(\\.\\d*?)0+($|e)", "$1$2").replaceFirst("\\.($|e)", "$1"));
        }
    }

    private static StringBuilder indent(StringBuilder b, int depth) {
        return b.append("  ".repeat(depth));
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
