package dev.strobe.service.stream;

import dev.strobe.scheduler.Timings;

/**
 * How one generation stream ended, reported exactly once to the {@link RequestLog} and to
 * {@link OpenStreams}. The first end wins (completed, failed, refused, cancelled). The end can be
 * known before the request is (a cancel while the request is being admitted); the report then
 * waits until {@link #requestKnown} says what the request was. Thread-safe.
 */
final class StreamOutcome {
    private final RequestLog log;
    private final OpenStreams streams;

    // Guarded by this.
    private RequestInfo request;
    private String code;
    private Timings timings;
    private String message;
    private boolean reported;

    StreamOutcome(RequestLog log, OpenStreams streams) {
        this.log = log;
        this.streams = streams;
    }

    /** What the request was (the first call counts). */
    void requestKnown(RequestInfo r) {
        synchronized (this) {
            if (request != null) {
                return;
            }
            request = r;
        }
        reportIfComplete();
    }

    /** The stream ended; later ends are ignored. */
    void ended(String endCode, Timings endTimings, String endMessage) {
        synchronized (this) {
            if (code != null) {
                return;
            }
            code = endCode;
            timings = endTimings;
            message = endMessage == null ? "" : endMessage;
        }
        reportIfComplete();
    }

    private void reportIfComplete() {
        synchronized (this) {
            if (reported || request == null || code == null) {
                return;
            }
            reported = true;
        }
        try {
            log.finished(request, code, timings, message);
        } finally {
            streams.closed();
        }
    }
}
