package dev.strobe.errors;

/**
 * A typed failure with a sentence a user can act on. Thrown or delivered by the service,
 * scheduler and pipeline; turned into a gRPC status only at the edge.
 */
public class StrobeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorKind kind;

    public StrobeException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StrobeException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    public static StrobeException invalid(String message) {
        return new StrobeException(ErrorKind.INVALID_REQUEST, message);
    }
}
