package dev.strobe.engine.djltrt;

import dev.strobe.engine.EngineException;
import dev.strobe.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batching for static-shape engines (DJL's TensorRT 8 route): every call must have exactly the
 * plan's fixed batch. A larger batch is cut into calls of that size; every call is padded up to
 * it with copies of its last item, and the padded items' outputs are dropped.
 *
 * <p>Plain Java, stateless; used on the device thread.
 */
public record StaticBatchPlan(int fixedBatch) {

    /** Items {@code start .. start+count-1} of the caller's batch, sent as one call. */
    public record Chunk(int start, int count) {}

    public StaticBatchPlan {
        if (fixedBatch < 1) {
            throw new IllegalArgumentException("fixed batch must be at least 1, got " + fixedBatch);
        }
    }

    /** The calls for a batch of {@code batch} items, in order. */
    public List<Chunk> chunks(int batch) {
        if (batch < 1) {
            throw new EngineException(EngineException.Kind.UNSUPPORTED_INPUT, "empty batch");
        }
        List<Chunk> out = new ArrayList<>();
        for (int start = 0; start < batch; start += fixedBatch) {
            out.add(new Chunk(start, Math.min(fixedBatch, batch - start)));
        }
        return out;
    }

    /** The chunk's items of {@code t}, padded to the fixed batch by repeating the last one. */
    public Tensor pad(Tensor t, Chunk c) {
        long[] shape = t.shape();
        if (shape.length == 0) {
            return t;
        }
        shape[0] = fixedBatch;
        int item = t.itemSize();
        if (t.dataType().isFloating()) {
            float[] src = t.floats();
            float[] dst = new float[fixedBatch * item];
            for (int i = 0; i < fixedBatch; i++) {
                int from = c.start() + Math.min(i, c.count() - 1);
                System.arraycopy(src, from * item, dst, i * item, item);
            }
            return Tensor.ofFloats(t.dataType(), dst, shape);
        }
        long[] src = t.longs();
        long[] dst = new long[fixedBatch * item];
        for (int i = 0; i < fixedBatch; i++) {
            int from = c.start() + Math.min(i, c.count() - 1);
            System.arraycopy(src, from * item, dst, i * item, item);
        }
        return Tensor.ofLongs(t.dataType(), dst, shape);
    }

    /** The first {@code count} items of a padded output. */
    public static Tensor unpad(Tensor t, int count) {
        long[] shape = t.shape();
        if (shape.length == 0 || shape[0] == count) {
            return t;
        }
        shape[0] = count;
        int n = count * t.itemSize();
        return t.dataType().isFloating()
                ? Tensor.ofFloats(t.dataType(), Arrays.copyOf(t.floats(), n), shape)
                : Tensor.ofLongs(t.dataType(), Arrays.copyOf(t.longs(), n), shape);
    }
}
