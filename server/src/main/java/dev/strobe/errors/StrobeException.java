package dev.strobe.errors;

/**
 * A typed failure with a sentence a user can act on. Thrown or delivered by the service,
 * scheduler and pipeline; turned into a transport status only by a frontend.
 */
public class StrobeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorKind kind;
    /** The request field the error is about (the strobe.v1 name), or null. */
    private final String field;

    public StrobeException(ErrorKind kind, String message) {
        this(kind, message, null, null);
    }

    public StrobeException(ErrorKind kind, String message, Throwable cause) {
        this(kind, message, null, cause);
    }

    private StrobeException(ErrorKind kind, String message, String field, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.field = field;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The strobe.v1 request field at fault (e.g. "width", "num_images"), or null. */
    public String field() {
        return field;
    }

    public static StrobeException invalid(String message) {
        return new StrobeException(ErrorKind.INVALID_REQUEST, message);
    }

    /** An invalid request, naming the field at fault (frontends report it, e.g. OpenAI's {@code param}). */
    public static StrobeException invalid(String field, String message) {
        return new StrobeException(ErrorKind.INVALID_REQUEST, message, field, null);
    }
}
