package dev.strobe.client;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS settings of a client connection: which certificate authorities to trust and, for mutual TLS,
 * the client's own certificate chain and private key (PEM files).
 *
 * @param caFile PEM file of trusted CA certificates; {@code null} trusts the JVM's default roots
 * @param certFile PEM client certificate chain for mutual TLS, or {@code null}
 * @param keyFile PEM (PKCS#8) private key of {@code certFile}, or {@code null}
 * @param authorityOverride host name to verify the server certificate against instead of the target's
 *     host (for test certificates), or {@code null}
 */
public record TlsOptions(Path caFile, Path certFile, Path keyFile, String authorityOverride) {

    public TlsOptions {
        if ((certFile == null) != (keyFile == null)) {
            throw new ClientConfigurationException(
                    "mutual TLS needs both a client certificate and its private key (--cert and --key)");
        }
        requireReadable(caFile, "CA certificate");
        requireReadable(certFile, "client certificate");
        requireReadable(keyFile, "client private key");
        if (authorityOverride != null && authorityOverride.isBlank()) {
            authorityOverride = null;
        }
    }

    /** TLS that trusts the JVM's default certificate authorities, no client certificate. */
    public static TlsOptions systemRoots() {
        return new TlsOptions(null, null, null, null);
    }

    /** TLS that trusts the CAs in {@code caFile}, no client certificate. */
    public static TlsOptions trusting(Path caFile) {
        return new TlsOptions(caFile, null, null, null);
    }

    /** These options plus a client certificate and key for mutual TLS. */
    public TlsOptions withClientCertificate(Path cert, Path key) {
        return new TlsOptions(caFile, cert, key, authorityOverride);
    }

    /** These options, verifying the server certificate against {@code authority}. */
    public TlsOptions withAuthorityOverride(String authority) {
        return new TlsOptions(caFile, certFile, keyFile, authority);
    }

    /** Reads the files into gRPC channel credentials. */
    ChannelCredentials toCredentials() {
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
        try {
            if (caFile != null) {
                builder.trustManager(caFile.toFile());
            }
            if (certFile != null) {
                builder.keyManager(certFile.toFile(), keyFile.toFile());
            }
        } catch (IOException | RuntimeException e) {
            throw new ClientConfigurationException(
                    "cannot load the TLS files (" + describeFiles() + "): " + e.getMessage()
                            + "; they must be PEM certificates and a PKCS#8 PEM key",
                    e);
        }
        return builder.build();
    }

    private String describeFiles() {
        StringBuilder sb = new StringBuilder();
        if (caFile != null) {
            sb.append("CA ").append(caFile);
        }
        if (certFile != null) {
            sb.append(sb.length() > 0 ? ", " : "")
                    .append("cert ")
                    .append(certFile)
                    .append(", key ")
                    .append(keyFile);
        }
        return sb.length() == 0 ? "system roots" : sb.toString();
    }

    private static void requireReadable(Path file, String what) {
        if (file != null && !Files.isReadable(file)) {
            throw new ClientConfigurationException(
                    "the " + what + " file " + file + " does not exist or cannot be read");
        }
    }
}
