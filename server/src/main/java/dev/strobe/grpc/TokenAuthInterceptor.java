package dev.strobe.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer-token authentication: a call without a known {@code authorization: Bearer <token>}
 * header ends with UNAUTHENTICATED before reaching a service. The token's grant goes into the
 * call's {@link Context} for the model check (PERMISSION_DENIED) in the endpoint. Health and
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
        String header = headers.get(AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refuse(call, "this server needs a bearer token: send the metadata 'authorization: Bearer <token>'");
        }
        Optional<AuthTokens.Grant> grant = tokens.find(header.substring(7).strip());
        if (grant.isEmpty()) {
            return refuse(call, "the bearer token is not valid for this server");
        }
        return Contexts.interceptCall(Context.current().withValue(GRANT, grant.get()), call, headers, next);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String why) {
        call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
