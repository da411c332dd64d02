package dev.strobe.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/**
 * Adds {@code authorization: Bearer <token>} to every call. gRPC invokes it on its own threads before
 * each call starts; it only copies an immutable string, so it is thread-safe.
 *
 * <p>The header is sent on plaintext connections too (a local server without TLS is a normal setup);
 * use TLS whenever the token crosses a network you do not trust.
 */
final class BearerTokenCredentials extends CallCredentials {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String headerValue;

    BearerTokenCredentials(String token) {
        this.headerValue = "Bearer " + Tokens.requireValid(token);
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, headerValue);
        applier.apply(headers);
    }
}
