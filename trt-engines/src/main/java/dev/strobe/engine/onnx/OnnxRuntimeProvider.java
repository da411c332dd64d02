package dev.strobe.engine.onnx;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.onnxruntime.engine.OrtNDManager;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.strobe.engine.DataType;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.EngineProvider;
import dev.strobe.engine.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads ONNX components through DJL's ONNX Runtime engine, always asked for by name ("OnnxRuntime"),
 * never as DJL's default engine (which would be TensorRT if that jar were on the classpath).
 *
 * <p>We create the {@link OrtSession} ourselves so that we can read its input and output types and
 * set its options (threads, execution providers), then hand it to DJL's {@link OrtSymbolBlock},
 * which runs it on DJL NDArrays.
 *
 * <p>Options (all optional): {@code intra_op_threads}, {@code inter_op_threads},
 * {@code optimization} (all|extended|basic|none), {@code max_batch} (default 64), and the execution
 * provider keys of {@link ExecutionProviderConfig} ({@code execution_provider} cpu|cuda|tensorrt,
 * {@code device_id}, {@code fp16}, {@code trt_*} ...; GPU providers need -Ponnxruntime_gpu).
 */
public final class OnnxRuntimeProvider implements EngineProvider {
    public static final String NAME = "onnxruntime";
    /** DJL's name for its ONNX Runtime engine. */
    public static final String DJL_ENGINE = "OnnxRuntime";

    private static final Logger log = LoggerFactory.getLogger(OnnxRuntimeProvider.class);
    private static final int DEFAULT_MAX_BATCH = 64;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OnnxRuntimeEngine load(Path file, Map<String, String> options) {
        if (!Files.isRegularFile(file)) {
            throw new EngineException(EngineException.Kind.INVALID_MODEL, "ONNX model file not found: " + file);
        }
        Engine djl;
        try {
            djl = Engine.getEngine(DJL_ENGINE);
        } catch (RuntimeException | LinkageError e) {
            throw new EngineException(
                    EngineException.Kind.MISSING_LIBRARY,
                    "DJL's ONNX Runtime engine could not start (" + e.getMessage()
                            + "); is ai.djl.onnxruntime:onnxruntime-engine on the classpath?",
                    e);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions so = SessionOptionsFactory.create(options)) {
            session = env.createSession(file.toString(), so);
        } catch (OrtException e) {
            OrtProviderErrors.atSessionCreation(ExecutionProviderConfig.from(options), e.getMessage())
                    .ifPresent(gpu -> {
                        gpu.initCause(e);
                        throw gpu;
                    });
            throw new EngineException(
                    EngineException.Kind.INVALID_MODEL, "ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
        }
        try {
            List<TensorSpec> inputs = specs(session.getInputInfo());
            List<TensorSpec> outputs = specs(session.getOutputInfo());
            int maxBatch = Integer.parseInt(options.getOrDefault("max_batch", "" + DEFAULT_MAX_BATCH));
            EngineInfo info = new EngineInfo(NAME, inputs, outputs, maxBatch, 1);
            NDManager manager = djl.newBaseManager();
            OrtSymbolBlock block = new OrtSymbolBlock(session, (OrtNDManager) manager);
            log.info(
                    "loaded {} with ONNX Runtime {} through DJL {}: {} inputs, {} outputs",
                    file,
                    env.getVersion(),
                    Engine.getDjlVersion(),
                    inputs.size(),
                    outputs.size());
            log.debug("{}: inputs {} outputs {}", file, inputs, outputs);
            return new OnnxRuntimeEngine(info, block, manager, file.toString());
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // already failing
            }
            throw new EngineException(
                    EngineException.Kind.INVALID_MODEL,
                    "cannot read the interface of " + file + ": " + e.getMessage(),
                    e);
        }
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> nodes) {
        List<TensorSpec> out = new ArrayList<>();
        for (NodeInfo n : nodes.values()) {
            if (!(n.getInfo() instanceof TensorInfo t)) {
                throw new IllegalArgumentException(n.getName() + " is not a tensor");
            }
            out.add(new TensorSpec(n.getName(), dataType(t.type, n.getName()), t.getShape()));
        }
        return out;
    }

    private static DataType dataType(OnnxJavaType t, String name) {
        return switch (t) {
            case FLOAT -> DataType.FLOAT32;
            case FLOAT16 -> DataType.FLOAT16;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            default ->
                throw new IllegalArgumentException(
                        name + " has element type " + t + ", strobe handles float32, float16, int64, int32");
        };
    }
}
