package dev.strobe.service.stream;

import dev.strobe.scheduler.Timings;

/**
 * Observes how each generation stream ended, whatever its frontend: one structured log line per
 * request and the request metrics. Called exactly once per stream, on whichever thread ended it;
 * implementations are thread-safe.
 */
public interface RequestLog {

    /**
     * @param code the canonical status code name, e.g. "OK" or "INVALID_ARGUMENT"
     * @param timings the stage timings for OK, null otherwise
     * @param message the error sentence, empty for OK
     */
    void finished(RequestInfo request, String code, Timings timings, String message);

    RequestLog NONE = (request, code, timings, message) -> {};
}
