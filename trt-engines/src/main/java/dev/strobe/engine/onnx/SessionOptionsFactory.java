package dev.strobe.engine.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.strobe.engine.EngineException;
import java.util.Map;

/** Turns manifest options into ONNX Runtime session options. */
final class SessionOptionsFactory {
    private SessionOptionsFactory() {}

    static SessionOptions create(Map<String, String> options) throws OrtException {
        SessionOptions so = new SessionOptions();
        int cores = Runtime.getRuntime().availableProcessors();
        so.setIntraOpNumThreads(Integer.parseInt(options.getOrDefault("intra_op_threads", "" + cores)));
        so.setInterOpNumThreads(Integer.parseInt(options.getOrDefault("inter_op_threads", "1")));
        so.setOptimizationLevel(switch (options.getOrDefault("optimization", "all")) {
            case "none" -> OptLevel.NO_OPT;
            case "basic" -> OptLevel.BASIC_OPT;
            case "extended" -> OptLevel.EXTENDED_OPT;
            default -> OptLevel.ALL_OPT;
        });
        int device = Integer.parseInt(options.getOrDefault("device_id", "0"));
        String ep = options.getOrDefault("execution_provider", "cpu");
        switch (ep) {
            case "cpu" -> { }
            case "cuda" -> so.addCUDA(device);
            case "tensorrt" -> so.addTensorrt(device);
            default -> throw new EngineException(
                    EngineException.Kind.INVALID_MODEL,
                    "unknown ONNX Runtime execution_provider '" + ep + "' (cpu, cuda or tensorrt)");
        }
        return so;
    }
}
