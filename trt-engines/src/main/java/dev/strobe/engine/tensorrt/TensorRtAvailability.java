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
 * <p>After the libraries load, the versions they report are checked before anything else: a driver
 * too old for CUDA 13, a CUDA runtime of another major version, no visible GPU or a TensorRT older
 * than the JNI glue each get their own sentence ({@link NativeVersions#problem}).
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

    /** Reads the versions of the loaded libraries; called only after {@link NativeProbe#load} worked. */
    @FunctionalInterface
    public interface VersionProbe {
        NativeVersions read() throws Throwable;
    }

    private final NativeProbe probe;
    private final VersionProbe versions;
    private Optional<String> answer;
    private NativeVersions found;

    /** A probe that only loads the libraries (versions not checked): for tests. */
    public TensorRtAvailability(NativeProbe probe) {
        this(probe, null);
    }

    /**
     * @param versions reads driver, runtime and TensorRT versions once the libraries loaded; null
     *     skips the version check
     */
    public TensorRtAvailability(NativeProbe probe, VersionProbe versions) {
        this.probe = probe;
        this.versions = versions;
    }

    /** Probes the real libraries through JavaCPP (cudart, nvinfer, nvonnxparser) and their versions. */
    public static TensorRtAvailability javacpp() {
        return new TensorRtAvailability(
                dev.strobe.engine.tensorrt.javacpp.JavaCppLibraries::load,
                dev.strobe.engine.tensorrt.javacpp.JavaCppLibraries::versions);
    }

    /** The versions found, once {@link #check()} has run and the libraries loaded. */
    public synchronized Optional<NativeVersions> versions() {
        check();
        return Optional.ofNullable(found);
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
            if (versions == null) {
                return Optional.empty();
            }
            found = versions.read();
            Optional<String> problem = found.problem();
            if (problem.isPresent()) {
                return Optional.of("TensorRT backend unavailable: " + problem.get());
            }
            log.info("TensorRT can run here: {}", found.describe());
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
