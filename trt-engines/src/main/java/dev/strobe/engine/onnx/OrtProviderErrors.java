package dev.strobe.engine.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.strobe.engine.EngineException;
import java.util.EnumSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps ONNX Runtime's failures to add a GPU execution provider to one-line EngineExceptions:
 * MISSING_LIBRARY when the jar is the CPU build or a CUDA / cuDNN / TensorRT library is absent,
 * INVALID_MODEL when ONNX Runtime rejects an option. Used by {@link SessionOptionsFactory}.
 */
final class OrtProviderErrors {
    private static final Pattern SHARED_OBJECT = Pattern.compile(
            "([A-Za-z0-9_.+-]+\\.(so[0-9.]*|dll)): cannot open shared object file|error loading ([A-Za-z0-9_.+-]+)");

    static final String GPU_STACK = "install CUDA 12.x and cuDNN 9 (plus TensorRT 10.x for execution_provider=tensorrt)"
            + " and put them on LD_LIBRARY_PATH";

    private OrtProviderErrors() {}

    /**
     * @param provider the provider being added
     * @param message ONNX Runtime's exception message
     * @param available the providers this ONNX Runtime build has
     */
    static EngineException map(ExecutionProviderConfig.Kind provider, String message, EnumSet<OrtProvider> available) {
        String ep = provider.label();
        OrtProvider wanted =
                provider == ExecutionProviderConfig.Kind.TENSORRT ? OrtProvider.TENSOR_RT : OrtProvider.CUDA;
        if (!available.contains(wanted)) {
            return new EngineException(
                    EngineException.Kind.MISSING_LIBRARY,
                    "ONNX Runtime cannot use the " + ep
                            + " execution provider: this build has the CPU-only onnxruntime jar"
                            + " (ONNX Runtime says: " + oneLine(message) + "); build strobe with"
                            + " `mvn -Ponnxruntime_gpu package` and " + GPU_STACK + ", or set execution_provider=cpu");
        }
        Matcher m = SHARED_OBJECT.matcher(message);
        if (m.find() || message.contains("shared provider") || message.contains("Failed to load library")) {
            String lib = m.find(0) ? (m.group(1) != null ? m.group(1) : m.group(3)) + " not found" : oneLine(message);
            return new EngineException(
                    EngineException.Kind.MISSING_LIBRARY,
                    "ONNX Runtime cannot use the " + ep + " execution provider: " + lib + "; " + GPU_STACK
                            + ", or set execution_provider=cpu");
        }
        return new EngineException(
                EngineException.Kind.INVALID_MODEL,
                "ONNX Runtime rejected the " + ep + " execution provider options: " + oneLine(message));
    }

    private static final Pattern GPU_START =
            Pattern.compile("cannot open shared object file|no CUDA-capable device|CUDA driver version is insufficient"
                    + "|cudaErrorNoDevice|cudaErrorInsufficientDriver|Failed to load library");

    /**
     * A session that failed to be created with a GPU provider: when the GPU stack could not start
     * (library, driver or device missing) the failure is MISSING_LIBRARY with one line; otherwise
     * empty, and the caller reports the model as unloadable.
     */
    static java.util.Optional<EngineException> atSessionCreation(ExecutionProviderConfig ep, String message) {
        if (ep.kind() == ExecutionProviderConfig.Kind.CPU
                || message == null
                || !GPU_START.matcher(message).find()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new EngineException(
                EngineException.Kind.MISSING_LIBRARY,
                "ONNX Runtime's " + ep.kind().label() + " execution provider could not start on device " + ep.deviceId()
                        + ": " + oneLine(message) + "; check nvidia-smi, the driver, and " + GPU_STACK));
    }

    /** The providers of the ONNX Runtime build on the classpath. */
    static EnumSet<OrtProvider> available() {
        return OrtEnvironment.getAvailableProviders();
    }

    private static String oneLine(String s) {
        return String.valueOf(s).replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
