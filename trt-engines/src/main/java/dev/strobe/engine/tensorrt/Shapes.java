package dev.strobe.engine.tensorrt;

/** Shape formatting shared by error messages, logs and the trtexec command line. */
public final class Shapes {
    private Shapes() {}

    /** {@code 2x4x128x128}; a scalar is {@code scalar}; dynamic dimensions print as {@code ?}. */
    public static String format(long[] shape) {
        if (shape.length == 0) {
            return "scalar";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : "x").append(shape[i] < 0 ? "?" : String.valueOf(shape[i]));
        }
        return b.toString();
    }

    /** Bytes of a tensor of this shape with elements of {@code elementBytes}. */
    public static long bytes(long[] shape, int elementBytes) {
        long n = elementBytes;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + format(shape) + " has a dynamic dimension");
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** A copy of {@code shape} with dimension 0 replaced. */
    public static long[] withBatch(long[] shape, long batch) {
        long[] s = shape.clone();
        s[0] = batch;
        return s;
    }
}
