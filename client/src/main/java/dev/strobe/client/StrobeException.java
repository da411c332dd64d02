package dev.strobe.client;

import io.grpc.Status;

/**
 * A call to the strobe server failed: the gRPC status code and the server's sentence, plus how many
 * attempts the client made. Thrown by the blocking calls of {@link StrobeClient} and handed to
 * {@link GenerationListener#onError}. {@link DeadlineExceededException} is the subclass for calls that
 * ran out of time.
 */
public class StrobeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Status.Code code;
    private final String description;
    private final int attempts;

    protected StrobeException(Status.Code code, String description, int attempts, Throwable cause) {
        super(code + ": " + (description == null || description.isBlank() ? "(no description)" : description), cause);
        this.code = code;
        this.description = description == null ? "" : description;
        this.attempts = attempts;
    }

    /** Builds the exception for a final status: {@link DeadlineExceededException} for deadlines. */
    public static StrobeException of(Status status, int attempts) {
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return new DeadlineExceededException(status.getDescription(), attempts, status.getCause());
        }
        return new StrobeException(status.getCode(), status.getDescription(), attempts, status.getCause());
    }

    /** The gRPC status code of the failure. */
    public Status.Code code() {
        return code;
    }

    /** The sentence from the server (or from gRPC for transport failures); empty when there was none. */
    public String description() {
        return description;
    }

    /** The number of attempts made, including the failing one (1 when the call was never retried). */
    public int attempts() {
        return attempts;
    }
}
