package dev.strobe.engine.djltrt;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.tensorrt.engine.TrtNDManager;
import ai.djl.tensorrt.engine.TrtSession;
import ai.djl.tensorrt.engine.TrtSymbolBlock;
import dev.strobe.engine.DataType;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.EngineProvider;
import dev.strobe.engine.TensorSpec;
import dev.strobe.engine.tensorrt.MissingLibraries;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy "djl-tensorrt" engine: a static-shape TensorRT 8.4 plan (.trt) run by DJL's TensorRT
 * engine ({@code ai.djl.tensorrt:tensorrt:0.33.0}, compiled only with -Pdjl_tensorrt). The engine
 * is always asked for by name ("TensorRT"), never as DJL's default.
 *
 * <p>DJL binds inputs by position, in the plan's binding order; this provider reads that order
 * and the static shapes from DJL's session and matches strobe's named tensors to it, so callers
 * still pass tensors by name. The plan's batch (dimension 0 of its first input) is the only batch
 * it accepts; {@link StaticBatchPlan} pads and splits around it.
 *
 * <p>Option: {@code device_id} (default 0).
 */
public final class DjlTensorRtProvider implements EngineProvider {
    static final String DJL_ENGINE = "TensorRT";
    private static final Logger log = LoggerFactory.getLogger(DjlTensorRtProvider.class);

    @Override
    public String name() {
        return DjlTensorRt.NAME;
    }

    @Override
    public DjlTensorRtEngine load(Path file, Map<String, String> options) {
        if (!Files.isRegularFile(file)) {
            throw new EngineException(EngineException.Kind.INVALID_MODEL, "TensorRT 8 plan not found: " + file);
        }
        ai.djl.engine.Engine djl;
        try {
            djl = ai.djl.engine.Engine.getEngine(DJL_ENGINE);
        } catch (RuntimeException | LinkageError e) {
            throw new EngineException(
                    EngineException.Kind.MISSING_LIBRARY,
                    "DJL's TensorRT engine could not start: " + MissingLibraries.missing(e)
                            + "; it needs TensorRT 8.4 and CUDA 11.x on LD_LIBRARY_PATH and an NVIDIA GPU"
                            + " (legacy route; prefer engine \"tensorrt\")",
                    e);
        }
        int device = Integer.parseInt(options.getOrDefault("device_id", "0"));
        Model model = Model.newInstance(file.getFileName().toString(), Device.gpu(device), DJL_ENGINE);
        try {
            model.load(file);
            TrtSession session = createSession(model);
            List<TensorSpec> inputs = specs(session.getInputBindings());
            List<TensorSpec> outputs = specs(session.getOutputBindings());
            int batch = inputs.isEmpty() || inputs.get(0).rank() == 0
                    ? 1
                    : (int) inputs.get(0).shape()[0];
            EngineInfo info = new EngineInfo(DjlTensorRt.NAME, inputs, outputs, batch, batch);
            log.info(
                    "loaded {} with DJL TensorRT {} (legacy, static batch {}): inputs by position {} outputs {}",
                    file,
                    djl.getVersion(),
                    batch,
                    inputs,
                    outputs);
            return new DjlTensorRtEngine(info, model, session, new StaticBatchPlan(batch), file.toString());
        } catch (IOException | MalformedModelException | ReflectiveOperationException | RuntimeException e) {
            model.close();
            throw new EngineException(
                    EngineException.Kind.INVALID_MODEL,
                    "DJL's TensorRT engine cannot load " + file + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * DJL creates the session inside newPredictor and keeps it private; the session is what knows
     * the bindings, so it is created directly. DJL 0.33 is the last release: this will not move.
     */
    private static TrtSession createSession(Model model) throws ReflectiveOperationException {
        Method m = TrtSymbolBlock.class.getDeclaredMethod("createSession", TrtNDManager.class);
        m.setAccessible(true);
        return (TrtSession) m.invoke(model.getBlock(), (TrtNDManager) model.getNDManager());
    }

    private static List<TensorSpec> specs(ai.djl.ndarray.NDList bindings) {
        List<TensorSpec> out = new ArrayList<>();
        for (NDArray a : bindings) {
            out.add(new TensorSpec(
                    a.getName(),
                    dataType(a.getDataType(), a.getName()),
                    a.getShape().getShape()));
        }
        return out;
    }

    static DataType dataType(ai.djl.ndarray.types.DataType t, String name) {
        return switch (t) {
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT16 -> DataType.FLOAT16;
            case INT32 -> DataType.INT32;
            case INT64 -> DataType.INT64;
            default ->
                throw new IllegalArgumentException(
                        name + " has type " + t + "; strobe handles float32, float16, int32, int64");
        };
    }
}
