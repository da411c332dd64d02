package dev.strobe.grpc;

import dev.strobe.service.auth.AuthTokens;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Transport settings of the gRPC edge (docs/CONFIGURATION.md explains each and its flag).
 *
 * @param host address to bind
 * @param port port to bind, 0 for any free port
 * @param tlsCert server certificate chain (PEM), null for plaintext
 * @param tlsKey server private key (PEM, PKCS#8)
 * @param tlsClientCa CA that client certificates must chain to; null disables mutual TLS
 * @param tokens accepted bearer tokens, null disables authentication
 * @param protectHealthAndReflection require tokens for health and reflection too
 * @param maxInboundMessageBytes largest request message; larger ones get RESOURCE_EXHAUSTED
 * @param maxConcurrentStreamsPerConnection HTTP/2 streams one connection may have open
 * @param keepAliveTime server pings an idle connection after this
 * @param keepAliveTimeout and closes it when the ping is not answered within this
 * @param permitKeepAliveTime clients may ping at most this often (more often: GOAWAY)
 * @param maxConnectionIdle idle connections are closed after this
 */
public record EdgeSettings(
        String host,
        int port,
        Path tlsCert,
        Path tlsKey,
        Path tlsClientCa,
        AuthTokens tokens,
        boolean protectHealthAndReflection,
        int maxInboundMessageBytes,
        int maxConcurrentStreamsPerConnection,
        Duration keepAliveTime,
        Duration keepAliveTimeout,
        Duration permitKeepAliveTime,
        Duration maxConnectionIdle) {}
