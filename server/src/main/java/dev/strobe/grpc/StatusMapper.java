package dev.strobe.grpc;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import io.grpc.Status;

/**
 * The one table that turns strobe's typed errors into gRPC status codes. Every status carries a
 * sentence; nothing leaves as UNKNOWN (failures that were not typed become INTERNAL, requests
 * that cannot be parsed become INVALID_ARGUMENT, see {@link CallGuard}). Stateless.
 */
public final class StatusMapper {
    private StatusMapper() {}

    /** The status code of a kind of error; the switch is exhaustive, so a new kind must be mapped here. */
    public static Status.Code code(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST -> Status.Code.INVALID_ARGUMENT;
            case UNKNOWN_MODEL -> Status.Code.NOT_FOUND;
            case QUEUE_FULL -> Status.Code.RESOURCE_EXHAUSTED;
            case DEADLINE -> Status.Code.DEADLINE_EXCEEDED;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case CANCELLED -> Status.Code.CANCELLED;
            case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case INTERNAL -> Status.Code.INTERNAL;
        };
    }

    public static Status toStatus(StrobeException e) {
        String sentence = e.getMessage() == null || e.getMessage().isBlank()
                ? "the request failed (" + e.kind() + ")"
                : e.getMessage();
        return Status.fromCode(code(e.kind())).withDescription(sentence).withCause(e.getCause());
    }

    /** A status for a failure that was not typed: INTERNAL with a sentence, never UNKNOWN. */
    public static Status unexpected(Throwable t) {
        return Status.INTERNAL
                .withDescription("internal error (" + t.getClass().getSimpleName() + "); the server keeps serving,"
                        + " please report it with the request_id")
                .withCause(t);
    }

    /** A request message that could not be parsed (bad protobuf, invalid UTF-8 in a string field). */
    public static Status unparseable(String method, Throwable t) {
        Throwable cause = t.getCause() != null ? t.getCause() : t;
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return Status.INVALID_ARGUMENT
                .withDescription("the request message is not a valid " + method + " request (" + why
                        + "); check that the client was built from the strobe.v1 proto")
                .withCause(t);
    }
}
