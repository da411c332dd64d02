package dev.strobe.engine;

/** A failure of an execution backend, with what kind of failure it is. */
public class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, so callers can react (and the gRPC edge can pick a status). */
    public enum Kind {
        /** A native library (TensorRT, CUDA, ONNX Runtime) is not installed or cannot be loaded. */
        MISSING_LIBRARY,
        /** The model file is missing, unreadable or not what the manifest says. */
        INVALID_MODEL,
        /** The inputs do not fit the engine (shape outside every profile, wrong type). */
        UNSUPPORTED_INPUT,
        /** The backend failed while running. */
        RUNTIME
    }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
