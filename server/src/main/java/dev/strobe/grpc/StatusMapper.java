package dev.strobe.grpc;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import io.grpc.Status;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one table that turns strobe's typed errors into gRPC status codes. Every status carries the
 * error's sentence; nothing leaves as UNKNOWN.
 */
public final class StatusMapper {
    private static final Map<ErrorKind, Status.Code> CODES = new EnumMap<>(ErrorKind.class);

    static {
        CODES.put(ErrorKind.INVALID_REQUEST, Status.Code.INVALID_ARGUMENT);
        CODES.put(ErrorKind.UNKNOWN_MODEL, Status.Code.NOT_FOUND);
        CODES.put(ErrorKind.QUEUE_FULL, Status.Code.RESOURCE_EXHAUSTED);
        CODES.put(ErrorKind.DEADLINE, Status.Code.DEADLINE_EXCEEDED);
        CODES.put(ErrorKind.UNAVAILABLE, Status.Code.UNAVAILABLE);
        CODES.put(ErrorKind.CANCELLED, Status.Code.CANCELLED);
        CODES.put(ErrorKind.UNAUTHENTICATED, Status.Code.UNAUTHENTICATED);
        CODES.put(ErrorKind.PERMISSION_DENIED, Status.Code.PERMISSION_DENIED);
        CODES.put(ErrorKind.INTERNAL, Status.Code.INTERNAL);
    }

    private StatusMapper() {}

    public static Status.Code code(ErrorKind kind) {
        return CODES.get(kind);
    }

    public static Status toStatus(StrobeException e) {
        return Status.fromCode(code(e.kind())).withDescription(e.getMessage()).withCause(e.getCause());
    }

    /** A status for a failure that was not typed: INTERNAL with a sentence, never UNKNOWN. */
    public static Status unexpected(Throwable t) {
        return Status.INTERNAL
                .withDescription("internal error (" + t.getClass().getSimpleName() + "); the server keeps serving,"
                        + " please report it with the request_id")
                .withCause(t);
    }
}
