/**
 * TLS over any jsock stream: the JDK's SSLEngine driven over a {@link org.jsock.tls.Transport}
 * (a jsock {@link org.jsock.net.Socket} today), blocking or not, and inside the server's event loops
 * through {@link org.jsock.tls.TlsHandler}. BouncyCastle only makes the ephemeral certificate.
 */
module org.jsock.tls {
    requires transitive org.jsock;
    requires transitive org.jsock.server;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    exports org.jsock.tls;
}
