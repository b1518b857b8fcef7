package org.jsock.tls;

import java.security.cert.CertificateException;

/**
 * The peer's certificate was refused, with the reason in one line: jsock's trust check throws it in
 * place of the JDK's exception (kept as the cause), and the handshake fails with it as its cause.
 */
public final class TlsCertificateException extends CertificateException {
    /** Why the certificate was refused. */
    public enum Reason {
        /** It does not chain to a trusted CA. */
        UNTRUSTED,
        /** It is not valid for the name we connected to. */
        HOSTNAME_MISMATCH,
        /** It, or a certificate in its chain, has expired. */
        EXPIRED,
        /** It, or a certificate in its chain, is not valid yet. */
        NOT_YET_VALID,
        /** Its SHA-256 fingerprint is not one of the pinned ones. */
        PIN_MISMATCH,
        /** Anything else the certificate path check reported. */
        OTHER
    }

    private final Reason reason;

    public TlsCertificateException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
