package dev.strobe.engine.tensorrt;

import dev.strobe.engine.DataType;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.Half;
import dev.strobe.engine.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts between strobe's host tensors and the bytes of an engine's I/O tensors: float32,
 * float16 (through {@link Half}), int32 and int64. Handles the batch slicing and padding of a
 * {@link BatchChunk}: a chunk's items are copied in order and the last one is repeated to fill
 * the padding; on the way back only the real items are kept.
 *
 * <p>Stateless; called on the device thread.
 */
public final class TensorCodec {
    private TensorCodec() {}

    /**
     * Writes items {@code start .. start+count-1} of {@code t} into {@code dst} (from position 0)
     * as {@code type}, then the last of them again {@code padded - count} times. A rank-0 tensor
     * is written once, whatever the chunk.
     *
     * @return the number of bytes written
     */
    public static long encode(Tensor t, DataType type, int start, int count, int padded, ByteBuffer dst) {
        if (!type.isFloating() && t.dataType().isFloating()) { // integers widen to floats, never back
            throw new EngineException(
                    EngineException.Kind.UNSUPPORTED_INPUT,
                    "cannot feed a " + t.dataType() + " tensor to an engine input of type " + type);
        }
        ByteBuffer b = dst.duplicate().order(ByteOrder.nativeOrder());
        b.clear();
        if (t.rank() == 0) {
            put(t, type, 0, b);
            return type.bytes();
        }
        int item = t.itemSize();
        for (int i = 0; i < padded; i++) {
            int src = start + Math.min(i, count - 1);
            int base = src * item;
            for (int k = 0; k < item; k++) {
                put(t, type, base + k, b);
            }
        }
        return (long) padded * item * type.bytes();
    }

    private static void put(Tensor t, DataType type, int index, ByteBuffer b) {
        switch (type) {
            case FLOAT32 -> b.putFloat(floatAt(t, index));
            case FLOAT16 -> b.putShort(Half.fromFloat(floatAt(t, index)));
            case INT32 -> b.putInt(Math.toIntExact(t.longs()[index]));
            case INT64 -> b.putLong(t.longs()[index]);
        }
    }

    private static float floatAt(Tensor t, int index) {
        return t.dataType().isFloating() ? t.floats()[index] : (float) t.longs()[index];
    }

    /**
     * Reads a tensor of {@code shape} (whose dimension 0 is the padded batch) from {@code src} and
     * keeps the first {@code count} items.
     */
    public static Tensor decode(ByteBuffer src, DataType type, long[] shape, int count) {
        long[] kept = shape.clone();
        if (kept.length > 0) {
            kept[0] = count;
        }
        int n = Math.toIntExact(Tensor.elementCount(kept));
        ByteBuffer b = src.duplicate().order(ByteOrder.nativeOrder());
        b.clear();
        switch (type) {
            case FLOAT32, FLOAT16 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = type == DataType.FLOAT32 ? b.getFloat() : Half.toFloat(b.getShort());
                }
                return Tensor.ofFloats(type, f, kept);
            }
            default -> {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = type == DataType.INT32 ? b.getInt() : b.getLong();
                }
                return Tensor.ofLongs(type, l, kept);
            }
        }
    }

    /** Joins per-chunk outputs along dimension 0, in order. */
    public static Tensor concat(java.util.List<Tensor> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Tensor first = parts.get(0);
        long[] shape = first.shape();
        long batch = 0;
        for (Tensor p : parts) {
            batch += p.dim(0);
        }
        shape[0] = batch;
        int n = Math.toIntExact(Tensor.elementCount(shape));
        int at = 0;
        if (first.dataType().isFloating()) {
            float[] f = new float[n];
            for (Tensor p : parts) {
                System.arraycopy(p.floats(), 0, f, at, p.size());
                at += p.size();
            }
            return Tensor.ofFloats(first.dataType(), f, shape);
        }
        long[] l = new long[n];
        for (Tensor p : parts) {
            System.arraycopy(p.longs(), 0, l, at, p.size());
            at += p.size();
        }
        return Tensor.ofLongs(first.dataType(), l, shape);
    }
}
