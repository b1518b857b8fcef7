package org.jsock.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Makes certificates with BouncyCastle's builder; keys come from the JDK, and the JDK signs (no
 * BouncyCastle provider is installed). Used for the ephemeral server certificate, and by tests for
 * CAs, expired and wrong-name certificates.
 */
final class CertGen {
    private CertGen() {}

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the ephemeral certificate names: the loopback host by name and by both addresses. */
    static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1", "::1");

    /** jsock's ephemeral server identity: EC P-256, CN=localhost, valid for one day from a minute ago. */
    static Identity ephemeral() {
        Instant now = Instant.now();
        return selfSigned(ecKeyPair(), "localhost", LOCAL_NAMES, now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1)));
    }

    static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make an EC P-256 key", e);
        }
    }

    static KeyPair rsaKeyPair(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make an RSA key", e);
        }
    }

    /** A self-signed end-entity certificate for {@code names} (DNS names or IP literals). */
    static Identity selfSigned(KeyPair kp, String cn, List<String> names, Instant notBefore, Instant notAfter) {
        X509Certificate c = build(kp, "CN=" + cn, names, notBefore, notAfter, false, "CN=" + cn, kp);
        return new Identity(List.of(c), kp.getPrivate());
    }

    /** A self-signed CA certificate. */
    static Identity ca(KeyPair kp, String cn, Instant notBefore, Instant notAfter) {
        X509Certificate c = build(kp, "CN=" + cn, List.of(), notBefore, notAfter, true, "CN=" + cn, kp);
        return new Identity(List.of(c), kp.getPrivate());
    }

    /** An end-entity certificate for {@code names} signed by {@code issuer}; the chain is leaf, issuer. */
    static Identity issued(Identity issuer, KeyPair kp, String cn, List<String> names, Instant notBefore, Instant notAfter) {
        X509Certificate c = build(kp, "CN=" + cn, names, notBefore, notAfter, false,
                issuer.leaf().getSubjectX500Principal().getName(), new KeyPair(issuer.leaf().getPublicKey(), issuer.key()));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(c);
        chain.addAll(issuer.chain());
        return new Identity(chain, kp.getPrivate());
    }

    private static X509Certificate build(KeyPair subjectKeys, String subject, List<String> names, Instant notBefore,
                                         Instant notAfter, boolean isCa, String issuer, KeyPair issuerKeys) {
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    new BigInteger(63, RANDOM).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    new X500Name(subject), subjectKeys.getPublic());
            if (!names.isEmpty()) {
                GeneralName[] gn = new GeneralName[names.size()];
                for (int i = 0; i < gn.length; i++) {
                    String n = names.get(i);
                    gn[i] = new GeneralName(isIpLiteral(n) ? GeneralName.iPAddress : GeneralName.dNSName, n);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn));
            }
            if (isCa) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            }
            String alg = switch (issuerKeys.getPrivate().getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                case "Ed25519", "EdDSA" -> "Ed25519";
                default -> throw new IllegalArgumentException("cannot sign with a " + issuerKeys.getPrivate().getAlgorithm() + " key");
            };
            ContentSigner signer = new JcaContentSignerBuilder(alg).build(issuerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate for " + subject, e);
        }
    }

    /** An IPv4 or IPv6 literal, as opposed to a host name. */
    static boolean isIpLiteral(String s) {
        if (s.indexOf(':') >= 0) return true;
        return s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
