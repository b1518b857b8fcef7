package org.jsock.tls;

import javax.net.ssl.SSLException;

/**
 * The peer's transport ended without a TLS close_notify: the stream may have been cut short by an
 * attacker (a truncation attack), so what was received is not known to be complete. Never a clean
 * end of stream.
 */
public final class TlsTruncationException extends SSLException {
    public TlsTruncationException(String message, Throwable cause) {
        super(message, cause);
    }
}
