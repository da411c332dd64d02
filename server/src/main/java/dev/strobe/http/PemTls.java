package dev.strobe.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's TLS from the PEM files the gRPC frontend takes (a certificate chain, a PKCS#8 private
 * key, optionally a client CA for mutual TLS), so both frontends serve the same credentials.
 */
final class PemTls {
    private static final char[] NO_PASSWORD = new char[0];

    private PemTls() {}

    static SslContextFactory.Server contextFactory(Path cert, Path key, Path clientCa) throws IOException {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            Certificate[] chain = certificates(cert).toArray(new Certificate[0]);
            keys.setKeyEntry("strobe", privateKey(key), NO_PASSWORD, chain);
            SslContextFactory.Server f = new SslContextFactory.Server();
            f.setKeyStore(keys);
            f.setKeyStorePassword("");
            f.setKeyManagerPassword("");
            if (clientCa != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(clientCa)) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                f.setTrustStore(trust);
                f.setNeedClientAuth(true);
            }
            return f;
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    "cannot use the TLS files " + cert + " and " + key + " for HTTPS: " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path pem)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException(pem + " holds no PEM certificate");
            }
            return certs;
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(
                    pem + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----); convert it with"
                            + " openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
