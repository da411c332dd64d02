package dev.strobe.tiny.reference;

import dev.strobe.tiny.weights.Param;

/**
 * The few tensor kernels the Java reference needs, on single items in channel-major layout
 * ([C, H, W] or [rows, cols]). Sums accumulate in double and round to float once, so results are
 * within float rounding of what ONNX Runtime computes. Stateless; safe from any thread.
 */
public final class FloatKernels {
    private FloatKernels() {}

    /** How a convolution sees pixels outside the image. */
    public enum Padding {
        /** Outside pixels are 0 (Conv's pads attribute). */
        ZERO,
        /** Outside pixels repeat the nearest border pixel (Pad mode "edge" before an unpadded Conv). */
        EDGE
    }

    /**
     * A k x k convolution (k = 1 or 3), stride 1, output the size of the input: out[o, y, x] =
     * bias[o] + sum_{i, dy, dx} weight[o, i, dy, dx] * in[i, y + dy - k/2, x + dx - k/2].
     *
     * @param in [cin, h, w]
     * @param weight [cout, cin, k, k]
     */
    public static float[] conv(float[] in, int h, int w, Param weight, Param bias, Padding padding) {
        int cout = weight.shape()[0];
        int cin = weight.shape()[1];
        int k = weight.shape()[2];
        int r = k / 2;
        int hw = h * w;
        float[] out = new float[cout * hw];
        double[] acc = new double[hw];
        float[] wt = weight.data();
        for (int o = 0; o < cout; o++) {
            java.util.Arrays.fill(acc, 0);
            for (int i = 0; i < cin; i++) {
                int inBase = i * hw;
                for (int dy = 0; dy < k; dy++) {
                    for (int dx = 0; dx < k; dx++) {
                        double wv = wt[((o * cin + i) * k + dy) * k + dx];
                        for (int y = 0; y < h; y++) {
                            int sy = y + dy - r;
                            if (sy < 0 || sy >= h) {
                                if (padding == Padding.ZERO) {
                                    continue;
                                }
                                sy = sy < 0 ? 0 : h - 1;
                            }
                            int row = inBase + sy * w;
                            int outRow = y * w;
                            for (int x = 0; x < w; x++) {
                                int sx = x + dx - r;
                                if (sx < 0 || sx >= w) {
                                    if (padding == Padding.ZERO) {
                                        continue;
                                    }
                                    sx = sx < 0 ? 0 : w - 1;
                                }
                                acc[outRow + x] += wv * in[row + sx];
                            }
                        }
                    }
                }
            }
            float b = bias.get(o);
            for (int p = 0; p < hw; p++) {
                out[o * hw + p] = (float) acc[p] + b;
            }
        }
        return out;
    }

    /** [rows, inner] x [inner, cols] -> [rows, cols] (a MatMul node). */
    public static float[] matMul(float[] a, int rows, int inner, float[] b, int cols) {
        float[] out = new float[rows * cols];
        double[] acc = new double[cols];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(acc, 0);
            for (int i = 0; i < inner; i++) {
                double av = a[r * inner + i];
                int bRow = i * cols;
                for (int c = 0; c < cols; c++) {
                    acc[c] += av * b[bRow + c];
                }
            }
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = (float) acc[c];
            }
        }
        return out;
    }

    /** x * sigmoid(x), rounded per node as Mul(x, Sigmoid(x)) is. */
    public static float silu(float x) {
        return x * sigmoid(x);
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    public static void siluInPlace(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = silu(v[i]);
        }
    }

    public static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
