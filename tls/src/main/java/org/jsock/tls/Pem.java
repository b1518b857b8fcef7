package org.jsock.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files read and written with the JDK alone: certificates through CertificateFactory, private
 * keys as PKCS#8 through KeyFactory. The older OpenSSL key formats (PKCS#1 "RSA PRIVATE KEY", SEC1
 * "EC PRIVATE KEY") are wrapped into PKCS#8 first; encrypted keys are refused with a clear message.
 */
final class Pem {
    private Pem() {}

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    /** Key algorithms tried on a PKCS#8 key, most common first. */
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

    /** Every certificate in a PEM (or DER) file, in file order. */
    static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] bytes = read(file, "certificate");
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) throw new IOException("no certificate in " + file);
            return out;
        } catch (CertificateException e) {
            throw new IOException("cannot read certificate file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The private key in a PEM file: PKCS#8, or PKCS#1 RSA, or SEC1 EC; RSA, EC or EdDSA. */
    static PrivateKey privateKey(Path file) throws IOException {
        String text = new String(read(file, "key"), StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) continue;
            String body = m.group(2);
            if (type.equals("ENCRYPTED PRIVATE KEY") || body.contains("ENCRYPTED")) {
                throw new IOException("key file " + file + " is encrypted, which jsock does not read: decrypt it with "
                        + "'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem'");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(body.trim());
            } catch (IllegalArgumentException e) {
                throw new IOException("key file " + file + ": bad base64 in the " + type + " block", e);
            }
            byte[] pkcs8 = switch (type) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> pkcs8(RSA_ENCRYPTION, null, der);
                case "EC PRIVATE KEY" -> pkcs8(EC_PUBLIC_KEY, sec1Curve(der, file), der);
                default -> throw new IOException("key file " + file + ": unsupported key type '" + type + "'");
            };
            return decodePkcs8(pkcs8, file);
        }
        throw new IOException("no private key in " + file + " (expected a '-----BEGIN PRIVATE KEY-----' block)");
    }

    private static PrivateKey decodePkcs8(byte[] pkcs8, Path file) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
        for (String alg : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException("key file " + file + ": not an RSA, EC or EdDSA private key jsock can read");
    }

    private static byte[] read(Path file, String what) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read " + what + " file " + file + ": " + e, e);
        }
    }

    static String certificate(X509Certificate cert) {
        try {
            return block("CERTIFICATE", cert.getEncoded());
        } catch (CertificateException e) {
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }

    /** The key as a PKCS#8 "PRIVATE KEY" block. */
    static String privateKey(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    private static String block(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    // ---- a little DER, enough to wrap the old key formats into PKCS#8 -------------------------

    /** 1.2.840.113549.1.1.1 */
    private static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    /** 1.2.840.10045.2.1 */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier { oid, params }, OCTET STRING key } */
    private static byte[] pkcs8(byte[] algOid, byte[] params, byte[] key) {
        byte[] algId = tlv(0x30, concat(algOid, params == null ? DER_NULL : params));
        return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algId, tlv(0x04, key)));
    }

    /**
     * The curve OID (a whole TLV) from a SEC1 ECPrivateKey: SEQUENCE { version, OCTET STRING,
     * [0] parameters, [1] publicKey }.
     */
    private static byte[] sec1Curve(byte[] der, Path file) throws IOException {
        try {
            int[] seq = header(der, 0);
            int p = seq[0];
            int end = seq[0] + seq[1];
            while (p < end) {
                int tag = der[p] & 0xff;
                int[] h = header(der, p);
                if (tag == 0xa0) {
                    int[] oid = header(der, h[0]);
                    if ((der[h[0]] & 0xff) != 0x06) break;
                    return java.util.Arrays.copyOfRange(der, h[0], oid[0] + oid[1]);
                }
                p = h[0] + h[1];
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IOException("key file " + file + ": malformed EC PRIVATE KEY", e);
        }
        throw new IOException("key file " + file + ": the EC PRIVATE KEY names no curve; convert it with "
                + "'openssl pkcs8 -topk8 -nocrypt'");
    }

    /** For the TLV at {@code at}: {offset of its contents, length of its contents}. */
    private static int[] header(byte[] der, int at) {
        int len = der[at + 1] & 0xff;
        int p = at + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (der[p++] & 0xff);
        }
        return new int[] {p, len};
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
