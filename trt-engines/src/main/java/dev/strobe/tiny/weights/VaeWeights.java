package dev.strobe.tiny.weights;

import static dev.strobe.tiny.TinyArchitecture.LATENT_CHANNELS;
import static dev.strobe.tiny.TinyArchitecture.LATENT_RGB_BIAS;
import static dev.strobe.tiny.TinyArchitecture.LATENT_RGB_FACTORS;
import static dev.strobe.tiny.TinyArchitecture.VAE_DETAIL_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.VAE_PIXEL_WIDTH;

/** Weights of the tiny VAE decoder (see {@code VaeDecoderMath} for the formulas). */
public final class VaeWeights {
    /** [3, 4, 1, 1] ComfyUI's latent-to-RGB factors, transposed, and [3] their bias. */
    public final Param toRgb;

    public final Param toRgbBias;
    /** Detail branch at latent resolution: 3x3 4 -> VAE_DETAIL_WIDTH -> 3, edge padded. */
    public final Param detail1;

    public final Param detail1Bias;
    public final Param detail2;
    public final Param detail2Bias;
    /** Refinement at full resolution: 3x3 3 -> VAE_PIXEL_WIDTH -> 3, edge padded. */
    public final Param pixel1;

    public final Param pixel1Bias;
    public final Param pixel2;
    public final Param pixel2Bias;

    VaeWeights(WeightRandom r) {
        float[] f = new float[3 * LATENT_CHANNELS];
        for (int k = 0; k < 3; k++) {
            for (int c = 0; c < LATENT_CHANNELS; c++) {
                f[k * LATENT_CHANNELS + c] = LATENT_RGB_FACTORS[c][k];
            }
        }
        toRgb = new Param(f, 3, LATENT_CHANNELS, 1, 1);
        toRgbBias = new Param(LATENT_RGB_BIAS.clone(), 3);
        detail1 = r.smoothConv3x3(VAE_DETAIL_WIDTH, LATENT_CHANNELS, 1.0, 0.3);
        detail1Bias = r.normal(0.1, VAE_DETAIL_WIDTH);
        detail2 = r.smoothConv3x3(3, VAE_DETAIL_WIDTH, 0.15, 0.3);
        detail2Bias = r.zeros(3);
        pixel1 = r.smoothConv3x3(VAE_PIXEL_WIDTH, 3, 1.0, 0.3);
        pixel1Bias = r.normal(0.1, VAE_PIXEL_WIDTH);
        pixel2 = r.smoothConv3x3(3, VAE_PIXEL_WIDTH, 0.1, 0.3);
        pixel2Bias = r.zeros(3);
    }
}
