package org.jsock.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON that iperf3's control channel and its {@code -J} report need: parse text into
 * {@code Map} (insertion-ordered), {@code List}, {@code String}, {@code Long}, {@code Double},
 * {@code Boolean} and {@code null}, and write those back, compact or indented.
 *
 * <p>Numbers without a fraction or exponent that fit a long parse as Long; the rest as Double. iperf3
 * writes an unsigned 64-bit -1 ({@code 18446744073709551615}) for "not known", which comes back as
 * a Double; {@link #count} reads that as -1.
 */
public final class Json {
    private Json() {}

    /** Parses one JSON value; throws IllegalArgumentException with the offset of what is wrong. */
    public static Object parse(String text) {
        Reader r = new Reader(text);
        r.space();
        Object v = r.value(0);
        r.space();
        if (r.pos != text.length()) throw r.error("text after the value");
        return v;
    }

    /** Parses a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) throw new IllegalArgumentException("expected a JSON object");
        return (Map<String, Object>) v;
    }

    /** Compact text, as iperf3 sends on the control connection. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, -1);
        return sb.toString();
    }

    /** Indented text (one tab a level), as iperf3 prints its {@code -J} report. */
    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    /** A new insertion-ordered object. */
    public static Map<String, Object> object() { return new LinkedHashMap<>(); }

    // ---- typed reads -------------------------------------------------------------------------

    public static double number(Map<String, Object> o, String key, double otherwise) {
        return o.get(key) instanceof Number n ? n.doubleValue() : otherwise;
    }

    /** An integer field; iperf3's unsigned "unknown" (2^64 - 1) and negatives read as -1. */
    public static long count(Map<String, Object> o, String key, long otherwise) {
        Object v = o.get(key);
        if (v instanceof Long l) return l < 0 ? -1 : l;
        if (v instanceof Double d) return d >= 0x1p63 || d < 0 ? -1 : d.longValue();
        return otherwise;
    }

    public static boolean bool(Map<String, Object> o, String key) {
        Object v = o.get(key);
        return v instanceof Boolean b ? b : v instanceof Number n && n.doubleValue() != 0;
    }

    public static String string(Map<String, Object> o, String key) {
        return o.get(key) instanceof String s ? s : null;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Map<String, Object> o, String key) {
        return o.get(key) instanceof List<?> l ? (List<Object>) l : List.of();
    }

    // ---- writing -----------------------------------------------------------------------------

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            sb.append(v);
        } else if (v instanceof Number n) {
            number(sb, n.doubleValue());
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                newline(sb, deeper(indent));
                quote(sb, String.valueOf(e.getKey()));
                sb.append(indent >= 0 ? ":\t" : ":");
                write(sb, e.getValue(), deeper(indent));
            }
            newline(sb, indent);
            sb.append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            boolean first = true;
            for (Object e : l) {
                if (!first) sb.append(',');
                first = false;
                newline(sb, deeper(indent));
                write(sb, e, deeper(indent));
            }
            newline(sb, indent);
            sb.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    /** The next level's indent; compact (-1) stays compact. */
    private static int deeper(int indent) { return indent < 0 ? -1 : indent + 1; }

    private static void newline(StringBuilder sb, int indent) {
        if (indent < 0) return;
        sb.append('\n');
        sb.append("\t".repeat(indent));
    }

    private static void number(StringBuilder sb, double d) {
        // JSON has no NaN or infinity: a rate over zero seconds is reported as 0.
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            sb.append('0');
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d);
        } else {
            sb.append(d);
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    // ---- reading -----------------------------------------------------------------------------

    /** A recursive-descent reader; nesting is capped so hostile input cannot overflow the stack. */
    private static final class Reader {
        private static final int MAX_DEPTH = 64;
        final String s;
        int pos;

        Reader(String s) { this.s = s; }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON at offset " + pos + ": " + what);
        }

        void space() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) pos++;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw error("nested too deeply");
            if (pos >= s.length()) throw error("unexpected end");
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> word("true", Boolean.TRUE);
                case 'f' -> word("false", Boolean.FALSE);
                case 'n' -> word("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        Object word(String w, Object v) {
            if (!s.startsWith(w, pos)) throw error("expected " + w);
            pos += w.length();
            return v;
        }

        Map<String, Object> object(int depth) {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            space();
            if (peek() == '}') {
                pos++;
                return m;
            }
            while (true) {
                space();
                if (peek() != '"') throw error("expected a key");
                String key = string();
                space();
                if (peek() != ':') throw error("expected ':'");
                pos++;
                space();
                m.put(key, value(depth + 1));
                space();
                char c = peek();
                pos++;
                if (c == '}') return m;
                if (c != ',') throw error("expected ',' or '}'");
            }
        }

        List<Object> array(int depth) {
            List<Object> l = new ArrayList<>();
            pos++;
            space();
            if (peek() == ']') {
                pos++;
                return l;
            }
            while (true) {
                space();
                l.add(value(depth + 1));
                space();
                char c = peek();
                pos++;
                if (c == ']') return l;
                if (c != ',') throw error("expected ',' or ']'");
            }
        }

        char peek() {
            if (pos >= s.length()) throw error("unexpected end");
            return s.charAt(pos);
        }

        String string() {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = peek();
                pos++;
                if (c == '"') return sb.toString();
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = peek();
                pos++;
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("short \\u escape");
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        Object number() {
            int start = pos;
            if (peek() == '-') pos++;
            boolean integral = true;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c >= '0' && c <= '9') {
                    pos++;
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    integral = false;
                    pos++;
                } else {
                    break;
                }
            }
            String t = s.substring(start, pos);
            try {
                if (integral) {
                    try {
                        return Long.parseLong(t);
                    } catch (NumberFormatException tooBig) {
                        return Double.parseDouble(t);
                    }
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException x) {
                pos = start;
                throw error("bad number '" + t + "'");
            }
        }
    }
}
