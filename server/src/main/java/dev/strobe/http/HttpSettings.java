package dev.strobe.http;

import dev.strobe.service.auth.AuthTokens;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the HTTP frontend (docs/CONFIGURATION.md explains each and its flag). TLS and
 * tokens are the gRPC frontend's: one server, one set of credentials.
 *
 * @param host address to bind
 * @param port port to bind, 0 for any free port
 * @param tlsCert server certificate chain (PEM), null for plain HTTP (HTTP/1.1 and h2c)
 * @param tlsKey server private key (PEM, PKCS#8)
 * @param tlsClientCa CA that client certificates must chain to; null disables mutual TLS
 * @param tokens accepted bearer tokens, null disables authentication
 * @param protectProbes require tokens for /healthz and /readyz too
 * @param maxBodyBytes largest request body; larger ones get 413
 * @param heartbeat an SSE stream with nothing to send for this long gets a comment line
 * @param idleTimeout a connection with no traffic for this long is closed
 */
public record HttpSettings(
        String host,
        int port,
        Path tlsCert,
        Path tlsKey,
        Path tlsClientCa,
        AuthTokens tokens,
        boolean protectProbes,
        int maxBodyBytes,
        Duration heartbeat,
        Duration idleTimeout) {

    public HttpSettings {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("the SSE heartbeat interval must be positive, got " + heartbeat);
        }
        if (idleTimeout.compareTo(heartbeat) <= 0) {
            throw new IllegalArgumentException("the HTTP idle timeout (" + idleTimeout + ") must be longer than the"
                    + " SSE heartbeat interval (" + heartbeat + "), or idle streams would be closed");
        }
    }
}
