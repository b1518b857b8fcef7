package org.jsock.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * jsock's trust decision, in front of the JDK's PKIX trust manager: pinned fingerprints (which replace
 * CA and name checks), the insecure mode, or PKIX with the JDK's endpoint identification; and, when
 * PKIX refuses, the reason in one clear line ({@link TlsCertificateException}).
 */
final class TrustCheck extends X509ExtendedTrustManager {
    /** The JDK's PKIX trust manager; null when insecure or pinned. */
    private final X509ExtendedTrustManager pkix;
    private final List<byte[]> pins;
    private final boolean insecure;

    TrustCheck(X509ExtendedTrustManager pkix, List<byte[]> pins, boolean insecure) {
        this.pkix = pkix;
        this.pins = pins;
        this.insecure = insecure;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        Marks.fullHandshake(engine);
        check(chain, engine == null ? null : engine.getPeerHost(), () -> pkix.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, null, () -> pkix.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, null, () -> pkix.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, null, () -> pkix.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null, () -> pkix.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null, () -> pkix.checkClientTrusted(chain, authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix == null ? new X509Certificate[0] : pkix.getAcceptedIssuers();
    }

    private interface Check { void run() throws CertificateException; }

    private void check(X509Certificate[] chain, String host, Check pkixCheck) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new TlsCertificateException(TlsCertificateException.Reason.OTHER, "the peer sent no certificate", null);
        }
        if (!pins.isEmpty()) {
            checkPin(chain[0]);
            return;
        }
        if (insecure) return;
        try {
            pkixCheck.run();
        } catch (TlsCertificateException e) {
            throw e;
        } catch (CertificateException e) {
            throw classify(e, chain, host);
        }
    }

    private void checkPin(X509Certificate leaf) throws CertificateException {
        byte[] got = sha256(leaf);
        for (byte[] pin : pins) if (MessageDigest.isEqual(pin, got)) {
            try {
                leaf.checkValidity();
            } catch (CertificateExpiredException e) {
                throw expired(leaf, e);
            } catch (CertificateNotYetValidException e) {
                throw notYetValid(leaf, e);
            }
            return;
        }
        throw new TlsCertificateException(TlsCertificateException.Reason.PIN_MISMATCH,
                "certificate does not match the pinned SHA-256 fingerprint: " + name(leaf) + " has " + TlsConfig.hex(got), null);
    }

    /** Turns the JDK's refusal into one line that says which certificate and why. */
    static TlsCertificateException classify(CertificateException e, X509Certificate[] chain, String host) {
        X509Certificate leaf = chain[0];
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException x) return expired(which(e, chain), x);
            if (c instanceof CertificateNotYetValidException x) return notYetValid(which(e, chain), x);
            if (c instanceof CertPathValidatorException v) {
                if (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) return expired(which(e, chain), e);
                if (v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) return notYetValid(which(e, chain), e);
            }
        }
        String msg = String.valueOf(e.getMessage());
        if (msg.startsWith("No subject alternative") || msg.startsWith("No name matching")) {
            return new TlsCertificateException(TlsCertificateException.Reason.HOSTNAME_MISMATCH,
                    "hostname mismatch: the certificate " + name(leaf) + " is for " + names(leaf) + ", not for '" + host + "'", e);
        }
        boolean noPath = false;
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c.getClass().getName().endsWith("CertPathBuilderException") || m.contains("unable to find valid certification path")
                    || (c instanceof CertPathValidatorException v && v.getReason() == java.security.cert.PKIXReason.NO_TRUST_ANCHOR)) {
                noPath = true;
            }
        }
        if (noPath) {
            X509Certificate top = chain[chain.length - 1];
            String why = selfSigned(top) && chain.length == 1
                    ? name(leaf) + " is self-signed and not in the trust store"
                    : name(leaf) + ", issued by " + top.getIssuerX500Principal().getName() + ", does not chain to a trusted CA";
            return new TlsCertificateException(TlsCertificateException.Reason.UNTRUSTED, "certificate is not trusted: " + why, e);
        }
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return new TlsCertificateException(TlsCertificateException.Reason.OTHER,
                "certificate rejected: " + name(leaf) + ": " + root.getMessage(), e);
    }

    /** The certificate a path validation failure points at, or the leaf. */
    private static X509Certificate which(Throwable e, X509Certificate[] chain) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertPathValidatorException v && v.getCertPath() != null && v.getIndex() >= 0
                    && v.getIndex() < v.getCertPath().getCertificates().size()
                    && v.getCertPath().getCertificates().get(v.getIndex()) instanceof X509Certificate x) {
                return x;
            }
        }
        for (X509Certificate c : chain) {
            try {
                c.checkValidity();
            } catch (CertificateException bad) {
                return c;
            }
        }
        return chain[0];
    }

    private static TlsCertificateException expired(X509Certificate c, Throwable cause) {
        return new TlsCertificateException(TlsCertificateException.Reason.EXPIRED,
                "certificate has expired: " + name(c) + " (valid until " + c.getNotAfter().toInstant() + ")", cause);
    }

    private static TlsCertificateException notYetValid(X509Certificate c, Throwable cause) {
        return new TlsCertificateException(TlsCertificateException.Reason.NOT_YET_VALID,
                "certificate is not yet valid: " + name(c) + " (valid from " + c.getNotBefore().toInstant() + ")", cause);
    }

    static String name(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    private static boolean selfSigned(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }

    /** The names a certificate is for, as "DNS:a, IP:b". */
    static String names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            var sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2) out.add("DNS:" + san.get(1));
                    else if (type == 7) out.add("IP:" + san.get(1));
                }
            }
        } catch (CertificateParsingException ignored) {
            // fall through to "no names"
        }
        return out.isEmpty() ? "no names (no subjectAltName)" : String.join(", ", out);
    }

    static byte[] sha256(X509Certificate c) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException("cannot hash a certificate", e);
        }
    }
}
