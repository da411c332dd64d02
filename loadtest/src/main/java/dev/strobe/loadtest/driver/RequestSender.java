package dev.strobe.loadtest.driver;

import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.client.GenerationListener;

/**
 * Sends one Generate request and reports its events: the seam between the load driver and the
 * network. The gRPC implementation is {@code dev.strobe.loadtest.grpc.ClientRequestSender}; tests use
 * fakes on a virtual clock.
 *
 * <p>{@link #send} is called by the driver thread (open loop) or a completion callback (closed loop)
 * and must not block for the request's duration: it starts the request and returns. The listener may
 * be called on any thread, one callback at a time, ending with a Done event or {@code onError}.
 */
public interface RequestSender {

    /** Starts {@code request}; returns a handle that cancels it. */
    InFlight send(GenerateRequest request, GenerationListener listener);

    /** A started request. */
    @FunctionalInterface
    interface InFlight {
        /** Stops the request (the driver gave up waiting for it); further callbacks are ignored. */
        void cancel(String reason);
    }
}
