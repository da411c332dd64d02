package dev.strobe.tiny.weights;

import static dev.strobe.tiny.TinyArchitecture.TEXT1_LAYERS;
import static dev.strobe.tiny.TinyArchitecture.TEXT1_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.TEXT2_LAYERS;
import static dev.strobe.tiny.TinyArchitecture.TEXT2_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.TEXT_EMBEDS_WIDTH;

import java.util.SplittableRandom;

/**
 * Every weight of the tiny model set, drawn deterministically from one seed. The ONNX graph writers
 * and {@link dev.strobe.tiny.TinyModelReference} are both built from one instance, so the graphs
 * and the Java reference compute the same function. Immutable after construction.
 */
public final class TinyWeights {
    private final long seed;
    public final TextEncoderWeights textEncoder1;
    public final TextEncoderWeights textEncoder2;
    public final UnetWeights unet;
    public final VaeWeights vae;
    public final SigmaTable sigmas;

    private TinyWeights(long seed) {
        this.seed = seed;
        WeightRandom root = new WeightRandom(new SplittableRandom(seed));
        textEncoder1 = new TextEncoderWeights(root.split(), TEXT1_WIDTH, TEXT1_LAYERS, TEXT1_WIDTH);
        textEncoder2 = new TextEncoderWeights(root.split(), TEXT2_WIDTH, TEXT2_LAYERS, TEXT_EMBEDS_WIDTH);
        unet = new UnetWeights(root.split());
        vae = new VaeWeights(root.split());
        sigmas = SigmaTable.sdxl();
    }

    /** The weights for {@code seed}; the same seed gives the same values on every machine. */
    public static TinyWeights generate(long seed) {
        return new TinyWeights(seed);
    }

    public long seed() {
        return seed;
    }
}
