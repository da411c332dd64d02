package dev.strobe.pipeline.image;

/**
 * The VAE decoder's output [3, H, W] (values about -1..1) to 8-bit RGB, exactly as diffusers'
 * {@code VaeImageProcessor.postprocess(output_type="pil")}: {@code (x / 2 + 0.5).clamp(0, 1)} in
 * float32, then {@code (x * 255).round()} with numpy's round-half-to-even, then uint8. NaN (the
 * stock SDXL VAE overflowing in fp16) becomes 0; {@link #countNonFinite} lets callers detect it.
 *
 * <p>Stateless; any thread.
 */
public final class VaeImage {
    private VaeImage() {}

    /** The image for the [3, height, width] sample starting at {@code decoded[offset]}. */
    public static RgbImage toRgb(float[] decoded, int offset, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        int plane = height * width;
        if (offset < 0 || offset > decoded.length - 3 * plane) {
            throw new IllegalArgumentException("a [3, " + height + ", " + width + "] image at offset " + offset
                    + " does not fit in an array of " + decoded.length + " values");
        }
        byte[] rgb = new byte[plane * 3];
        for (int c = 0; c < 3; c++) {
            int base = offset + c * plane;
            for (int p = 0; p < plane; p++) {
                rgb[p * 3 + c] = (byte) toByte(decoded[base + p]);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** One value: {@code rint(clamp(x / 2 + 0.5, 0, 1) * 255)} in float32. */
    static int toByte(float x) {
        float unit = x / 2.0f + 0.5f;
        if (!(unit > 0.0f)) {
            return 0; // also NaN
        }
        if (unit > 1.0f) {
            unit = 1.0f;
        }
        return (int) Math.rint(unit * 255.0f);
    }

    /** How many of the [3, height, width] values at {@code offset} are NaN or infinite. */
    public static int countNonFinite(float[] decoded, int offset, int height, int width) {
        int n = 3 * height * width;
        int bad = 0;
        for (int i = offset; i < offset + n; i++) {
            if (!Float.isFinite(decoded[i])) {
                bad++;
            }
        }
        return bad;
    }
}
