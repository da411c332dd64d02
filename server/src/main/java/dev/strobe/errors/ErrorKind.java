package dev.strobe.errors;

/**
 * What went wrong, independent of any transport. The gRPC edge maps each kind to one status code
 * in a single table ({@code dev.strobe.grpc.StatusMapper}).
 */
public enum ErrorKind {
    /** The request is malformed or outside a limit; the message says which field and why. */
    INVALID_REQUEST,
    /** The named model is not served here. */
    UNKNOWN_MODEL,
    /** Admission said no: the queue is full. */
    QUEUE_FULL,
    /** The deadline passed, or cannot be met. */
    DEADLINE,
    /** The server is draining or not ready. */
    UNAVAILABLE,
    /** The caller cancelled. */
    CANCELLED,
    /** Missing or invalid credentials. */
    UNAUTHENTICATED,
    /** Valid credentials without permission. */
    PERMISSION_DENIED,
    /** A failure inside the server (engine error, bug); the server keeps serving. */
    INTERNAL
}
