package dev.strobe.grpc;

import dev.strobe.scheduler.Timings;

/**
 * Observes how each Generate stream ended: one structured log line per request and the request
 * metrics. Called on any thread; implementations are thread-safe.
 */
public interface RequestLog {

    /**
     * @param code the gRPC status code name, e.g. "OK" or "INVALID_ARGUMENT"
     * @param timings the stage timings for OK, null otherwise
     * @param message the error sentence, empty for OK
     */
    void finished(RequestInfo request, String code, Timings timings, String message);

    RequestLog NONE = (request, code, timings, message) -> {};
}
