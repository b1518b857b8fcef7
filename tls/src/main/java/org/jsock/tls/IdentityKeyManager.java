package org.jsock.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A key manager with exactly one identity: offered whenever the key type the handshake asks for is
 * the identity's. It marks the engine when a full handshake chooses the certificate (see {@link Marks}).
 */
final class IdentityKeyManager extends X509ExtendedKeyManager {
    static final String ALIAS = "jsock";
    private final Identity id;

    IdentityKeyManager(Identity id) { this.id = id; }

    private String alias(String keyType) {
        return keyType != null && keyType.equals(id.key().getAlgorithm()) ? ALIAS : null;
    }

    private String alias(String[] keyTypes) {
        if (keyTypes == null) return null;
        for (String t : keyTypes) if (alias(t) != null) return ALIAS;
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        String a = alias(keyType);
        // The JDK also asks when it restores a session from a ticket; only a full handshake counts.
        if (a != null && !Marks.restoringSession()) Marks.fullHandshake(engine);
        return a;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) { return alias(keyType); }

    @Override public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return alias(keyType); }

    @Override public String[] getServerAliases(String keyType, Principal[] issuers) { return alias(keyType) == null ? null : new String[] {ALIAS}; }

    @Override public String[] getClientAliases(String keyType, Principal[] issuers) { return getServerAliases(keyType, issuers); }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? id.chain().toArray(new X509Certificate[0]) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? id.key() : null;
    }
}
