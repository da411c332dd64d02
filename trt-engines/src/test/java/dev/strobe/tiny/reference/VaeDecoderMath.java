package dev.strobe.tiny.reference;

import static dev.strobe.tiny.TinyArchitecture.LATENT_CHANNELS;
import static dev.strobe.tiny.TinyArchitecture.VAE_SCALE_FACTOR;
import static dev.strobe.tiny.TinyArchitecture.VAE_SCALING_FACTOR;

import dev.strobe.tiny.reference.FloatKernels.Padding;
import dev.strobe.tiny.weights.VaeWeights;

/**
 * The tiny VAE decoder in plain Java, for one item:
 * <pre>
 * z     = latent_sample * 0.13025                 (the pipeline divided by 0.13025; undo it)
 * rgb   = F^T z + bias                            ComfyUI's SDXL latent-to-RGB factors (1x1 conv)
 *       + d2(silu(d1(z)))                         3x3 detail branch 4-8-3, edge padded
 * up    = Resize x8, mode linear, half_pixel     (ONNX Runtime's bilinear: source coordinate
 *                                                  (x + 0.5) / 8 - 0.5 clamped to [0, w-1])
 * image = tanh(up + p2(silu(p1(up))))             3x3 full-resolution refinement 3-8-3, edge padded
 * </pre>
 * Output [3, 8h, 8w] in about [-1, 1]. Stateless after construction.
 */
public final class VaeDecoderMath {
    private final VaeWeights w;

    public VaeDecoderMath(VaeWeights w) {
        this.w = w;
    }

    public float[] decode(float[] latentSample, int h, int wd) {
        if (latentSample.length != LATENT_CHANNELS * h * wd) {
            throw new IllegalArgumentException(
                    "latent_sample needs " + LATENT_CHANNELS * h * wd + " values, got " + latentSample.length);
        }
        float[] z = new float[latentSample.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = latentSample[i] * VAE_SCALING_FACTOR;
        }
        float[] rgb = FloatKernels.conv(z, h, wd, w.toRgb, w.toRgbBias, Padding.ZERO);
        float[] d1 = FloatKernels.conv(z, h, wd, w.detail1, w.detail1Bias, Padding.EDGE);
        FloatKernels.siluInPlace(d1);
        float[] d2 = FloatKernels.conv(d1, h, wd, w.detail2, w.detail2Bias, Padding.EDGE);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] += d2[i];
        }
        int oh = h * VAE_SCALE_FACTOR;
        int ow = wd * VAE_SCALE_FACTOR;
        float[] up = upsampleLinear(rgb, 3, h, wd, VAE_SCALE_FACTOR);
        float[] p1 = FloatKernels.conv(up, oh, ow, w.pixel1, w.pixel1Bias, Padding.EDGE);
        FloatKernels.siluInPlace(p1);
        float[] p2 = FloatKernels.conv(p1, oh, ow, w.pixel2, w.pixel2Bias, Padding.EDGE);
        for (int i = 0; i < up.length; i++) {
            up[i] = FloatKernels.tanh(up[i] + p2[i]);
        }
        return up;
    }

    /** ONNX Resize, mode linear, coordinate_transformation_mode half_pixel, integer scale. */
    static float[] upsampleLinear(float[] in, int channels, int h, int wd, int scale) {
        int oh = h * scale;
        int ow = wd * scale;
        int[] y1 = new int[oh];
        int[] y2 = new int[oh];
        float[] dy1 = new float[oh];
        float[] dy2 = new float[oh];
        axis(h, scale, y1, y2, dy1, dy2);
        int[] x1 = new int[ow];
        int[] x2 = new int[ow];
        float[] dx1 = new float[ow];
        float[] dx2 = new float[ow];
        axis(wd, scale, x1, x2, dx1, dx2);
        float[] out = new float[channels * oh * ow];
        for (int c = 0; c < channels; c++) {
            int base = c * h * wd;
            for (int y = 0; y < oh; y++) {
                int r1 = base + y1[y] * wd;
                int r2 = base + y2[y] * wd;
                for (int x = 0; x < ow; x++) {
                    double v = (double) dx2[x] * dy2[y] * in[r1 + x1[x]]
                            + (double) dx1[x] * dy2[y] * in[r1 + x2[x]]
                            + (double) dx2[x] * dy1[y] * in[r2 + x1[x]]
                            + (double) dx1[x] * dy1[y] * in[r2 + x2[x]];
                    out[(c * oh + y) * ow + x] = (float) v;
                }
            }
        }
        return out;
    }

    /** Source indices and weights along one axis; d1 weighs index 2, d2 weighs index 1. */
    private static void axis(int n, int scale, int[] i1, int[] i2, float[] d1, float[] d2) {
        for (int o = 0; o < i1.length; o++) {
            float src = ((float) o + 0.5f) / scale - 0.5f;
            src = Math.max(0f, Math.min(src, n - 1));
            i1[o] = Math.min((int) src, n - 1);
            i2[o] = Math.min(i1[o] + 1, n - 1);
            d1[o] = Math.abs(src - i1[o]);
            d2[o] = Math.abs(src - i2[o]);
            if (i1[o] == i2[o]) {
                d1[o] = 0.5f;
                d2[o] = 0.5f;
            }
        }
    }
}
