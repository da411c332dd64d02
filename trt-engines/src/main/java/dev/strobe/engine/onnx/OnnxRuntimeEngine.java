package dev.strobe.engine.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import ai.djl.training.ParameterStore;
import dev.strobe.engine.DataType;
import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.Half;
import dev.strobe.engine.Tensor;
import dev.strobe.engine.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX component running in ONNX Runtime through DJL. Converts strobe's host tensors to the
 * element types the model declares (float16 included) and back.
 *
 * <p>Called from one thread at a time (the scheduler's device thread).
 */
public final class OnnxRuntimeEngine implements Engine {
    private final EngineInfo info;
    private final OrtSymbolBlock block;
    private final NDManager manager;
    private final String source;

    OnnxRuntimeEngine(EngineInfo info, OrtSymbolBlock block, NDManager manager, String source) {
        this.info = info;
        this.block = block;
        this.manager = manager;
        this.source = source;
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> wanted) {
        try (NDManager call = manager.newSubManager()) {
            NDList list = new NDList();
            for (TensorSpec spec : info.inputs()) {
                Tensor t = inputs.get(spec.name());
                if (t == null) {
                    throw new EngineException(
                            EngineException.Kind.UNSUPPORTED_INPUT,
                            source + " needs input '" + spec.name() + "', got " + inputs.keySet());
                }
                checkRank(spec, t);
                NDArray a = toNd(call, spec.dataType(), t);
                a.setName(spec.name());
                list.add(a);
            }
            NDList out = block.forward(new ParameterStore(call, false), list, false);
            Map<String, Tensor> result = new HashMap<>();
            for (NDArray a : out) {
                if (wanted.contains(a.getName())) {
                    result.put(a.getName(), fromNd(a));
                }
            }
            out.close();
            for (String w : wanted) {
                if (!result.containsKey(w)) {
                    throw new EngineException(
                            EngineException.Kind.INVALID_MODEL,
                            source + " has no output '" + w + "'; it has " + info.outputs());
                }
            }
            return result;
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EngineException(
                    EngineException.Kind.RUNTIME, "ONNX Runtime failed on " + source + ": " + e.getMessage(), e);
        }
    }

    private void checkRank(TensorSpec spec, Tensor t) {
        if (spec.rank() != t.rank()) {
            throw new EngineException(
                    EngineException.Kind.UNSUPPORTED_INPUT,
                    source + " input " + spec + " got shape " + Arrays.toString(t.shape()));
        }
    }

    private static NDArray toNd(NDManager m, DataType type, Tensor t) {
        Shape shape = new Shape(t.shape());
        return switch (type) {
            case FLOAT32 -> m.create(FloatBuffer.wrap(t.floats()), shape, ai.djl.ndarray.types.DataType.FLOAT32);
            case FLOAT16 -> {
                float[] f = t.floats();
                ByteBuffer b = ByteBuffer.allocateDirect(f.length * 2).order(ByteOrder.nativeOrder());
                ShortBuffer s = b.asShortBuffer();
                for (float v : f) {
                    s.put(Half.fromFloat(v));
                }
                yield m.create(b, shape, ai.djl.ndarray.types.DataType.FLOAT16);
            }
            case INT64 -> {
                long[] l = t.dataType().isFloating() ? null : t.longs();
                yield m.create(LongBuffer.wrap(l), shape, ai.djl.ndarray.types.DataType.INT64);
            }
            case INT32 -> {
                long[] l = t.longs();
                int[] v = new int[l.length];
                for (int i = 0; i < l.length; i++) {
                    v[i] = Math.toIntExact(l[i]);
                }
                yield m.create(IntBuffer.wrap(v), shape, ai.djl.ndarray.types.DataType.INT32);
            }
        };
    }

    private static Tensor fromNd(NDArray a) {
        long[] shape = a.getShape().getShape();
        switch (a.getDataType()) {
            case FLOAT32:
                return Tensor.ofFloats(a.toFloatArray(), shape);
            case FLOAT16: {
                ShortBuffer s = a.toByteBuffer().order(ByteOrder.nativeOrder()).asShortBuffer();
                float[] f = new float[s.remaining()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = Half.toFloat(s.get(i));
                }
                return Tensor.ofFloats(DataType.FLOAT16, f, shape);
            }
            case INT64:
                return Tensor.ofLongs(a.toLongArray(), shape);
            case INT32: {
                int[] v = a.toIntArray();
                long[] l = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    l[i] = v[i];
                }
                return Tensor.ofLongs(DataType.INT32, l, shape);
            }
            default:
                throw new EngineException(
                        EngineException.Kind.INVALID_MODEL,
                        "output " + a.getName() + " has unsupported type " + a.getDataType());
        }
    }

    @Override
    public void close() {
        block.close();
        manager.close();
    }
}
