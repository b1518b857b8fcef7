package org.jsock.cli;

import org.jsock.tls.TlsConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The --tls options, shared by connect, listen and serve. */
final class TlsOptions {
    @Option(names = "--tls", description = "Speak TLS over the connection (the JDK's SSLEngine; TLS 1.3 and 1.2).")
    boolean tls;

    @Option(names = "--cafile", paramLabel = "FILE", description = "Client: trust the CA certificates in this PEM file (instead of the system's).")
    Path cafile;

    @Option(names = "--insecure", description = "Client: accept any certificate and name. Prints a warning; for tests only.")
    boolean insecure;

    @Option(names = "--pin", paramLabel = "SHA256", description = "Client: accept only the certificate with this SHA-256 fingerprint (as a server prints it).")
    String pin;

    @Option(names = "--sni", paramLabel = "NAME", description = "Client: the server name to send and verify (default: HOST).")
    String sni;

    @Option(names = "--alpn", paramLabel = "P[,P...]", description = "Application protocols to offer (client) or accept (server).")
    String alpn;

    @Option(names = "--cert", paramLabel = "FILE", description = "Server: certificate chain, PEM. Without --cert or --p12, an ephemeral self-signed one is made.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "Server: private key for --cert, PEM (PKCS#8, RSA or EC).")
    Path key;

    @Option(names = "--p12", paramLabel = "FILE", description = "Server: a PKCS#12 keystore with the key and certificate.")
    Path p12;

    @Option(names = "--pass", paramLabel = "PASSWORD", description = "Password of the --p12 keystore.")
    String pass;

    boolean any() {
        return cafile != null || insecure || pin != null || sni != null || alpn != null || cert != null || key != null || p12 != null;
    }

    /** Checks the combination before any call is made. */
    void check(boolean udp) {
        if (!tls && any()) throw CliException.usage("TLS options need --tls");
        if (tls && udp) throw CliException.usage("--tls runs over TCP or Unix stream sockets, not -u");
    }

    TlsConfig client() {
        if (cert != null || key != null || p12 != null) throw CliException.usage("--cert, --key and --p12 are for servers (listen, serve)");
        try {
            TlsConfig cfg = TlsConfig.client();
            if (cafile != null) cfg = cfg.withCaFile(cafile);
            if (insecure) cfg = cfg.withInsecure();
            if (pin != null) cfg = cfg.withPin(pin);
            if (sni != null) cfg = cfg.withServerName(sni);
            if (alpn != null) cfg = cfg.withAlpn(alpn.split(","));
            return cfg;
        } catch (IOException | IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    TlsConfig server() {
        if (cafile != null || insecure || pin != null || sni != null) throw CliException.usage("--cafile, --insecure, --pin and --sni are for clients (connect)");
        if ((cert == null) != (key == null)) throw CliException.usage("--cert and --key go together");
        if (p12 != null && cert != null) throw CliException.usage("use --cert/--key or --p12, not both");
        try {
            TlsConfig cfg = TlsConfig.server();
            if (cert != null) cfg = cfg.withCertificate(cert, key);
            else if (p12 != null) cfg = cfg.withPkcs12(p12, pass == null ? new char[0] : pass.toCharArray());
            if (alpn != null) cfg = cfg.withAlpn(alpn.split(","));
            if (cfg.isEphemeral()) {
                System.err.println("jsock: tls: ephemeral self-signed certificate for CN=localhost, SHA256 Fingerprint=" + cfg.fingerprint());
                System.err.println("jsock: tls: clients can trust it with --pin " + cfg.fingerprint());
            }
            return cfg;
        } catch (IOException | IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }
}
