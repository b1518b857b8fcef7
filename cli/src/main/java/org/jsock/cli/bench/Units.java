package org.jsock.cli.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** iperf3's units: sizes in powers of 1024 (KBytes), rates in powers of 1000 (Mbits/sec). */
public final class Units {
    private Units() {}

    private static final String[] BYTES = {"Bytes", "KBytes", "MBytes", "GBytes", "TBytes"};
    private static final String[] BITS = {"bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec", "Tbits/sec"};

    /** "2.43 GBytes", " 128 KBytes": three significant figures in four columns. */
    static String bytes(double n) { return scaled(n, 1024, BYTES); }

    /** "20.9 Gbits/sec", " 100 Kbits/sec". */
    static String bits(double perSecond) { return scaled(perSecond, 1000, BITS); }

    private static String scaled(double n, double step, String[] units) {
        int u = 0;
        while (u < units.length - 1 && Math.abs(n) >= step) {
            n /= step;
            u++;
        }
        String f = Math.abs(n) < 9.995 ? "%4.2f" : Math.abs(n) < 99.95 ? "%4.1f" : "%4.0f";
        return String.format(Locale.ROOT, f, n) + " " + units[u];
    }

    /** A percentage with two significant figures and no trailing zeros: "0", "1.5", "33". */
    static String percent(double p) {
        if (p == 0 || Double.isNaN(p)) return "0";
        return new BigDecimal(p).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }

    /** A rate: digits with an optional k, m, g or t (powers of 1000), as iperf3's -b takes it. */
    public static long rate(String text) {
        return parse(text, 1000, "a rate such as 100M or 1G");
    }

    /** A size: digits with an optional k, m or g (powers of 1024), as iperf3's -l takes it. */
    public static long size(String text) {
        return parse(text, 1024, "a size such as 1460 or 128K");
    }

    private static long parse(String text, long step, String what) {
        String t = text.trim();
        if (t.isEmpty()) throw new IllegalArgumentException("'" + text + "' is not " + what);
        long mult = switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
            case 'k' -> step;
            case 'm' -> step * step;
            case 'g' -> step * step * step;
            case 't' -> step * step * step * step;
            default -> 1;
        };
        String digits = mult == 1 ? t : t.substring(0, t.length() - 1);
        try {
            BigDecimal v = new BigDecimal(digits).multiply(BigDecimal.valueOf(mult));
            if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) throw new NumberFormatException();
            return v.longValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + what);
        }
    }
}
