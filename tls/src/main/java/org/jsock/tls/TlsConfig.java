package org.jsock.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything one end of TLS is told, in one immutable value: client or server, its certificate, whom
 * it trusts, protocols, ALPN and SNI. Start from {@link #client()} or {@link #server()} and change
 * what you need with the {@code with*} methods; files are read when the method is called, so a bad
 * file fails there with a clear message.
 *
 * <pre>{@code
 * TlsConfig c = TlsConfig.client().withCaFile(Path.of("ca.pem")).withAlpn("h2");
 * TlsConfig s = TlsConfig.server();                 // an ephemeral self-signed certificate
 * System.err.println("SHA256 Fingerprint=" + s.fingerprint());
 * }</pre>
 *
 * <p>Each config owns one {@link SSLContext}, built on first use, and so one session cache: a client
 * resumes sessions (per host:port) only with the config object it made them with. A TLS 1.3 server
 * sends its resumption ticket after the handshake, so a client caches it only once it has read
 * something from that connection.
 *
 * <p>Defaults: TLS 1.3 and 1.2; the JDK's trust store ({@code $JAVA_HOME/lib/security/cacerts});
 * hostname verification on (endpoint identification "HTTPS"); a server with no certificate makes
 * an ephemeral one (EC P-256, CN=localhost, SAN localhost, 127.0.0.1, ::1, valid for a day).
 */
public final class TlsConfig {
    public enum Role { CLIENT, SERVER }

    /** Whether a server asks the client for a certificate. */
    public enum ClientAuth { NONE, WANT, NEED }

    private static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final Set<String> KNOWN_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");

    private final Role role;
    private final List<String> protocols;
    /** Empty: the JDK's default suites. */
    private final List<String> cipherSuites;
    private final List<String> alpn;
    /** Client: the name sent as SNI and verified; null: the host connected to. */
    private final String serverName;
    /** Our certificate and key; for a server with none configured, an ephemeral one made on first use. */
    private final IdentitySource identity;
    /** The CAs trusted; null: the JDK's trust store. */
    private final List<X509Certificate> trusted;
    private final boolean insecure;
    private final List<byte[]> pins;
    private final boolean verifyHostname;
    private final ClientAuth clientAuth;
    /** Built once, on first use. Guarded by this. */
    private SSLContext context;

    private TlsConfig(Role role, List<String> protocols, List<String> cipherSuites, List<String> alpn, String serverName,
                      IdentitySource identity, List<X509Certificate> trusted, boolean insecure, List<byte[]> pins,
                      boolean verifyHostname, ClientAuth clientAuth) {
        this.role = role;
        this.protocols = List.copyOf(protocols);
        this.cipherSuites = List.copyOf(cipherSuites);
        this.alpn = List.copyOf(alpn);
        this.serverName = serverName;
        this.identity = identity;
        this.trusted = trusted == null ? null : List.copyOf(trusted);
        this.insecure = insecure;
        this.pins = List.copyOf(pins);
        this.verifyHostname = verifyHostname;
        this.clientAuth = clientAuth;
    }

    /** A client: the JDK's trust store, hostname verification on, TLS 1.3 and 1.2. */
    public static TlsConfig client() {
        return new TlsConfig(Role.CLIENT, DEFAULT_PROTOCOLS, List.of(), List.of(), null, IdentitySource.NONE, null,
                false, List.of(), true, ClientAuth.NONE);
    }

    /** A server; unless a certificate is given, it uses an ephemeral self-signed one (see {@link #fingerprint()}). */
    public static TlsConfig server() {
        return new TlsConfig(Role.SERVER, DEFAULT_PROTOCOLS, List.of(), List.of(), null, IdentitySource.ephemeral(), null,
                false, List.of(), true, ClientAuth.NONE);
    }

    // ==== changing ==========================================================================

    /** The protocol versions to enable, such as "TLSv1.3" or "TLSv1.2". */
    public TlsConfig withProtocols(String... versions) {
        if (versions.length == 0) throw new IllegalArgumentException("withProtocols needs at least one version");
        for (String v : versions) {
            if (!KNOWN_PROTOCOLS.contains(v)) {
                throw new IllegalArgumentException("unknown TLS version '" + v + "': TLSv1.3 or TLSv1.2");
            }
        }
        return new TlsConfig(role, List.of(versions), cipherSuites, alpn, serverName, identity, trusted, insecure, pins, verifyHostname, clientAuth);
    }

    /** The cipher suites to enable (JDK names, such as TLS_AES_128_GCM_SHA256). */
    public TlsConfig withCipherSuites(String... suites) {
        return new TlsConfig(role, protocols, List.of(suites), alpn, serverName, identity, trusted, insecure, pins, verifyHostname, clientAuth);
    }

    /** ALPN protocol names, in order of preference ("h2", "http/1.1"). */
    public TlsConfig withAlpn(String... protocolNames) {
        for (String p : protocolNames) {
            if (p.isEmpty() || p.length() > 255) throw new IllegalArgumentException("ALPN name must be 1 to 255 bytes, got '" + p + "'");
        }
        return new TlsConfig(role, protocols, cipherSuites, List.of(protocolNames), serverName, identity, trusted, insecure, pins, verifyHostname, clientAuth);
    }

    /** Client: the server name to send as SNI and to verify the certificate against, in place of the host connected to. */
    public TlsConfig withServerName(String name) {
        if (name != null && !CertGen.isIpLiteral(name)) new SNIHostName(name); // throws on a malformed name
        return new TlsConfig(role, protocols, cipherSuites, alpn, name, identity, trusted, insecure, pins, verifyHostname, clientAuth);
    }

    /** Our certificate (PEM, leaf first, then its chain) and its private key (PEM: PKCS#8, or PKCS#1 RSA / SEC1 EC). */
    public TlsConfig withCertificate(Path certPem, Path keyPem) throws IOException {
        List<X509Certificate> chain = Pem.certificates(certPem);
        PrivateKey key = Pem.privateKey(keyPem);
        if (!matches(chain.getFirst(), key)) {
            throw new IOException("key file " + keyPem + " does not match the certificate in " + certPem);
        }
        return withIdentity(new Identity(chain, key));
    }

    /** Our certificate and key from a PKCS#12 keystore (its first key entry; the key has the store's password). */
    public TlsConfig withPkcs12(Path file, char[] password) throws IOException {
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
        } catch (IOException e) {
            String why = e.getCause() instanceof java.security.UnrecoverableKeyException ? "wrong password" : String.valueOf(e.getMessage());
            throw new IOException("cannot open PKCS#12 file " + file + ": " + why, e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot open PKCS#12 file " + file + ": " + e.getMessage(), e);
        }
        try {
            for (String alias : java.util.Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) continue;
                Certificate[] chain = ks.getCertificateChain(alias);
                if (chain == null || chain.length == 0) continue;
                List<X509Certificate> xs = new ArrayList<>();
                for (Certificate c : chain) xs.add((X509Certificate) c);
                return withIdentity(new Identity(xs, (PrivateKey) ks.getKey(alias, password)));
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key in PKCS#12 file " + file + ": " + e.getMessage(), e);
        }
        throw new IOException("PKCS#12 file " + file + " holds no private key with a certificate");
    }

    TlsConfig withIdentity(Identity id) {
        return new TlsConfig(role, protocols, cipherSuites, alpn, serverName, IdentitySource.of(id), trusted, insecure, pins, verifyHostname, clientAuth);
    }

    /**
     * Trusts the CA certificates in {@code pem} (one or more) in place of the JDK's trust store; several
     * calls add up.
     */
    public TlsConfig withCaFile(Path pem) throws IOException {
        List<X509Certificate> all = new ArrayList<>(trusted == null ? List.of() : trusted);
        all.addAll(Pem.certificates(pem));
        return withTrusted(all);
    }

    TlsConfig withTrusted(List<X509Certificate> cas) {
        return new TlsConfig(role, protocols, cipherSuites, alpn, serverName, identity, cas, insecure, pins, verifyHostname, clientAuth);
    }

    /**
     * Trusts any certificate for any name. For tests only: anyone on the path can read and change the
     * traffic. A warning goes to stderr when the config is first used.
     */
    public TlsConfig withInsecure() {
        return new TlsConfig(role, protocols, cipherSuites, alpn, serverName, identity, trusted, true, pins, verifyHostname, clientAuth);
    }

    /**
     * Accepts the peer only if its certificate has this SHA-256 fingerprint (64 hex digits, colons and
     * case as you like, as {@code openssl x509 -fingerprint -sha256} prints it). A pin replaces the CA
     * and hostname checks; the certificate's dates are still checked. Several calls allow several.
     */
    public TlsConfig withPin(String sha256) {
        List<byte[]> all = new ArrayList<>(pins);
        all.add(parseFingerprint(sha256));
        return new TlsConfig(role, protocols, cipherSuites, alpn, serverName, identity, trusted, insecure, all, verifyHostname, clientAuth);
    }

    /** Client: whether the certificate must name the host (on by default). */
    public TlsConfig withHostnameVerification(boolean on) {
        return new TlsConfig(role, protocols, cipherSuites, alpn, serverName, identity, trusted, insecure, pins, on, clientAuth);
    }

    /** Server: whether to ask for a client certificate (checked against the trusted CAs or pins). */
    public TlsConfig withClientAuth(ClientAuth auth) {
        return new TlsConfig(role, protocols, cipherSuites, alpn, serverName, identity, trusted, insecure, pins, verifyHostname, auth);
    }

    // ==== reading ===========================================================================

    public Role role() { return role; }

    public boolean isClient() { return role == Role.CLIENT; }

    public List<String> protocols() { return protocols; }

    public List<String> alpn() { return alpn; }

    /** The SNI name set with {@link #withServerName}, or null. */
    public String serverName() { return serverName; }

    public boolean isInsecure() { return insecure && pins.isEmpty(); }

    /** True when this end has no certificate of its own configured and uses (server) a generated one. */
    public boolean isEphemeral() { return identity.ephemeral; }

    /** Our certificate (the leaf), or null for a client without one. Makes the ephemeral one if needed. */
    public X509Certificate certificate() {
        Identity id = identity.get();
        return id == null ? null : id.leaf();
    }

    /** Our certificate's SHA-256 fingerprint as {@code AB:CD:...} (what a peer passes to {@link #withPin}), or null. */
    public String fingerprint() {
        X509Certificate c = certificate();
        return c == null ? null : fingerprint(c);
    }

    /** Our certificate chain as PEM (for a peer to trust, say with {@code openssl s_client -CAfile}), or null. */
    public String certificatePem() {
        Identity id = identity.get();
        if (id == null) return null;
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : id.chain()) sb.append(Pem.certificate(c));
        return sb.toString();
    }

    /** Our private key as PKCS#8 PEM, or null: for handing the ephemeral identity to a tool. Keep it secret. */
    public String privateKeyPem() {
        Identity id = identity.get();
        return id == null ? null : Pem.privateKey(id.key());
    }

    /** A certificate's SHA-256 fingerprint, upper-case hex with colons, as openssl prints it. */
    public static String fingerprint(X509Certificate cert) {
        return hex(TrustCheck.sha256(cert));
    }

    static String hex(byte[] b) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(b);
    }

    /** Parses a SHA-256 fingerprint: 64 hex digits, colons or spaces between allowed, optional "sha256:" prefix. */
    public static byte[] parseFingerprint(String s) {
        String t = s.trim();
        String low = t.toLowerCase(Locale.ROOT);
        if (low.startsWith("sha256 fingerprint=")) t = t.substring("sha256 fingerprint=".length());
        else if (low.startsWith("sha256:") || low.startsWith("sha256/")) t = t.substring(7);
        t = t.replace(":", "").replace(" ", "");
        if (!t.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint: '" + s + "' (want 64 hex digits, colons allowed)");
        }
        return HexFormat.of().parseHex(t);
    }

    // ==== the context and its engines =======================================================

    /** This config's SSLContext (and session cache), built on first use. */
    public synchronized SSLContext sslContext() throws IOException {
        if (context != null) return context;
        try {
            Identity id = identity.get();
            KeyManager[] kms = id == null ? null : new KeyManager[] {new IdentityKeyManager(id)};
            X509ExtendedTrustManager pkix = null;
            if (pins.isEmpty() && !insecure) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(trusted == null ? null : trustStore(trusted));
                for (TrustManager tm : tmf.getTrustManagers()) {
                    if (tm instanceof X509ExtendedTrustManager x) pkix = x;
                }
                if (pkix == null) throw new GeneralSecurityException("the JDK has no X509ExtendedTrustManager");
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kms, new TrustManager[] {new TrustCheck(pkix, pins, insecure)}, null);
            if (insecure && pins.isEmpty()) {
                System.err.println("jsock: warning: insecure TLS: the peer's certificate is not verified, "
                        + "so anyone on the path can read and change this connection");
            }
            return context = ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        for (int i = 0; i < cas.size(); i++) ks.setCertificateEntry("ca" + i, cas.get(i));
        return ks;
    }

    /**
     * A new engine for one connection. Client: {@code host} (or the configured server name) is sent as
     * SNI, verified against the certificate, and with {@code port} keys the session cache.
     */
    SSLEngine newEngine(String host, int port) throws IOException {
        SSLContext ctx = sslContext();
        SSLEngine e;
        String name = serverName != null ? serverName : host;
        if (role == Role.CLIENT) {
            boolean verify = verifyHostname && !insecure && pins.isEmpty();
            if (verify && name == null) {
                throw new IllegalArgumentException("hostname verification needs the server's name: give a host, "
                        + "or turn verification off with withHostnameVerification(false)");
            }
            e = name == null ? ctx.createSSLEngine() : ctx.createSSLEngine(name, port);
            e.setUseClientMode(true);
            SSLParameters p = common(e);
            if (verify) p.setEndpointIdentificationAlgorithm("HTTPS");
            if (name != null && !CertGen.isIpLiteral(name)) p.setServerNames(List.of(new SNIHostName(name)));
            e.setSSLParameters(p);
        } else {
            e = ctx.createSSLEngine();
            e.setUseClientMode(false);
            SSLParameters p = common(e);
            if (clientAuth == ClientAuth.NEED) p.setNeedClientAuth(true);
            else if (clientAuth == ClientAuth.WANT) p.setWantClientAuth(true);
            e.setSSLParameters(p);
        }
        return e;
    }

    private SSLParameters common(SSLEngine e) {
        SSLParameters p = e.getSSLParameters();
        p.setProtocols(protocols.toArray(new String[0]));
        if (!cipherSuites.isEmpty()) p.setCipherSuites(cipherSuites.toArray(new String[0]));
        if (!alpn.isEmpty()) p.setApplicationProtocols(alpn.toArray(new String[0]));
        return p;
    }

    private static boolean matches(X509Certificate cert, PrivateKey key) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            case "RSASSA-PSS" -> null;
            default -> null;
        };
        if (alg == null) return cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm());
        try {
            byte[] probe = "jsock key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "TlsConfig[" + role + " " + protocols + (alpn.isEmpty() ? "" : " alpn=" + alpn)
                + (serverName == null ? "" : " sni=" + serverName)
                + (identity.ephemeral ? " ephemeral-cert" : identity.fixed != null ? " cert=" + TrustCheck.name(identity.fixed.leaf()) : "")
                + (!pins.isEmpty() ? " pinned" : insecure ? " INSECURE" : trusted != null ? " cafile(" + trusted.size() + ")" : " system-trust")
                + (role == Role.CLIENT && !verifyHostname ? " no-hostname-check" : "") + "]";
    }

    /** Where our identity comes from: none, a fixed one, or an ephemeral one made once on first use. */
    private static final class IdentitySource {
        static final IdentitySource NONE = new IdentitySource(null, false);
        final Identity fixed;
        final boolean ephemeral;
        /** Guarded by this. */
        private Identity made;

        private IdentitySource(Identity fixed, boolean ephemeral) {
            this.fixed = fixed;
            this.ephemeral = ephemeral;
        }

        static IdentitySource of(Identity id) { return new IdentitySource(id, false); }

        static IdentitySource ephemeral() { return new IdentitySource(null, true); }

        synchronized Identity get() {
            if (!ephemeral) return fixed;
            if (made == null) made = CertGen.ephemeral();
            return made;
        }
    }
}
