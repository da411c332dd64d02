package dev.strobe.grpc;

import dev.strobe.errors.StrobeException;
import io.grpc.Status;

/**
 * Turns strobe's typed errors into gRPC statuses: each kind's canonical code (named in
 * {@link dev.strobe.errors.ErrorKind}, one table for every frontend's logs) with its sentence.
 * Nothing leaves as UNKNOWN (failures that were not typed become INTERNAL, requests that cannot be
 * parsed become INVALID_ARGUMENT, see {@link CallGuard}). Stateless.
 */
public final class StatusMapper {
    private StatusMapper() {}

    /** The status code of a kind of error. */
    public static Status.Code code(dev.strobe.errors.ErrorKind kind) {
        return Status.Code.valueOf(kind.code());
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
