package dev.strobe.tiny.weights;

import static dev.strobe.tiny.TinyArchitecture.ATTENTION_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.ENCODER_HIDDEN_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.FEATURE_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.LATENT_CHANNELS;
import static dev.strobe.tiny.TinyArchitecture.POSITION_FEATURES;
import static dev.strobe.tiny.TinyArchitecture.RESIDUAL_DEPTH;
import static dev.strobe.tiny.TinyArchitecture.RESIDUAL_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.TEXT_EMBEDS_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.TIME_FREQUENCIES;
import static dev.strobe.tiny.TinyArchitecture.TIME_HIDDEN;
import static dev.strobe.tiny.TinyArchitecture.TIME_IDS;

import java.util.ArrayList;
import java.util.List;

/**
 * Weights of the tiny UNet (see {@code UnetMath} for the formulas). K = POSITION_FEATURES,
 * D = ATTENTION_WIDTH, F = FEATURE_WIDTH, R = RESIDUAL_WIDTH.
 */
public final class UnetWeights {
    // clean latent: position features sin(u * fx_k + v * fy_k + phi_k)
    /** [K] radians per unit of normalised x. */
    public final Param featureFreqX;
    /** [K] radians per unit of normalised y. */
    public final Param featureFreqY;
    /** [K] */
    public final Param featurePhase;
    /** [K, D] and [D]: queries from position features. */
    public final Param query;

    public final Param queryBias;
    /** [2048, D]: keys from encoder_hidden_states. */
    public final Param key;
    /** [2048, F]: values from encoder_hidden_states. */
    public final Param value;
    /** [F] scale and shift of the instance norm after attention. */
    public final Param attentionNormScale;

    public final Param attentionNormShift;
    /** FiLM scale: [1280, F] from text_embeds, [6, F] from scaled time_ids, [F] bias. */
    public final Param filmScaleText;

    public final Param filmScaleTime;
    public final Param filmScaleBias;
    /** FiLM shift, same shapes. */
    public final Param filmShiftText;

    public final Param filmShiftTime;
    public final Param filmShiftBias;
    /** 3x3 convolutions F -> F -> F -> 4 (edge padded) with biases. */
    public final Param conv1;

    public final Param conv1Bias;
    public final Param conv2;
    public final Param conv2Bias;
    public final Param conv3;
    public final Param conv3Bias;

    // residual network
    /** [TIME_FREQUENCIES] angular frequencies of the sinusoidal timestep embedding. */
    public final Param timeFrequency;
    /** [2*TIME_FREQUENCIES, TIME_HIDDEN], [TIME_HIDDEN]. */
    public final Param timeHidden;

    public final Param timeHiddenBias;
    /**
     * [TIME_HIDDEN, R] and [R] per modulated residual layer (the input layer and each hidden one):
     * FiLM scales from the timestep embedding.
     */
    public final List<Param> timeScale;

    public final List<Param> timeScaleBias;
    /** 3x3 convolutions, zero padded, with biases: 4 -> R, then RESIDUAL_DEPTH times R -> R. */
    public final List<Param> residual;

    public final List<Param> residualBias;
    /** 3x3 convolution R -> 4, zero padded, with bias. */
    public final Param residualOut;

    public final Param residualOutBias;

    UnetWeights(WeightRandom r) {
        featureFreqX = r.uniform(-2 * Math.PI, 2 * Math.PI, POSITION_FEATURES);
        featureFreqY = r.uniform(-2 * Math.PI, 2 * Math.PI, POSITION_FEATURES);
        featurePhase = r.uniform(0, 2 * Math.PI, POSITION_FEATURES);
        query = r.normal(2.0 / Math.sqrt(POSITION_FEATURES), POSITION_FEATURES, ATTENTION_WIDTH);
        queryBias = r.normal(0.3, ATTENTION_WIDTH);
        key = r.normal(2.0 / Math.sqrt(ENCODER_HIDDEN_WIDTH), ENCODER_HIDDEN_WIDTH, ATTENTION_WIDTH);
        value = r.normal(2.0 / Math.sqrt(ENCODER_HIDDEN_WIDTH), ENCODER_HIDDEN_WIDTH, FEATURE_WIDTH);
        attentionNormScale = r.uniform(0.8, 1.2, FEATURE_WIDTH);
        attentionNormShift = r.normal(0.1, FEATURE_WIDTH);
        filmScaleText = r.normal(0.6 / Math.sqrt(TEXT_EMBEDS_WIDTH), TEXT_EMBEDS_WIDTH, FEATURE_WIDTH);
        filmScaleTime = r.normal(0.1, TIME_IDS, FEATURE_WIDTH);
        filmScaleBias = r.normal(0.05, FEATURE_WIDTH);
        filmShiftText = r.normal(0.8 / Math.sqrt(TEXT_EMBEDS_WIDTH), TEXT_EMBEDS_WIDTH, FEATURE_WIDTH);
        filmShiftTime = r.normal(0.1, TIME_IDS, FEATURE_WIDTH);
        filmShiftBias = r.normal(0.05, FEATURE_WIDTH);
        conv1 = r.smoothConv3x3(FEATURE_WIDTH, FEATURE_WIDTH, 1.5, 0.2);
        conv1Bias = r.normal(0.1, FEATURE_WIDTH);
        conv2 = r.smoothConv3x3(FEATURE_WIDTH, FEATURE_WIDTH, 1.5, 0.2);
        conv2Bias = r.normal(0.1, FEATURE_WIDTH);
        conv3 = r.smoothConv3x3(LATENT_CHANNELS, FEATURE_WIDTH, 2.0, 0.2);
        conv3Bias = r.normal(0.1, LATENT_CHANNELS);

        float[] f = new float[TIME_FREQUENCIES];
        for (int k = 0; k < f.length; k++) {
            f[k] = (float) StrictMath.exp(-StrictMath.log(1000.0) * k / TIME_FREQUENCIES);
        }
        timeFrequency = new Param(f, TIME_FREQUENCIES);
        timeHidden = r.normal(1 / Math.sqrt(2 * TIME_FREQUENCIES), 2 * TIME_FREQUENCIES, TIME_HIDDEN);
        timeHiddenBias = r.normal(0.1, TIME_HIDDEN);
        int layers = RESIDUAL_DEPTH + 1;
        List<Param> scales = new ArrayList<>();
        List<Param> scaleBiases = new ArrayList<>();
        List<Param> convs = new ArrayList<>();
        List<Param> convBiases = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? LATENT_CHANNELS : RESIDUAL_WIDTH;
            scales.add(r.normal(0.5 / Math.sqrt(TIME_HIDDEN), TIME_HIDDEN, RESIDUAL_WIDTH));
            scaleBiases.add(r.normal(0.05, RESIDUAL_WIDTH));
            convs.add(r.normal(Math.sqrt(2 / (in * 9.0)), RESIDUAL_WIDTH, in, 3, 3));
            convBiases.add(r.normal(0.1, RESIDUAL_WIDTH));
        }
        timeScale = List.copyOf(scales);
        timeScaleBias = List.copyOf(scaleBiases);
        residual = List.copyOf(convs);
        residualBias = List.copyOf(convBiases);
        // R of order 1, so the residual uses most of its 1e-4 range
        residualOut = r.normal(5 / Math.sqrt(RESIDUAL_WIDTH * 9.0), LATENT_CHANNELS, RESIDUAL_WIDTH, 3, 3);
        residualOutBias = r.normal(0.1, LATENT_CHANNELS);
    }
}
