package org.jsock.examples.sys;

/**
 * The few pieces of C's standard library the ports need that are not socket calls: {@code argv} with
 * the program's name at index 0, {@code atoi}, {@code strlen}, and a {@code char} buffer read as the
 * {@code %s} of printf reads it. With {@code import static org.jsock.examples.sys.Stdlib.*;} they
 * read as in C.
 */
final class Stdlib {
    private Stdlib() {}

    /** {@code exit(EXIT_FAILURE)} in C; here {@code main} returns it. */
    static final int EXIT_FAILURE = 1;

    /** C's {@code argv}: the program's name, then its arguments; {@code argc} is its length. */
    static String[] argv(String program, String[] args) {
        String[] argv = new String[args.length + 1];
        argv[0] = program;
        System.arraycopy(args, 0, argv, 1, args.length);
        return argv;
    }

    /** C's {@code atoi}: leading blanks, a sign, digits; 0 when there are none. Overflow wraps, as it
     *  does in practice. */
    static int atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && (s.charAt(i) == ' ' || (s.charAt(i) >= '\t' && s.charAt(i) <= '\r'))) i++;
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) negative = s.charAt(i++) == '-';
        int v = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') v = v * 10 + (s.charAt(i++) - '0');
        return negative ? -v : v;
    }

    /** C's {@code strlen}: bytes before the first NUL (the whole array when there is none). */
    static int strlen(byte[] s) {
        int i = 0;
        while (i < s.length && s[i] != 0) i++;
        return i;
    }

    /**
     * A {@code char} buffer as printf's {@code %s} prints it: the bytes up to the NUL. Decoded with
     * stdout's charset, so that System.out writes back the very bytes C would (ASCII always; other
     * bytes when they are valid in that charset).
     */
    static String str(byte[] s) {
        return str(s, strlen(s));
    }

    /** printf's {@code %.*s}: at most {@code n} bytes, stopping at a NUL. */
    static String str(byte[] s, long n) {
        int len = (int) Math.min(n, strlen(s));
        return new String(s, 0, len, System.out.charset());
    }
}
