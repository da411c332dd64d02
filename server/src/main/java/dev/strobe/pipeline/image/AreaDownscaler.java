package dev.strobe.pipeline.image;

/**
 * Shrinks an image so its longest side is at most a limit, never enlarging it. Each output pixel is
 * the area-weighted mean of the source pixels it covers (a box filter with fractional edges), which
 * does not alias the way nearest-neighbour or bilinear sampling does when shrinking a lot.
 * Separable: a horizontal pass into floats, then a vertical pass, rounded to nearest.
 *
 * <p>Stateless; any thread.
 */
public final class AreaDownscaler {
    private AreaDownscaler() {}

    /**
     * {@code image} itself when its longest side is at most {@code maxSide} (or maxSide <= 0 means
     * no limit); otherwise a copy scaled so the longest side is exactly {@code maxSide} and the other
     * keeps the aspect ratio (rounded, at least 1).
     */
    public static RgbImage fitWithin(RgbImage image, int maxSide) {
        int w = image.width();
        int h = image.height();
        int longest = Math.max(w, h);
        if (maxSide <= 0 || longest <= maxSide) {
            return image;
        }
        int outW = w >= h ? maxSide : Math.max(1, (int) Math.round((double) w * maxSide / h));
        int outH = h > w ? maxSide : Math.max(1, (int) Math.round((double) h * maxSide / w));
        return resize(image, outW, outH);
    }

    /** Area-averaged shrink to exactly outW x outH (each at most the source size). */
    public static RgbImage resize(RgbImage image, int outW, int outH) {
        int w = image.width();
        int h = image.height();
        if (outW <= 0 || outH <= 0 || outW > w || outH > h) {
            throw new IllegalArgumentException("can only shrink " + w + "x" + h + ", not to " + outW + "x" + outH);
        }
        Weights wx = Weights.of(w, outW);
        Weights wy = Weights.of(h, outH);
        byte[] src = image.rgb();
        float[] rows = new float[h * outW * 3];
        for (int y = 0; y < h; y++) {
            int srcRow = y * w * 3;
            int dstRow = y * outW * 3;
            for (int ox = 0; ox < outW; ox++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = wx.start[ox]; k < wx.start[ox + 1]; k++) {
                    int p = srcRow + wx.index[k] * 3;
                    float f = wx.weight[k];
                    r += (src[p] & 0xff) * f;
                    g += (src[p + 1] & 0xff) * f;
                    b += (src[p + 2] & 0xff) * f;
                }
                rows[dstRow + ox * 3] = r;
                rows[dstRow + ox * 3 + 1] = g;
                rows[dstRow + ox * 3 + 2] = b;
            }
        }
        byte[] out = new byte[outW * outH * 3];
        int rowLen = outW * 3;
        for (int oy = 0; oy < outH; oy++) {
            int dst = oy * rowLen;
            for (int i = 0; i < rowLen; i++) {
                float sum = 0;
                for (int k = wy.start[oy]; k < wy.start[oy + 1]; k++) {
                    sum += rows[wy.index[k] * rowLen + i] * wy.weight[k];
                }
                int v = Math.round(sum);
                out[dst + i] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return new RgbImage(outW, outH, out);
    }

    /** For each output index, the source indices it covers and their weights (summing to 1). */
    private record Weights(int[] start, int[] index, float[] weight) {
        static Weights of(int srcSize, int outSize) {
            double scale = (double) srcSize / outSize;
            int[] start = new int[outSize + 1];
            int maxTaps = (int) Math.ceil(scale) + 1;
            int[] index = new int[outSize * maxTaps];
            float[] weight = new float[outSize * maxTaps];
            int n = 0;
            for (int o = 0; o < outSize; o++) {
                start[o] = n;
                double lo = o * scale;
                double hi = Math.min(srcSize, (o + 1) * scale);
                for (int s = (int) Math.floor(lo); s < hi; s++) {
                    double overlap = Math.min(hi, s + 1) - Math.max(lo, s);
                    if (overlap > 1e-9) {
                        index[n] = s;
                        weight[n] = (float) (overlap / scale);
                        n++;
                    }
                }
            }
            start[outSize] = n;
            return new Weights(start, index, weight);
        }
    }
}
