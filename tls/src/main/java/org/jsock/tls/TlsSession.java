package org.jsock.tls;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a finished handshake agreed on.
 *
 * @param protocol        "TLSv1.3" or "TLSv1.2"
 * @param cipherSuite     such as TLS_AES_128_GCM_SHA256
 * @param peerSubject     the peer certificate's subject (RFC 2253, "CN=localhost"), or null when it sent none
 * @param peerFingerprint the peer certificate's SHA-256 fingerprint (AB:CD:...), or null
 * @param alpn            the protocol ALPN chose, or null when none was negotiated
 * @param serverName      the SNI name: on a client, the one sent; on a server, the one the client asked for; or null
 * @param resumed         whether this connection resumed an earlier session (no certificate exchange)
 * @param sslSession      the JDK's session, for anything else
 */
public record TlsSession(String protocol, String cipherSuite, String peerSubject, String peerFingerprint, String alpn,
                         String serverName, boolean resumed, SSLSession sslSession) {

    /** The session of a finished handshake that began at {@code startMillis} (System.currentTimeMillis). */
    static TlsSession of(SSLEngine engine, long startMillis) {
        SSLSession s = engine.getSession();
        String subject = null;
        String fp = null;
        try {
            Certificate[] peer = s.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate x) {
                subject = TrustCheck.name(x);
                fp = TlsConfig.fingerprint(x);
            }
        } catch (SSLPeerUnverifiedException e) {
            // no peer certificate: a server that did not ask for one
        }
        String alpn = engine.getApplicationProtocol();
        if (alpn != null && alpn.isEmpty()) alpn = null;
        List<SNIServerName> names = engine.getUseClientMode()
                ? engine.getSSLParameters().getServerNames()
                : s instanceof ExtendedSSLSession x ? x.getRequestedServerNames() : List.of();
        String sni = null;
        if (names != null) {
            for (SNIServerName n : names) {
                if (n instanceof SNIHostName h) sni = h.getAsciiName();
                else if (n.getType() == 0) sni = new SNIHostName(n.getEncoded()).getAsciiName();
            }
        }
        boolean resumed = !Marks.tookFullHandshake(engine) || s.getCreationTime() < startMillis;
        return new TlsSession(s.getProtocol(), s.getCipherSuite(), subject, fp, alpn, sni, resumed, s);
    }

    /** One line for a trace: {@code TLSv1.3 TLS_AES_128_GCM_SHA256, peer CN=localhost, ALPN h2, new session}. */
    public String summary() {
        StringBuilder sb = new StringBuilder().append(protocol).append(' ').append(cipherSuite);
        sb.append(", peer ").append(peerSubject == null ? "(no certificate)" : peerSubject);
        if (serverName != null) sb.append(", SNI ").append(serverName);
        sb.append(", ALPN ").append(alpn == null ? "none" : alpn);
        sb.append(resumed ? ", resumed session" : ", new session");
        return sb.toString();
    }
}
