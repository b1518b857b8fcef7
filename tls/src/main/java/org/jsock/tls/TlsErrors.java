package org.jsock.tls;

import javax.net.ssl.SSLException;
import java.util.Map;

/**
 * Turns a TLS failure (an {@link SSLException} and its causes) into the one line a user needs:
 * "certificate is not trusted: ...", "hostname mismatch: ...", "certificate has expired: ...",
 * "no shared protocol version: ...", and so on.
 */
public final class TlsErrors {
    private TlsErrors() {}

    /** The JDK's words for an alert from the peer: "Received fatal alert: X", or, for one sent in plaintext, "... Alert: X". */
    private static final java.util.regex.Pattern ALERT = java.util.regex.Pattern.compile(
            "(?:Received fatal alert: |alert received: Level: fatal; Alert: )(\\w+)");

    /** What each alert the peer may send means for us. */
    private static final Map<String, String> ALERTS = Map.ofEntries(
            Map.entry("protocol_version", "no shared protocol version: the peer accepts none of the TLS versions we offered"),
            Map.entry("handshake_failure", "handshake failed: the peer found no cipher suite or parameters it shares with us"),
            Map.entry("insufficient_security", "handshake failed: the peer wants stronger cipher suites than we offered"),
            Map.entry("no_application_protocol", "no shared ALPN protocol: the peer supports none of the ALPN names we offered"),
            Map.entry("unrecognized_name", "the peer does not serve the name we sent (SNI)"),
            Map.entry("bad_certificate", "the peer rejected our certificate (bad_certificate)"),
            Map.entry("unsupported_certificate", "the peer rejected our certificate (unsupported_certificate)"),
            Map.entry("certificate_revoked", "the peer rejected our certificate (certificate_revoked)"),
            Map.entry("certificate_expired", "the peer rejected our certificate: it has expired (certificate_expired)"),
            Map.entry("certificate_unknown", "the peer rejected our certificate (certificate_unknown): it does not trust it"),
            Map.entry("unknown_ca", "the peer rejected our certificate: it does not trust our CA (unknown_ca)"),
            Map.entry("certificate_required", "the peer requires a client certificate, and we sent none"),
            Map.entry("access_denied", "the peer denied access (access_denied)"),
            Map.entry("decrypt_error", "handshake failed: a signature or key exchange did not verify (decrypt_error)"),
            Map.entry("bad_record_mac", "a TLS record failed its integrity check (bad_record_mac): the data was changed in transit"),
            Map.entry("illegal_parameter", "the peer found an illegal parameter in our handshake (illegal_parameter)"),
            Map.entry("unexpected_message", "the peer got a TLS message it did not expect (unexpected_message)"),
            Map.entry("decode_error", "the peer could not decode our TLS message (decode_error)"),
            Map.entry("internal_error", "the peer failed with an internal error (internal_error)"),
            Map.entry("user_canceled", "the peer canceled the handshake (user_canceled)"));

    /** One line for {@code t}: what failed and why, without a stack trace or "javax.net.ssl" prefix. */
    public static String describe(Throwable t) {
        if (t == null) return "TLS error";
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TlsCertificateException e) return e.getMessage();
            if (c instanceof TlsTruncationException e) return e.getMessage();
            if (c instanceof PeerClosedException e) return e.getMessage();
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m == null) continue;
            java.util.regex.Matcher a = ALERT.matcher(m);
            if (a.find()) {
                String alert = a.group(1);
                return ALERTS.getOrDefault(alert, "the peer aborted the TLS handshake with the alert " + alert);
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m == null) continue;
            if (m.contains("is not enabled or supported in server context") || m.contains("is not accepted by client preferences")
                    || m.contains("No appropriate protocol") || m.contains("not supported by the server")
                    || m.contains("The client supported protocol versions") || m.contains("No supported protocol")) {
                return "no shared protocol version or cipher suite: " + m;
            }
            if (m.contains("no cipher suites in common") || m.contains("No negotiable cipher suite")) {
                return "no shared cipher suite: " + m;
            }
            if (m.contains("No available authentication scheme")) {
                return "no certificate for any signature scheme the peer accepts: " + m;
            }
            if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
                return "the peer does not speak TLS here (plaintext on a TLS port?)";
            }
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "hostname mismatch: " + m;
            }
            if (m.contains("unable to find valid certification path")) {
                return "certificate is not trusted: " + m;
            }
        }
        Throwable first = t;
        String m = first.getMessage();
        if (m == null || m.isBlank()) m = first.getClass().getSimpleName();
        return first instanceof SSLException ? "TLS error: " + m : m;
    }
}
