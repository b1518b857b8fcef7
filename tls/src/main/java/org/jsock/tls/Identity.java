package org.jsock.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A certificate chain (leaf first) and the private key of its leaf: what this end proves itself with. */
record Identity(List<X509Certificate> chain, PrivateKey key) {
    Identity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) throw new IllegalArgumentException("an identity needs at least one certificate");
    }

    X509Certificate leaf() { return chain.getFirst(); }
}
