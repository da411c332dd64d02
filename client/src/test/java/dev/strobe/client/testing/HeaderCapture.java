package dev.strobe.client.testing;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the {@code authorization} header of every call a fake server receives. Thread-safe. */
public final class HeaderCapture implements ServerInterceptor {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String value = headers.get(AUTHORIZATION);
        authorizations.add(value == null ? "<none>" : value);
        return next.startCall(call, headers);
    }

    /** The authorization header of each call in arrival order; "<none>" when absent. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }
}
