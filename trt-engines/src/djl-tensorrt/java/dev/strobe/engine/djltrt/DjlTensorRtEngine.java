package dev.strobe.engine.djltrt;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.tensorrt.engine.TrtSession;
import ai.djl.training.ParameterStore;
import dev.strobe.engine.DataType;
import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.Tensor;
import dev.strobe.engine.TensorSpec;
import dev.strobe.engine.tensorrt.Shapes;
import dev.strobe.engine.tensorrt.TensorCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A static-shape TensorRT 8 plan on DJL's TensorRT engine (legacy route). Inputs go to DJL in the
 * plan's binding order; batches are split and padded to the plan's fixed batch by
 * {@link StaticBatchPlan}. Called from one thread at a time (the device thread).
 */
public final class DjlTensorRtEngine implements Engine {
    private final EngineInfo info;
    private final Model model;
    private final TrtSession session;
    private final StaticBatchPlan plan;
    private final String source;

    DjlTensorRtEngine(EngineInfo info, Model model, TrtSession session, StaticBatchPlan plan, String source) {
        this.info = info;
        this.model = model;
        this.session = session;
        this.plan = plan;
        this.source = source;
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> wanted) {
        int batch = -1;
        for (TensorSpec s : info.inputs()) {
            Tensor t = inputs.get(s.name());
            if (t == null) {
                throw new EngineException(
                        EngineException.Kind.UNSUPPORTED_INPUT,
                        source + " needs input '" + s.name() + "' (binding order " + info.inputs() + ")");
            }
            if (t.rank() > 0) {
                batch = (int) t.dim(0);
            }
        }
        Map<String, List<Tensor>> parts = new LinkedHashMap<>();
        for (StaticBatchPlan.Chunk c : plan.chunks(Math.max(batch, 1))) {
            try (NDManager call = model.getNDManager().newSubManager()) {
                NDList list = new NDList();
                for (TensorSpec s : info.inputs()) {
                    Tensor padded = plan.pad(inputs.get(s.name()), c);
                    if (!java.util.Arrays.equals(padded.shape(), s.shape())) {
                        throw new EngineException(
                                EngineException.Kind.UNSUPPORTED_INPUT,
                                source + " is a static plan: input " + s + " got " + Shapes.format(padded.shape()));
                    }
                    ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(
                                    Shapes.bytes(s.shape(), s.dataType().bytes())))
                            .order(ByteOrder.nativeOrder());
                    TensorCodec.encode(padded, s.dataType(), 0, plan.fixedBatch(), plan.fixedBatch(), b);
                    NDArray a = call.create(b, new Shape(s.shape()), djlType(s.dataType()));
                    a.setName(s.name());
                    list.add(a);
                }
                NDList out = session.forward(new ParameterStore(call, false), list, false);
                for (NDArray a : out) {
                    if (wanted.contains(a.getName())) {
                        DataType t = DjlTensorRtProvider.dataType(a.getDataType(), a.getName());
                        Tensor full = TensorCodec.decode(
                                a.toByteBuffer(), t, a.getShape().getShape(), c.count());
                        parts.computeIfAbsent(a.getName(), k -> new ArrayList<>())
                                .add(full);
                    }
                }
            } catch (EngineException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new EngineException(
                        EngineException.Kind.RUNTIME,
                        "DJL's TensorRT engine failed on " + source + ": " + e.getMessage(),
                        e);
            }
        }
        Map<String, Tensor> result = new HashMap<>();
        parts.forEach((k, v) -> result.put(k, TensorCodec.concat(v)));
        return result;
    }

    private static ai.djl.ndarray.types.DataType djlType(DataType t) {
        return switch (t) {
            case FLOAT32 -> ai.djl.ndarray.types.DataType.FLOAT32;
            case FLOAT16 -> ai.djl.ndarray.types.DataType.FLOAT16;
            case INT32 -> ai.djl.ndarray.types.DataType.INT32;
            case INT64 -> ai.djl.ndarray.types.DataType.INT64;
        };
    }

    @Override
    public void close() {
        session.close();
        model.close();
    }
}
