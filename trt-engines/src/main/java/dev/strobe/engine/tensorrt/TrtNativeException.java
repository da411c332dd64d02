package dev.strobe.engine.tensorrt;

/**
 * A TensorRT or CUDA call failed. Thrown by {@link TrtAdapter} implementations with the native
 * error text (a CUDA error name and string, or the last TensorRT logger error), which
 * {@link TensorRtEngine} wraps into an {@code EngineException} of kind RUNTIME.
 */
public class TrtNativeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrtNativeException(String message) {
        super(message);
    }
}
