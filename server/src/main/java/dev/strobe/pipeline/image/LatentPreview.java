package dev.strobe.pipeline.image;

/**
 * ComfyUI's cheap SDXL preview: each latent pixel of x0_hat (in the UNet's latent space, not divided
 * by the VAE scaling factor) becomes one RGB pixel by a fixed linear map,
 * {@code rgb = latent . F + bias}, then ComfyUI's {@code preview_to_image}:
 * {@code ((v + 1) / 2).clamp(0, 1) * 255} in float32, truncated to 8 bits like {@code .to(uint8)}.
 * So a channel is 255 only for v >= 1, 0 for v <= -1, and 127 at v = 0.
 *
 * <p>About 16 multiply-adds per latent pixel (128 x 128 for a 1024 image). Stateless; any thread.
 */
public final class LatentPreview {
    /** Latent channels the factors are for. */
    public static final int CHANNELS = 4;
    /** F[c][rgb] from ComfyUI's SDXL latent format. */
    private static final float[][] FACTORS = {
        {0.3651f, 0.4232f, 0.4341f},
        {-0.2533f, -0.0042f, 0.1068f},
        {0.1076f, 0.1111f, -0.0362f},
        {-0.3165f, -0.2492f, -0.2188f},
    };

    private static final float[] BIAS = {0.1084f, -0.0175f, -0.0011f};

    private LatentPreview() {}

    /**
     * The preview of the [4, h, w] latent starting at {@code latent[offset]} (channel-major, as one
     * sample of an NCHW batch), an h x w image.
     */
    public static RgbImage render(float[] latent, int offset, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("latent size must be positive, got " + width + "x" + height);
        }
        int plane = height * width;
        if (offset < 0 || offset > latent.length - CHANNELS * plane) {
            throw new IllegalArgumentException("a [4, " + height + ", " + width + "] latent at offset " + offset
                    + " does not fit in an array of " + latent.length + " values");
        }
        byte[] rgb = new byte[plane * 3];
        for (int p = 0; p < plane; p++) {
            float l0 = latent[offset + p];
            float l1 = latent[offset + plane + p];
            float l2 = latent[offset + 2 * plane + p];
            float l3 = latent[offset + 3 * plane + p];
            for (int c = 0; c < 3; c++) {
                float v = l0 * FACTORS[0][c] + l1 * FACTORS[1][c] + l2 * FACTORS[2][c] + l3 * FACTORS[3][c] + BIAS[c];
                rgb[p * 3 + c] = (byte) toByte(v);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** {@code (((v + 1) / 2).clamp(0, 1) * 255).to(uint8)}; NaN gives 0. */
    static int toByte(float v) {
        float unit = (v + 1.0f) / 2.0f;
        if (!(unit > 0.0f)) {
            return 0;
        }
        if (unit > 1.0f) {
            unit = 1.0f;
        }
        return (int) (unit * 255.0f);
    }
}
