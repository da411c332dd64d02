package dev.strobe.grpc;

import dev.strobe.errors.StrobeException;
import dev.strobe.service.auth.AuthTokens;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Set;

/**
 * Bearer-token authentication: a call without a known {@code authorization: Bearer <token>}
 * header ends with UNAUTHENTICATED before reaching a service. The token's grant goes into the
 * call's {@link Context}; the service checks it against the model (PERMISSION_DENIED). Health and
 * reflection are exempt unless configured otherwise. Runs on gRPC's transport threads.
 */
public final class TokenAuthInterceptor implements ServerInterceptor {
    public static final Context.Key<AuthTokens.Grant> GRANT = Context.key("strobe-grant");
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> OPEN_SERVICES = Set.of(
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

    private final AuthTokens tokens;
    private final boolean protectHealthAndReflection;

    public TokenAuthInterceptor(AuthTokens tokens, boolean protectHealthAndReflection) {
        this.tokens = tokens;
        this.protectHealthAndReflection = protectHealthAndReflection;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (!protectHealthAndReflection && OPEN_SERVICES.contains(service)) {
            return next.startCall(call, headers);
        }
        AuthTokens.Grant grant;
        try {
            grant = tokens.authenticate(headers.get(AUTHORIZATION));
        } catch (StrobeException e) {
            call.close(StatusMapper.toStatus(e), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(GRANT, grant), call, headers, next);
    }
}
