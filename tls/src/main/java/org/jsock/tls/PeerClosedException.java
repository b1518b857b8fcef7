package org.jsock.tls;

import javax.net.ssl.SSLHandshakeException;

/** The peer closed the connection, or ended the TLS session, before the handshake finished. */
final class PeerClosedException extends SSLHandshakeException {
    PeerClosedException(String message) {
        super(message);
    }
}
