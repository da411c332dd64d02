package dev.strobe.engine.tensorrt.javacpp;

import dev.strobe.engine.tensorrt.TrtErrorLog;
import org.bytedeco.tensorrt.nvinfer.ILogger;

/**
 * The native side of TensorRT's logger: TensorRT calls {@link #log} (on the thread whose call
 * logs), and every message goes to the process-wide {@link TrtErrorLog}, which forwards it to
 * SLF4J and attributes errors to the call that made them.
 *
 * <p>Exactly one instance per process (TensorRT keeps one logger pointer, NVIDIA/TensorRT#1475):
 * {@link JavaCppTensorRt} creates it and hands it to every runtime and builder.
 */
final class TrtLogger extends ILogger {
    private final TrtErrorLog errors;

    TrtLogger(TrtErrorLog errors) {
        this.errors = errors;
    }

    @Override
    public void log(Severity severity, String msg) {
        errors.record(
                switch (severity.intern()) {
                    case kINTERNAL_ERROR -> TrtErrorLog.Severity.INTERNAL_ERROR;
                    case kERROR -> TrtErrorLog.Severity.ERROR;
                    case kWARNING -> TrtErrorLog.Severity.WARNING;
                    case kINFO -> TrtErrorLog.Severity.INFO;
                    default -> TrtErrorLog.Severity.VERBOSE;
                },
                msg);
    }
}
