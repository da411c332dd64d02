package dev.strobe.engine;

import java.util.Arrays;

/**
 * A host tensor: row-major, batch dimension first. Floating tensors (FLOAT32 and FLOAT16) keep
 * their values as {@code float}; integer tensors as {@code long}. An engine converts to its own
 * device types at its boundary, so nothing above the engines knows which precision a model runs in.
 *
 * <p>Tensors are treated as immutable once handed to an engine or returned by one: nobody writes
 * to the arrays afterwards.
 */
public final class Tensor {
    private final DataType dataType;
    private final long[] shape;
    private final float[] floats;
    private final long[] longs;

    private Tensor(DataType dataType, long[] shape, float[] floats, long[] longs) {
        this.dataType = dataType;
        this.shape = shape.clone();
        this.floats = floats;
        this.longs = longs;
        long n = elementCount(shape);
        long have = floats != null ? floats.length : longs.length;
        if (n != have) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " elements, got " + have);
        }
    }

    /** A FLOAT32 tensor over {@code data} (not copied). */
    public static Tensor ofFloats(float[] data, long... shape) {
        return new Tensor(DataType.FLOAT32, shape, data, null);
    }

    /** A floating tensor of the given type (FLOAT32 or FLOAT16) over {@code data} (not copied). */
    public static Tensor ofFloats(DataType type, float[] data, long... shape) {
        if (!type.isFloating()) {
            throw new IllegalArgumentException(type + " is not a floating type");
        }
        return new Tensor(type, shape, data, null);
    }

    /** An INT64 tensor over {@code data} (not copied). */
    public static Tensor ofLongs(long[] data, long... shape) {
        return new Tensor(DataType.INT64, shape, null, data);
    }

    /** An integer tensor of the given type (INT64 or INT32) over {@code data} (not copied). */
    public static Tensor ofLongs(DataType type, long[] data, long... shape) {
        if (type.isFloating()) {
            throw new IllegalArgumentException(type + " is not an integer type");
        }
        return new Tensor(type, shape, null, data);
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public DataType dataType() {
        return dataType;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** The values of a floating tensor (the backing array, not a copy). */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor of " + dataType + " has no float values");
        }
        return floats;
    }

    /** The values of an integer tensor (the backing array, not a copy). */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor of " + dataType + " has no integer values");
        }
        return longs;
    }

    /** Number of elements of one batch item (everything after the first dimension). */
    public int itemSize() {
        if (shape.length == 0) {
            throw new IllegalStateException("a scalar has no batch dimension");
        }
        return (int) (size() / Math.max(1, shape[0]));
    }

    @Override
    public String toString() {
        return "Tensor[" + dataType + " " + Arrays.toString(shape) + "]";
    }
}
