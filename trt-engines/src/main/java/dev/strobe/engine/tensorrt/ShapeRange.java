package dev.strobe.engine.tensorrt;

import java.util.Arrays;

/**
 * The min, opt and max shapes one optimisation profile allows for one input (TensorRT's
 * {@code getProfileShape} with kMIN, kOPT and kMAX). All three have the same rank.
 */
public record ShapeRange(long[] min, long[] opt, long[] max) {

    public ShapeRange {
        min = min.clone();
        opt = opt.clone();
        max = max.clone();
        if (min.length != opt.length || min.length != max.length) {
            throw new IllegalArgumentException("min/opt/max ranks differ: " + Shapes.format(min) + " "
                    + Shapes.format(opt) + " " + Shapes.format(max));
        }
        for (int i = 0; i < min.length; i++) {
            if (min[i] < 0 || min[i] > opt[i] || opt[i] > max[i]) {
                throw new IllegalArgumentException("need 0 <= min <= opt <= max in every dimension, got "
                        + Shapes.format(min) + " " + Shapes.format(opt) + " " + Shapes.format(max));
            }
        }
    }

    /** A range that allows exactly one shape. */
    public static ShapeRange fixed(long... shape) {
        return new ShapeRange(shape, shape, shape);
    }

    @Override
    public long[] min() {
        return min.clone();
    }

    @Override
    public long[] opt() {
        return opt.clone();
    }

    @Override
    public long[] max() {
        return max.clone();
    }

    public int rank() {
        return min.length;
    }

    public long min(int dim) {
        return min[dim];
    }

    public long max(int dim) {
        return max[dim];
    }

    /** Whether dimensions {@code from..rank-1} of {@code shape} lie inside the range. */
    public boolean covers(long[] shape, int from) {
        if (shape.length != min.length) {
            return false;
        }
        for (int i = from; i < shape.length; i++) {
            if (shape[i] < min[i] || shape[i] > max[i]) {
                return false;
            }
        }
        return true;
    }

    /** Elements of the max shape: what a buffer sized for this range holds. */
    public long maxElements() {
        long n = 1;
        for (long d : max) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShapeRange r
                && Arrays.equals(min, r.min)
                && Arrays.equals(opt, r.opt)
                && Arrays.equals(max, r.max);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(min) + Arrays.hashCode(opt)) + Arrays.hashCode(max);
    }

    /** {@code 1x4x64x64..8x4x192x192}, the form used in error messages. */
    @Override
    public String toString() {
        return Shapes.format(min) + ".." + Shapes.format(max);
    }
}
