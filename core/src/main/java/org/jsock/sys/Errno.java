package org.jsock.sys;

import org.jsock.sys.internal.Libc;
import org.jsock.sys.internal.Platform;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One errno value: its number, its C name ({@code ECONNREFUSED}) and strerror's text
 * ({@code Connection refused}). Names and numbers come from the platform table; the text comes from
 * libc itself, so it reads exactly as {@code perror} would print it.
 */
public record Errno(int number, String name, String text) {
    private static final ConcurrentHashMap<Integer, Errno> CACHE = new ConcurrentHashMap<>();

    /** The errno for a number; unknown numbers get a name such as {@code E200}. */
    public static Errno of(int number) {
        return CACHE.computeIfAbsent(number, n -> {
            String name = Platform.name("errno", n);
            return new Errno(n, name != null ? name : "E" + n, Libc.strerror(n));
        });
    }

    /** The errno named {@code name} ({@code "EAGAIN"}). */
    public static Errno named(String name) {
        return of(Platform.constant(name));
    }

    @Override
    public String toString() {
        return name + " (" + text + ")";
    }
}
