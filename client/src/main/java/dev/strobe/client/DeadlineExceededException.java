package dev.strobe.client;

import io.grpc.Status;

/**
 * The call's deadline passed before the server finished. Raise the deadline
 * ({@link StrobeClient.Builder#defaultDeadline} or the per-call overload) or lighten the request.
 */
public final class DeadlineExceededException extends StrobeException {

    private static final long serialVersionUID = 1L;

    DeadlineExceededException(String description, int attempts, Throwable cause) {
        super(Status.Code.DEADLINE_EXCEEDED, description, attempts, cause);
    }
}
