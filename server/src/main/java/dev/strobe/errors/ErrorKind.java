package dev.strobe.errors;

/**
 * What went wrong, independent of any transport. Each kind names its canonical status code (the
 * google.rpc / gRPC code vocabulary, used as the outcome in the request log and the metrics of
 * every frontend); the gRPC frontend sends that code, the HTTP frontend maps each kind to an HTTP
 * status in one table of its own.
 */
public enum ErrorKind {
    /** The request is malformed or outside a limit; the message says which field and why. */
    INVALID_REQUEST("INVALID_ARGUMENT"),
    /** The named model is not served here. */
    UNKNOWN_MODEL("NOT_FOUND"),
    /** Admission said no: the queue is full. */
    QUEUE_FULL("RESOURCE_EXHAUSTED"),
    /** The deadline passed, or cannot be met, or the stream outlived the server's maximum age. */
    DEADLINE("DEADLINE_EXCEEDED"),
    /** The server is draining or not ready. */
    UNAVAILABLE("UNAVAILABLE"),
    /** The caller cancelled. */
    CANCELLED("CANCELLED"),
    /** The client stopped reading a finished stream; the server ended it to free what it held. */
    ABANDONED("ABORTED"),
    /** Missing or invalid credentials. */
    UNAUTHENTICATED("UNAUTHENTICATED"),
    /** Valid credentials without permission. */
    PERMISSION_DENIED("PERMISSION_DENIED"),
    /** A failure inside the server (engine error, bug); the server keeps serving. */
    INTERNAL("INTERNAL");

    /** The canonical code of a stream that ended normally. */
    public static final String OK = "OK";

    private final String code;

    ErrorKind(String code) {
        this.code = code;
    }

    /** The canonical status code name, e.g. "INVALID_ARGUMENT". */
    public String code() {
        return code;
    }
}
