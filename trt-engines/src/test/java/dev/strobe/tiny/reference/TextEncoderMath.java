package dev.strobe.tiny.reference;

import static dev.strobe.tiny.TinyArchitecture.NORM_EPSILON;
import static dev.strobe.tiny.TinyArchitecture.POOL_RANK;
import static dev.strobe.tiny.TinyArchitecture.SEQUENCE_LENGTH;

import dev.strobe.tiny.weights.TextEncoderWeights;

/**
 * The tiny text encoder in plain Java, for one sequence of 77 ids. With C channels and L layers:
 * <pre>
 * h0[p, c]  = sin(id[p] * a[c] + b[c]) + pos[p, c]                      (hidden_states.0)
 * m[p, c]   = (h0[0, c] + ... + h0[p, c]) / (p + 1)                     causal running mean
 * hk[p, c]  = tanh(hk-1[p, c] * gain[k, c] + m[p, c] * mix[k, c] + bias[k, c])   k = 1..L
 * last      = LayerNorm(hL) * scale + shift  over c, epsilon 1e-5      (last_hidden_state)
 * e         = first p with id[p] = max(id), i.e. the first <|endoftext|>
 * pooled    = last[e] @ down[C, 64] @ up[64, P]                         (pooler_output / text_embeds)
 * </pre>
 * The running mean lets positions after the prompt carry a summary of it, as CLIP's causal
 * attention does, so every position of the hidden states depends on the prompt.
 * Float rounding follows the ONNX graph node by node. Stateless after construction.
 */
public final class TextEncoderMath {
    private final TextEncoderWeights w;

    public TextEncoderMath(TextEncoderWeights w) {
        this.w = w;
    }

    public int width() {
        return w.width;
    }

    /** hidden_states.0 .. hidden_states.L, each [77 * C] (row-major [position, channel]). */
    public float[][] hiddenStates(long[] ids) {
        if (ids.length != SEQUENCE_LENGTH) {
            throw new IllegalArgumentException("need " + SEQUENCE_LENGTH + " token ids, got " + ids.length);
        }
        int c = w.width;
        float[][] hidden = new float[w.layers + 1][SEQUENCE_LENGTH * c];
        float[] h0 = hidden[0];
        for (int p = 0; p < SEQUENCE_LENGTH; p++) {
            float id = ids[p];
            for (int j = 0; j < c; j++) {
                float arg = id * w.frequency.get(j) + w.phase.get(j);
                h0[p * c + j] = (float) Math.sin(arg) + w.position.get(p * c + j);
            }
        }
        float[] mean = new float[SEQUENCE_LENGTH * c];
        for (int j = 0; j < c; j++) {
            float sum = 0f;
            for (int p = 0; p < SEQUENCE_LENGTH; p++) {
                sum += h0[p * c + j];
                mean[p * c + j] = sum / (float) (p + 1);
            }
        }
        for (int k = 1; k <= w.layers; k++) {
            float[] prev = hidden[k - 1];
            float[] cur = hidden[k];
            for (int p = 0; p < SEQUENCE_LENGTH; p++) {
                for (int j = 0; j < c; j++) {
                    int i = p * c + j;
                    int wi = (k - 1) * c + j;
                    float a = prev[i] * w.layerGain.get(wi);
                    float b = mean[i] * w.layerMix.get(wi);
                    cur[i] = FloatKernels.tanh((a + b) + w.layerBias.get(wi));
                }
            }
        }
        return hidden;
    }

    /** last_hidden_state [77 * C] from the last hidden state hL. */
    public float[] lastHiddenState(float[] lastLayer) {
        int c = w.width;
        float[] out = new float[SEQUENCE_LENGTH * c];
        for (int p = 0; p < SEQUENCE_LENGTH; p++) {
            double mu = 0;
            for (int j = 0; j < c; j++) {
                mu += lastLayer[p * c + j];
            }
            mu /= c;
            double var = 0;
            for (int j = 0; j < c; j++) {
                double d = lastLayer[p * c + j] - mu;
                var += d * d;
            }
            var /= c;
            double inv = 1.0 / Math.sqrt(var + NORM_EPSILON);
            for (int j = 0; j < c; j++) {
                out[p * c + j] = (float) ((lastLayer[p * c + j] - mu) * inv * w.normScale.get(j) + w.normShift.get(j));
            }
        }
        return out;
    }

    /** The position of the first largest id: the first {@code <|endoftext|>} of a CLIP sequence. */
    public static int endOfText(long[] ids) {
        int best = 0;
        for (int p = 1; p < ids.length; p++) {
            if (ids[p] > ids[best]) {
                best = p;
            }
        }
        return best;
    }

    /** pooler_output / text_embeds [P] from last_hidden_state. */
    public float[] pooled(float[] lastHiddenState, long[] ids) {
        int c = w.width;
        int e = endOfText(ids);
        float[] row = java.util.Arrays.copyOfRange(lastHiddenState, e * c, (e + 1) * c);
        float[] down = FloatKernels.matMul(row, 1, c, w.projectionDown.data(), POOL_RANK);
        return FloatKernels.matMul(down, 1, POOL_RANK, w.projectionUp.data(), w.pooledWidth);
    }
}
