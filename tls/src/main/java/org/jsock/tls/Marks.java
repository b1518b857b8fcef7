package org.jsock.tls;

import javax.net.ssl.SSLEngine;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Remembers which engines did the certificate work of a full handshake: the client's trust check
 * and the server's choice of its certificate happen only then, never when a session is resumed.
 * That is how jsock tells a resumed session from a new one (the JDK does not say). A second sign
 * backs it: a resumed session keeps the creation time of the session it resumes, which is older
 * than the handshake.
 */
final class Marks {
    private Marks() {}

    /** Weak keys: an engine that fails its handshake is not kept alive here. Guarded by itself. */
    private static final Set<SSLEngine> FULL = Collections.newSetFromMap(Collections.synchronizedMap(new WeakHashMap<>()));

    /**
     * True when called (through the key manager) while the JDK rebuilds a session from a resumption
     * ticket, which asks for the certificate again though none is sent.
     */
    static boolean restoringSession() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f ->
                f.getClassName().equals("sun.security.ssl.SSLSessionImpl") && f.getMethodName().equals("<init>")));
    }

    static void fullHandshake(SSLEngine engine) {
        if (engine != null) FULL.add(engine);
    }

    /** True if {@code engine} did a full handshake since the last call; clears the mark. */
    static boolean tookFullHandshake(SSLEngine engine) {
        return FULL.remove(engine);
    }
}
