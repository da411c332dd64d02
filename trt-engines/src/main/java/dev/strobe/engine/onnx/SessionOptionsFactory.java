package dev.strobe.engine.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import java.util.Map;

/**
 * Turns manifest options into ONNX Runtime session options: threads, graph optimisation level and
 * the execution provider ({@link ExecutionProviderConfig}). GPU providers need the
 * {@code onnxruntime_gpu} jar (-Ponnxruntime_gpu); with the CPU jar adding one fails with
 * EngineException MISSING_LIBRARY and one line saying so.
 */
final class SessionOptionsFactory {
    private SessionOptionsFactory() {}

    static SessionOptions create(Map<String, String> options) throws OrtException {
        ExecutionProviderConfig ep = ExecutionProviderConfig.from(options);
        SessionOptions so = new SessionOptions();
        try {
            int cores = Runtime.getRuntime().availableProcessors();
            so.setIntraOpNumThreads(Integer.parseInt(options.getOrDefault("intra_op_threads", "" + cores)));
            so.setInterOpNumThreads(Integer.parseInt(options.getOrDefault("inter_op_threads", "1")));
            // Spinning intra-op threads burn the cores that image encoding needs between calls.
            so.addConfigEntry("session.intra_op.allow_spinning", options.getOrDefault("allow_spinning", "0"));
            so.setOptimizationLevel(
                    switch (options.getOrDefault("optimization", "all")) {
                        case "none" -> OptLevel.NO_OPT;
                        case "basic" -> OptLevel.BASIC_OPT;
                        case "extended" -> OptLevel.EXTENDED_OPT;
                        default -> OptLevel.ALL_OPT;
                    });
            switch (ep.kind()) {
                case CPU -> {}
                case CUDA -> addCuda(so, ep);
                case TENSORRT -> {
                    addTensorrt(so, ep);
                    addCuda(so, ep); // fallback for the nodes TensorRT does not take
                }
            }
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    // The provider option objects are not closed here: ONNX Runtime's Java API does not document
    // that appending copies them, and they are a few bytes per loaded component.
    private static void addCuda(SessionOptions so, ExecutionProviderConfig ep) {
        try {
            OrtCUDAProviderOptions o = new OrtCUDAProviderOptions(ep.deviceId());
            for (Map.Entry<String, String> e : ep.cudaOptions().entrySet()) {
                o.add(e.getKey(), e.getValue());
            }
            so.addCUDA(o);
        } catch (OrtException e) {
            throw OrtProviderErrors.map(
                    ExecutionProviderConfig.Kind.CUDA, e.getMessage(), OrtProviderErrors.available());
        }
    }

    private static void addTensorrt(SessionOptions so, ExecutionProviderConfig ep) {
        try {
            OrtTensorRTProviderOptions o = new OrtTensorRTProviderOptions(ep.deviceId());
            for (Map.Entry<String, String> e : ep.tensorrtOptions().entrySet()) {
                o.add(e.getKey(), e.getValue());
            }
            so.addTensorrt(o);
        } catch (OrtException e) {
            throw OrtProviderErrors.map(
                    ExecutionProviderConfig.Kind.TENSORRT, e.getMessage(), OrtProviderErrors.available());
        }
    }
}
