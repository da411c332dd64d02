package dev.strobe.tiny;

import static dev.strobe.tiny.TinyArchitecture.ENCODER_HIDDEN_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.SEQUENCE_LENGTH;
import static dev.strobe.tiny.TinyArchitecture.TEXT1_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.TEXT2_WIDTH;

import dev.strobe.tiny.reference.TextEncoderMath;
import dev.strobe.tiny.reference.UnetMath;
import dev.strobe.tiny.reference.VaeDecoderMath;
import dev.strobe.tiny.weights.TinyWeights;

/**
 * The tiny model set's math in plain Java, built from the same {@link TinyWeights} as the ONNX
 * graphs: tests use it to check the graphs numerically and to predict the final latent and image of
 * a whole sampling run. One batch item at a time; latents are [4, h, w] and images [3, 8h, 8w],
 * channel-major float arrays. The formulas are documented on {@link TextEncoderMath},
 * {@link UnetMath} and {@link VaeDecoderMath}.
 *
 * <p>Immutable; safe to share between threads. Plain loops: at a 32x32 latent, cleanLatent takes
 * about 0.1-0.4 s, residual 0.6 s and vaeDecode 0.35 s; at 128x128 (1024x1024 pixels) about 1 s,
 * 3 s and 4 s. {@link #eulerFinalLatent} needs only one cleanLatent.
 */
public final class TinyModelReference {
    public static final int TEXT1_HIDDEN_LAYER = TinyArchitecture.TEXT1_HIDDEN_LAYER;
    public static final int TEXT2_HIDDEN_LAYER = TinyArchitecture.TEXT2_HIDDEN_LAYER;

    private final TextEncoderMath text1;
    private final TextEncoderMath text2;
    private final UnetMath unet;
    private final VaeDecoderMath vae;

    public TinyModelReference(TinyWeights weights, TinyModelSpec spec) {
        text1 = new TextEncoderMath(weights.textEncoder1);
        text2 = new TextEncoderMath(weights.textEncoder2);
        unet = new UnetMath(weights.unet, weights.sigmas, spec.predictsSample(), spec.previewBlur());
        vae = new VaeDecoderMath(weights.vae);
    }

    /** The reference for the model {@code spec} of the set generated from {@code seed}. */
    public static TinyModelReference of(long seed, TinyModelSpec spec) {
        return new TinyModelReference(TinyWeights.generate(seed), spec);
    }

    /**
     * text_encoder on 77 ids: {@code [0]} = hidden_states.11 [77*768], {@code [1]} = pooler_output
     * [768] (see {@link TextEncoderMath}).
     */
    public float[][] textEncoder1(long[] ids) {
        float[][] hidden = text1.hiddenStates(ids);
        float[] pooled = text1.pooled(text1.lastHiddenState(hidden[hidden.length - 1]), ids);
        return new float[][] {hidden[TEXT1_HIDDEN_LAYER], pooled};
    }

    /**
     * text_encoder_2 on 77 ids: {@code [0]} = hidden_states.31 [77*1280], {@code [1]} = text_embeds
     * [1280].
     */
    public float[][] textEncoder2(long[] ids) {
        float[][] hidden = text2.hiddenStates(ids);
        float[] pooled = text2.pooled(text2.lastHiddenState(hidden[hidden.length - 1]), ids);
        return new float[][] {hidden[TEXT2_HIDDEN_LAYER], pooled};
    }

    /** Every hidden state of text_encoder ([0] = hidden_states.0 .. [12]), plus last_hidden_state last. */
    public float[][] textEncoder1AllOutputs(long[] ids) {
        return allOutputs(text1, ids);
    }

    /** Every hidden state of text_encoder_2 ([0] .. [32]), plus last_hidden_state last. */
    public float[][] textEncoder2AllOutputs(long[] ids) {
        return allOutputs(text2, ids);
    }

    private static float[][] allOutputs(TextEncoderMath m, long[] ids) {
        float[][] hidden = m.hiddenStates(ids);
        float[][] out = java.util.Arrays.copyOf(hidden, hidden.length + 1);
        out[hidden.length] = m.lastHiddenState(hidden[hidden.length - 1]);
        return out;
    }

    /**
     * encoder_hidden_states [77*2048] = per position, the 768 channels of hidden_states.11 then the
     * 1280 of hidden_states.31 (SDXL's concatenation along the last axis).
     */
    public static float[] encoderHiddenStates(float[] hidden1, float[] hidden2) {
        float[] out = new float[SEQUENCE_LENGTH * ENCODER_HIDDEN_WIDTH];
        for (int p = 0; p < SEQUENCE_LENGTH; p++) {
            System.arraycopy(hidden1, p * TEXT1_WIDTH, out, p * ENCODER_HIDDEN_WIDTH, TEXT1_WIDTH);
            System.arraycopy(hidden2, p * TEXT2_WIDTH, out, p * ENCODER_HIDDEN_WIDTH + TEXT1_WIDTH, TEXT2_WIDTH);
        }
        return out;
    }

    /** The UNet's sigma for a (possibly fractional) timestep: TrainingSchedule.sigmaAt in float. */
    public float sigma(float timestep) {
        return unet.sigma(timestep);
    }

    /** kappa(sigma) = 0.09 / (0.09 + sigma^2): the weight of x in the x0 estimate. */
    public float kappa(float sigma) {
        return unet.kappa(sigma);
    }

    /** beta(sigma) = clamp((sigma - 1.7) / 4.3, 0, 1) for epsilon models, 0 for the 1-step model. */
    public float beta(float sigma) {
        return unet.beta(sigma);
    }

    /** The prompt's clean latent x* [4*h*w], bounded by 1.5 (see {@link UnetMath#cleanLatent}). */
    public float[] cleanLatent(float[] encoderHiddenStates, float[] textEmbeds, float[] timeIds, int h, int w) {
        return unet.cleanLatent(encoderHiddenStates, textEmbeds, timeIds, h, w);
    }

    /** Every 8x8 cell of x* replaced by its mean (h, w multiples of 8). */
    public float[] blur(float[] cleanLatent, int h, int w) {
        return unet.blur(cleanLatent, h, w);
    }

    /**
     * The x0 estimate without the residual: x* + kappa(sigma) (x - x*) + beta(sigma) (blur(x*) - x*),
     * for the unscaled latent x (the pipeline's x_k, not the UNet input x_k / sqrt(sigma^2 + 1)).
     */
    public float[] x0Target(float[] x, float sigma, float[] cleanLatent, int h, int w) {
        float[] blur = beta(sigma) > 0 ? blur(cleanLatent, h, w) : cleanLatent;
        return unet.target(x, sigma, cleanLatent, blur);
    }

    /** The UNet's residual term 1e-4 tanh(R(sample, t)) [4*h*w]. */
    public float[] residual(float[] sample, float timestep, int h, int w) {
        return unet.residual(sample, timestep, h, w);
    }

    /** The UNet's out_sample for one item, residual included. */
    public float[] unet(
            float[] sample,
            float timestep,
            float[] encoderHiddenStates,
            float[] textEmbeds,
            float[] timeIds,
            int h,
            int w) {
        return unet.output(sample, timestep, encoderHiddenStates, textEmbeds, timeIds, h, w);
    }

    /**
     * The final latent of an Euler run (docs/design/REFERENCE.md section 2) with this UNet, simulated per element
     * without the residual: for k = 0..n-1, x0_k = x0Target(x_k, sigma_k), x_{k+1} = x_k + (x_k -
     * x0_k) / sigma_k * (sigma_{k+1} - sigma_k). The result is x0 of the last step, i.e. x* +
     * kappa(sigma_last) (x_last - x*). The UNet's residual moves the true result by at most about
     * 1e-4 * sigma per step (see the tests for the tolerance).
     *
     * @param initialLatent x_0 = sigmas[0] * noise [4*h*w]
     * @param sigmas the schedule, ending with 0 (n + 1 values)
     */
    public float[] eulerFinalLatent(float[] cleanLatent, float[] initialLatent, float[] sigmas, int h, int w) {
        float[] blur = beta(sigmas[0]) > 0 ? blur(cleanLatent, h, w) : cleanLatent;
        float[] x = initialLatent.clone();
        float[] x0 = x;
        for (int k = 0; k + 1 < sigmas.length; k++) {
            x0 = unet.target(x, sigmas[k], cleanLatent, blur);
            float ratio = sigmas[k + 1] - sigmas[k];
            for (int i = 0; i < x.length; i++) {
                x[i] = x[i] + (x[i] - x0[i]) / sigmas[k] * ratio;
            }
        }
        return x0;
    }

    /**
     * vae_decoder on latent_sample (the pipeline's latent already divided by 0.13025) of [4*h*w]:
     * an image [3*8h*8w] in about [-1, 1] (see {@link VaeDecoderMath}).
     */
    public float[] vaeDecode(float[] latentSample, int h, int w) {
        return vae.decode(latentSample, h, w);
    }
}
