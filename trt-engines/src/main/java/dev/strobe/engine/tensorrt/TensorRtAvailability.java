package dev.strobe.engine.tensorrt;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether TensorRT and CUDA can be loaded in this process. The server calls {@link #check()} at
 * startup (to say which engines are usable) and {@link TensorRtProvider} calls it before loading
 * a plan. The answer is worked out once per instance: a failed JavaCPP load cannot be retried in
 * the same JVM (the class stays uninitialised), and the first failure has the precise message.
 *
 * <p>Create one per process in {@code main} and share it; thread-safe.
 */
public final class TensorRtAvailability {
    /** Loads the native libraries; throws (typically a LinkageError) when they are absent. */
    @FunctionalInterface
    public interface NativeProbe {
        void load() throws Throwable;
    }

    private static final Logger log = LoggerFactory.getLogger(TensorRtAvailability.class);

    private final NativeProbe probe;
    private Optional<String> answer;

    public TensorRtAvailability(NativeProbe probe) {
        this.probe = probe;
    }

    /** Probes the real libraries through JavaCPP (cudart, nvinfer, nvonnxparser). */
    public static TensorRtAvailability javacpp() {
        return new TensorRtAvailability(
                () -> dev.strobe.engine.tensorrt.javacpp.JavaCppLibraries.load());
    }

    /**
     * Empty when TensorRT can run here; otherwise one line naming the missing library and how to
     * get it. Never throws, never prints a stack trace.
     */
    public synchronized Optional<String> check() {
        if (answer == null) {
            answer = probeOnce();
        }
        return answer;
    }

    private Optional<String> probeOnce() {
        try {
            probe.load();
            return Optional.empty();
        } catch (Throwable t) { // LinkageError and friends are exactly what we expect here
            if (t instanceof VirtualMachineError && !(t instanceof OutOfMemoryError)) {
                throw (VirtualMachineError) t;
            }
            String line = MissingLibraries.describe(t);
            log.debug("TensorRT probe failed", t);
            return Optional.of(line);
        }
    }
}
