package dev.strobe.tiny.reference;

import static dev.strobe.tiny.TinyArchitecture.ATTENTION_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.BLUR_CELL;
import static dev.strobe.tiny.TinyArchitecture.BLUR_SIGMA_LOW;
import static dev.strobe.tiny.TinyArchitecture.BLUR_SIGMA_SPAN;
import static dev.strobe.tiny.TinyArchitecture.ENCODER_HIDDEN_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.FEATURE_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.LATENT_BOUND;
import static dev.strobe.tiny.TinyArchitecture.LATENT_CHANNELS;
import static dev.strobe.tiny.TinyArchitecture.NORM_EPSILON;
import static dev.strobe.tiny.TinyArchitecture.POSITION_FEATURES;
import static dev.strobe.tiny.TinyArchitecture.PRIOR_STD;
import static dev.strobe.tiny.TinyArchitecture.RESIDUAL_SCALE;
import static dev.strobe.tiny.TinyArchitecture.RESIDUAL_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.SEQUENCE_LENGTH;
import static dev.strobe.tiny.TinyArchitecture.TEXT_EMBEDS_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.TIME_FREQUENCIES;
import static dev.strobe.tiny.TinyArchitecture.TIME_HIDDEN;
import static dev.strobe.tiny.TinyArchitecture.TIME_IDS;
import static dev.strobe.tiny.TinyArchitecture.TIME_ID_SCALE;

import dev.strobe.tiny.reference.FloatKernels.Padding;
import dev.strobe.tiny.weights.Param;
import dev.strobe.tiny.weights.SigmaTable;
import dev.strobe.tiny.weights.UnetWeights;

/**
 * The tiny UNet in plain Java, for one batch item (the graph never mixes items). Latents are
 * [4, h, w], channel-major. The UNet is an ideal Gaussian denoiser around a prompt-dependent
 * clean latent x*, plus a tiny learned-looking residual:
 * <pre>
 * sigma    = sigmaTable(t)                                    (log-linear in t, see SigmaTable)
 * x        = sample * sqrt(sigma^2 + 1)                       (undo the pipeline's input scaling)
 * kappa    = s^2 / (s^2 + sigma^2), s = 0.3                   (posterior weight of x)
 * beta     = clamp((sigma - 1.7) / 4.3, 0, 1), or 0 without preview blur
 * blur     = nearest-upsample-x8(average-pool-8x8(x*))
 * target   = x* + kappa (x - x*) + beta (blur - x*)            (the x0 estimate)
 * residual = 1e-4 tanh(R(sample, t))
 * out      = (x - target) / sigma + residual   (epsilon)   |   target + residual   (sample)
 * </pre>
 * Stateless after construction; safe from any thread.
 */
public final class UnetMath {
    private static final float ATTENTION_SCALE = (float) (1 / Math.sqrt(ATTENTION_WIDTH));

    private final UnetWeights w;
    private final SigmaTable table;
    private final boolean predictsSample;
    private final boolean previewBlur;

    public UnetMath(UnetWeights w, SigmaTable table, boolean predictsSample, boolean previewBlur) {
        this.w = w;
        this.table = table;
        this.predictsSample = predictsSample;
        this.previewBlur = previewBlur;
    }

    /** sigma(t): see {@link SigmaTable#sigmaAt(float)}. */
    public float sigma(float timestep) {
        return table.sigmaAt(timestep);
    }

    /** kappa(sigma) = s^2 / (s^2 + sigma^2) with s = PRIOR_STD = 0.3. */
    public float kappa(float sigma) {
        float prior = PRIOR_STD * PRIOR_STD;
        return prior / (prior + sigma * sigma);
    }

    /** beta(sigma) = clamp((sigma - 1.7) / (6.0 - 1.7), 0, 1) with preview blur, else 0. */
    public float beta(float sigma) {
        return previewBlur ? FloatKernels.clamp((sigma - BLUR_SIGMA_LOW) / BLUR_SIGMA_SPAN, 0f, 1f) : 0f;
    }

    /**
     * The clean latent x* [4, h, w]:
     * <pre>
     * u = (j + 0.5) / w,  v = (i + 0.5) / h                            normalised pixel centre
     * f[k]   = sin(u fx[k] + v fy[k] + phi[k])                        16 position features
     * q      = f @ Wq + bq                                            [32] query per pixel
     * K, V   = E @ Wk, E @ Wv                                         [77, 32] from encoder_hidden_states E
     * z      = softmax(q K^T / sqrt(32)) V                            [32] per pixel
     * z      = InstanceNorm(z) (per channel over pixels, eps 1e-5) * gz + bz
     * n      = time_ids / 1024
     * y      = z * (1 + T @ Ag + n @ Bg + cg) + (T @ As + n @ Bs + cs)   FiLM from text_embeds T
     * y      = conv3(silu(conv2(silu(conv1(y)))))                     3x3, edge padded, 32-32-32-4
     * x*     = 1.5 tanh(y)
     * </pre>
     */
    public float[] cleanLatent(float[] encoderHiddenStates, float[] textEmbeds, float[] timeIds, int h, int wd) {
        check(encoderHiddenStates, SEQUENCE_LENGTH * ENCODER_HIDDEN_WIDTH, "encoder_hidden_states");
        check(textEmbeds, TEXT_EMBEDS_WIDTH, "text_embeds");
        check(timeIds, TIME_IDS, "time_ids");
        int hw = h * wd;
        float[] features = new float[hw * POSITION_FEATURES];
        for (int i = 0; i < h; i++) {
            float v = ((float) i + 0.5f) / (float) h;
            for (int j = 0; j < wd; j++) {
                float u = ((float) j + 0.5f) / (float) wd;
                for (int k = 0; k < POSITION_FEATURES; k++) {
                    float phase = (u * w.featureFreqX.get(k) + v * w.featureFreqY.get(k)) + w.featurePhase.get(k);
                    features[(i * wd + j) * POSITION_FEATURES + k] = (float) Math.sin(phase);
                }
            }
        }
        float[] q = FloatKernels.matMul(features, hw, POSITION_FEATURES, w.query.data(), ATTENTION_WIDTH);
        for (int p = 0; p < hw; p++) {
            for (int d = 0; d < ATTENTION_WIDTH; d++) {
                q[p * ATTENTION_WIDTH + d] += w.queryBias.get(d);
            }
        }
        float[] keys = FloatKernels.matMul(
                encoderHiddenStates, SEQUENCE_LENGTH, ENCODER_HIDDEN_WIDTH, w.key.data(), ATTENTION_WIDTH);
        float[] values = FloatKernels.matMul(
                encoderHiddenStates, SEQUENCE_LENGTH, ENCODER_HIDDEN_WIDTH, w.value.data(), FEATURE_WIDTH);
        float[] z = attend(q, keys, values, hw);
        instanceNorm(z, hw, w.attentionNormScale, w.attentionNormShift);

        float[] scaledIds = new float[TIME_IDS];
        for (int i = 0; i < TIME_IDS; i++) {
            scaledIds[i] = timeIds[i] * TIME_ID_SCALE;
        }
        float[] scale = film(textEmbeds, scaledIds, w.filmScaleText, w.filmScaleTime, w.filmScaleBias);
        float[] shift = film(textEmbeds, scaledIds, w.filmShiftText, w.filmShiftTime, w.filmShiftBias);
        for (int f = 0; f < FEATURE_WIDTH; f++) {
            float s = scale[f] + 1f;
            for (int p = 0; p < hw; p++) {
                z[f * hw + p] = z[f * hw + p] * s + shift[f];
            }
        }
        float[] y1 = FloatKernels.conv(z, h, wd, w.conv1, w.conv1Bias, Padding.EDGE);
        FloatKernels.siluInPlace(y1);
        float[] y2 = FloatKernels.conv(y1, h, wd, w.conv2, w.conv2Bias, Padding.EDGE);
        FloatKernels.siluInPlace(y2);
        float[] y3 = FloatKernels.conv(y2, h, wd, w.conv3, w.conv3Bias, Padding.EDGE);
        for (int i = 0; i < y3.length; i++) {
            y3[i] = FloatKernels.tanh(y3[i]) * LATENT_BOUND;
        }
        return y3;
    }

    /** softmax(q K^T / sqrt(D)) V for every pixel; returns [F, hw] (channel-major). */
    private static float[] attend(float[] q, float[] keys, float[] values, int hw) {
        float[] out = new float[FEATURE_WIDTH * hw];
        float[] scores = new float[SEQUENCE_LENGTH];
        double[] weights = new double[SEQUENCE_LENGTH];
        for (int p = 0; p < hw; p++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < SEQUENCE_LENGTH; t++) {
                double dot = 0;
                for (int d = 0; d < ATTENTION_WIDTH; d++) {
                    dot += (double) q[p * ATTENTION_WIDTH + d] * keys[t * ATTENTION_WIDTH + d];
                }
                scores[t] = (float) dot * ATTENTION_SCALE;
                max = Math.max(max, scores[t]);
            }
            double sum = 0;
            for (int t = 0; t < SEQUENCE_LENGTH; t++) {
                weights[t] = Math.exp(scores[t] - max);
                sum += weights[t];
            }
            for (int f = 0; f < FEATURE_WIDTH; f++) {
                double acc = 0;
                for (int t = 0; t < SEQUENCE_LENGTH; t++) {
                    acc += (float) (weights[t] / sum) * (double) values[t * FEATURE_WIDTH + f];
                }
                out[f * hw + p] = (float) acc;
            }
        }
        return out;
    }

    /** Per channel: (v - mean) / sqrt(variance + 1e-5) * scale + shift, over the h*w pixels. */
    private static void instanceNorm(float[] v, int hw, Param scale, Param shift) {
        for (int c = 0; c < v.length / hw; c++) {
            double mu = 0;
            for (int p = 0; p < hw; p++) {
                mu += v[c * hw + p];
            }
            mu /= hw;
            double var = 0;
            for (int p = 0; p < hw; p++) {
                double d = v[c * hw + p] - mu;
                var += d * d;
            }
            var /= hw;
            double inv = 1.0 / Math.sqrt(var + NORM_EPSILON);
            for (int p = 0; p < hw; p++) {
                v[c * hw + p] = (float) ((v[c * hw + p] - mu) * inv * scale.get(c) + shift.get(c));
            }
        }
    }

    private static float[] film(float[] textEmbeds, float[] scaledIds, Param text, Param time, Param bias) {
        float[] a = FloatKernels.matMul(textEmbeds, 1, TEXT_EMBEDS_WIDTH, text.data(), FEATURE_WIDTH);
        float[] b = FloatKernels.matMul(scaledIds, 1, TIME_IDS, time.data(), FEATURE_WIDTH);
        float[] out = new float[FEATURE_WIDTH];
        for (int f = 0; f < FEATURE_WIDTH; f++) {
            out[f] = (a[f] + b[f]) + bias.get(f);
        }
        return out;
    }

    /**
     * blur = nearest-upsample-x8(average-pool-8x8(x*)): every 8x8 cell of the latent replaced by its
     * mean. h and w must be multiples of 8 (they are for image sizes that are multiples of 64).
     */
    public float[] blur(float[] clean, int h, int wd) {
        if (h % BLUR_CELL != 0 || wd % BLUR_CELL != 0) {
            throw new IllegalArgumentException("latent " + h + "x" + wd + " is not a multiple of " + BLUR_CELL);
        }
        int hw = h * wd;
        float[] out = new float[clean.length];
        for (int c = 0; c < clean.length / hw; c++) {
            for (int cy = 0; cy < h; cy += BLUR_CELL) {
                for (int cx = 0; cx < wd; cx += BLUR_CELL) {
                    double sum = 0;
                    for (int y = cy; y < cy + BLUR_CELL; y++) {
                        for (int x = cx; x < cx + BLUR_CELL; x++) {
                            sum += clean[c * hw + y * wd + x];
                        }
                    }
                    float mean = (float) (sum / (BLUR_CELL * BLUR_CELL));
                    for (int y = cy; y < cy + BLUR_CELL; y++) {
                        for (int x = cx; x < cx + BLUR_CELL; x++) {
                            out[c * hw + y * wd + x] = mean;
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * target = x* + kappa(sigma) (x - x*) + beta(sigma) (blur - x*), elementwise; {@code blur} may
     * be null when beta(sigma) is 0.
     */
    public float[] target(float[] x, float sigma, float[] clean, float[] blur) {
        float kappa = kappa(sigma);
        float beta = beta(sigma);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = clean[i] + kappa * (x[i] - clean[i]);
            if (previewBlur) {
                out[i] = out[i] + beta * (blur[i] - clean[i]);
            }
        }
        return out;
    }

    /**
     * residual = 1e-4 tanh(R), where r_0 = sample, r_{l+1} = silu(conv_l(r_l) * (1 + g_l)) for
     * l = 0..RESIDUAL_DEPTH, R = conv_out(r_last); 3x3 zero-padded convolutions 4-64-...-64-4;
     * g_l = m @ S_l + s_l with m = silu([sin(t f), cos(t f)] @ W + b) (16 frequencies
     * f_k = 1000^(-k/16), 64 hidden); t is the clamped timestep.
     */
    public float[] residual(float[] sample, float timestep, int h, int wd) {
        float t = FloatKernels.clamp(timestep, 0f, table.size() - 1);
        float[] embedding = new float[2 * TIME_FREQUENCIES];
        for (int k = 0; k < TIME_FREQUENCIES; k++) {
            float angle = t * w.timeFrequency.get(k);
            embedding[k] = (float) Math.sin(angle);
            embedding[TIME_FREQUENCIES + k] = (float) Math.cos(angle);
        }
        float[] hidden = FloatKernels.matMul(embedding, 1, 2 * TIME_FREQUENCIES, w.timeHidden.data(), TIME_HIDDEN);
        for (int i = 0; i < TIME_HIDDEN; i++) {
            hidden[i] = FloatKernels.silu(hidden[i] + w.timeHiddenBias.get(i));
        }
        float[] r = sample;
        for (int l = 0; l < w.residual.size(); l++) {
            float[] g = FloatKernels.matMul(
                    hidden, 1, TIME_HIDDEN, w.timeScale.get(l).data(), RESIDUAL_WIDTH);
            r = FloatKernels.conv(r, h, wd, w.residual.get(l), w.residualBias.get(l), Padding.ZERO);
            modulate(r, g, w.timeScaleBias.get(l), h * wd);
        }
        float[] r3 = FloatKernels.conv(r, h, wd, w.residualOut, w.residualOutBias, Padding.ZERO);
        for (int i = 0; i < r3.length; i++) {
            r3[i] = FloatKernels.tanh(r3[i]) * RESIDUAL_SCALE;
        }
        return r3;
    }

    private static void modulate(float[] v, float[] g, Param bias, int hw) {
        for (int c = 0; c < g.length; c++) {
            float s = (g[c] + bias.get(c)) + 1f;
            for (int p = 0; p < hw; p++) {
                v[c * hw + p] = FloatKernels.silu(v[c * hw + p] * s);
            }
        }
    }

    /** out_sample for one item: see the class comment. */
    public float[] output(
            float[] sample,
            float timestep,
            float[] encoderHiddenStates,
            float[] textEmbeds,
            float[] timeIds,
            int h,
            int wd) {
        check(sample, LATENT_CHANNELS * h * wd, "sample");
        float sigma = sigma(timestep);
        float inputScale = (float) Math.sqrt(sigma * sigma + 1f);
        float[] x = new float[sample.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = sample[i] * inputScale;
        }
        float[] clean = cleanLatent(encoderHiddenStates, textEmbeds, timeIds, h, wd);
        float[] target = target(x, sigma, clean, previewBlur ? blur(clean, h, wd) : null);
        float[] residual = residual(sample, timestep, h, wd);
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = predictsSample ? target[i] + residual[i] : (x[i] - target[i]) / sigma + residual[i];
        }
        return out;
    }

    private static void check(float[] v, int n, String what) {
        if (v.length != n) {
            throw new IllegalArgumentException(what + " needs " + n + " values, got " + v.length);
        }
    }
}
