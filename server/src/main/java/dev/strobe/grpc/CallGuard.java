package dev.strobe.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps UNKNOWN away from clients. gRPC answers a request it cannot parse, and any exception a
 * handler throws, with UNKNOWN "Application error processing RPC". {@link #guard} therefore has
 * gRPC hand the raw bytes to the service ({@link ServerInterceptors#useInputStreamMessages}), so
 * the protobuf parse happens inside this interceptor's listener, and turns a parse failure into
 * INVALID_ARGUMENT and any other exception into INTERNAL, each with a sentence.
 *
 * <p>Runs on gRPC's call executor (the listener methods of one call never overlap).
 */
final class CallGuard implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(CallGuard.class);

    private CallGuard() {}

    /** The service with parsing moved inside the guard, and the guard outermost. */
    static ServerServiceDefinition guard(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service), new CallGuard());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(call, headers);
        } catch (RuntimeException | Error e) {
            closeQuietly(call, failure(call, e));
            return new ServerCall.Listener<>() {};
        }
        return new Listener<>(delegate, call);
    }

    /** Forwards every callback until one fails; then closes the call once and forwards no more messages. */
    private static final class Listener<Q, R>
            extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        // Listener callbacks of one call are serialized by gRPC, so a plain field suffices.
        private boolean refused;

        Listener(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            if (refused) {
                return;
            }
            try {
                super.onMessage(message);
            } catch (RuntimeException e) {
                // Only the parse of the raw request and the stub's buffering run here. Such a call
                // never reaches the endpoint, so it is logged here (one line, no stack trace).
                refused = true;
                Status status =
                        StatusMapper.unparseable(call.getMethodDescriptor().getFullMethodName(), e);
                log.warn("refused an unparseable request: {}", status.getDescription());
                closeQuietly(call, status);
            }
        }

        @Override
        public void onHalfClose() {
            if (refused) {
                return;
            }
            try {
                super.onHalfClose();
            } catch (RuntimeException | Error e) {
                refused = true;
                closeQuietly(call, failure(call, e));
            }
        }

        @Override
        public void onReady() {
            if (refused) {
                return;
            }
            try {
                super.onReady();
            } catch (RuntimeException | Error e) {
                refused = true;
                closeQuietly(call, failure(call, e));
            }
        }

        @Override
        public void onCancel() {
            try {
                super.onCancel();
            } catch (RuntimeException e) {
                log.error(
                        "{}: the cancel handler failed",
                        call.getMethodDescriptor().getFullMethodName(),
                        e);
            }
        }

        @Override
        public void onComplete() {
            try {
                super.onComplete();
            } catch (RuntimeException e) {
                log.error(
                        "{}: the completion handler failed",
                        call.getMethodDescriptor().getFullMethodName(),
                        e);
            }
        }
    }

    /** The status for an exception a handler threw: its own status unless UNKNOWN, else INTERNAL. */
    private static Status failure(ServerCall<?, ?> call, Throwable e) {
        if (e instanceof StatusRuntimeException s
                && s.getStatus().getCode() != Status.Code.UNKNOWN
                && s.getStatus().getDescription() != null) {
            return s.getStatus();
        }
        log.error(
                "{} failed with an unexpected exception",
                call.getMethodDescriptor().getFullMethodName(),
                e);
        return StatusMapper.unexpected(e);
    }

    private static void closeQuietly(ServerCall<?, ?> call, Status status) {
        try {
            call.close(status, new Metadata());
        } catch (IllegalStateException alreadyClosed) {
            // The handler closed the call before it threw; the client has its status already.
        }
    }
}
