package dev.strobe.tiny.weights;

import static dev.strobe.tiny.TinyArchitecture.POOL_RANK;
import static dev.strobe.tiny.TinyArchitecture.SEQUENCE_LENGTH;

/**
 * Weights of one tiny text encoder (see {@code TextEncoderMath} for the formulas they enter).
 * Shapes use C = width, L = layers, P = pooled width, r = POOL_RANK.
 */
public final class TextEncoderWeights {
    public final int width;
    public final int layers;
    public final int pooledWidth;
    /** [C] a_c of the token embedding sin(id * a_c + b_c); log-uniform in [0.001, 3]. */
    public final Param frequency;
    /** [C] b_c. */
    public final Param phase;
    /** [77, C] learned-looking position embedding. */
    public final Param position;
    /** [L, C] per-layer gain on the previous hidden state. */
    public final Param layerGain;
    /** [L, C] per-layer weight of the causal running mean. */
    public final Param layerMix;
    /** [L, C] per-layer bias. */
    public final Param layerBias;
    /** [C] final layer norm scale and shift. */
    public final Param normScale;

    public final Param normShift;
    /** [C, r] then [r, P]: the pooled projection, factorised to keep the file small. */
    public final Param projectionDown;

    public final Param projectionUp;

    TextEncoderWeights(WeightRandom r, int width, int layers, int pooledWidth) {
        this.width = width;
        this.layers = layers;
        this.pooledWidth = pooledWidth;
        frequency = r.logUniform(0.001, 3.0, width);
        phase = r.uniform(0, 2 * Math.PI, width);
        position = r.uniform(-0.3, 0.3, SEQUENCE_LENGTH, width);
        layerGain = r.uniform(0.9, 1.4, layers, width);
        layerMix = r.uniform(-1.0, 1.0, layers, width);
        layerBias = r.uniform(-0.1, 0.1, layers, width);
        normScale = r.uniform(0.8, 1.2, width);
        normShift = r.uniform(-0.1, 0.1, width);
        projectionDown = r.normal(1 / Math.sqrt(width), width, POOL_RANK);
        projectionUp = r.normal(1 / Math.sqrt(POOL_RANK), POOL_RANK, pooledWidth);
    }
}
