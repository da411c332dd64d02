package dev.strobe.engine.tensorrt.javacpp;

import dev.strobe.engine.build.javacpp.JavaCppTrtBuilder;
import dev.strobe.engine.tensorrt.TrtAdapter;
import dev.strobe.engine.tensorrt.TrtErrorLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorRT through JavaCPP for this process: owns the process's single TensorRT logger and makes
 * the adapters and builders that share it.
 *
 * <p>This mirrors state that TensorRT itself keeps per process: the first ILogger handed to
 * createInferRuntime or createInferBuilder is used by every runtime and builder until all are
 * destroyed, and a different one passed later is ignored with a warning (NVIDIA/TensorRT#1475).
 * Two Java loggers in one JVM would therefore send one plan's errors to the other's log. So there
 * is exactly one instance, {@link #process()}, the only process-wide object in strobe; everything
 * testable about it (attributing errors to calls) lives in the plain {@link TrtErrorLog}.
 *
 * <p>The native logger is created on first use, after the libraries were found to load, so
 * touching this class on a machine without TensorRT is harmless. Thread-safe.
 */
public final class JavaCppTensorRt {
    private static final Logger log = LoggerFactory.getLogger("tensorrt");
    private static final JavaCppTensorRt PROCESS = new JavaCppTensorRt();

    private final TrtErrorLog errors = new TrtErrorLog(JavaCppTensorRt::toSlf4j);
    private TrtLogger logger;

    private JavaCppTensorRt() {}

    /** The process's TensorRT: one logger for every plan and build. */
    public static JavaCppTensorRt process() {
        return PROCESS;
    }

    /** The process-wide log every adapter and builder reports into. */
    public TrtErrorLog errors() {
        return errors;
    }

    /** A fresh adapter for one plan, sharing the process's logger. */
    public TrtAdapter newAdapter() {
        return new JavaCppTrtAdapter(logger(), errors);
    }

    /** A builder sharing the process's logger. */
    public JavaCppTrtBuilder newBuilder() {
        return new JavaCppTrtBuilder(this);
    }

    /** The one native logger; created on first use (needs the TensorRT JNI glue to load). */
    public synchronized org.bytedeco.tensorrt.nvinfer.ILogger logger() {
        if (logger == null) {
            logger = new TrtLogger(errors);
        }
        return logger;
    }

    private static void toSlf4j(TrtErrorLog.Severity s, String text) {
        switch (s) {
            case INTERNAL_ERROR, ERROR -> log.error("[TensorRT] {}", text);
            case WARNING -> log.warn("[TensorRT] {}", text);
            case INFO -> log.info("[TensorRT] {}", text);
            case VERBOSE -> log.debug("[TensorRT] {}", text);
        }
    }
}
