package org.jsock.sys;

import org.jsock.sys.internal.Libc;
import org.jsock.sys.internal.Platform;

import java.io.IOException;

/**
 * getaddrinfo or getnameinfo failed: carries the {@code EAI_*} code, its name and {@code gai_strerror}'s
 * text. For {@code EAI_SYSTEM} the errno behind it is kept too.
 */
public class GaiException extends IOException {
    private final String call;
    private final int code;
    private final int errno;

    public GaiException(String call, int code, int errno) {
        super(call + ": " + Libc.gai_strerror(code));
        this.call = call;
        this.code = code;
        this.errno = errno;
    }

    public String call() { return call; }

    /** The EAI_* value (negative on glibc). */
    public int code() { return code; }

    /** The EAI_* name, such as {@code EAI_NONAME}. */
    public String codeName() {
        String n = Platform.name("eai", code);
        return n != null ? n : "EAI_" + code;
    }

    /** gai_strerror's text for the code. */
    public String text() { return Libc.gai_strerror(code); }

    /** errno when the code is EAI_SYSTEM, else 0. */
    public int errno() { return errno; }
}
