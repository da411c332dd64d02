package dev.strobe.tiny.weights;

import java.util.Arrays;

/**
 * One weight tensor of the tiny model: row-major float values and their shape. Written into an
 * ONNX graph as an initializer and read by the Java reference; nobody modifies the values.
 */
public record Param(float[] data, int... shape) {

    public Param {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    public float get(int i) {
        return data[i];
    }

    public int size() {
        return data.length;
    }

    /** The shape as ONNX dims. */
    public long[] dims() {
        long[] d = new long[shape.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = shape[i];
        }
        return d;
    }
}
