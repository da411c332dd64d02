package dev.strobe.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.strobe.pipeline.conditioning.TimeIds;
import dev.strobe.pipeline.fidelity.FidelityFixture;
import dev.strobe.testing.TinyModelPipelines;
import dev.strobe.testing.TinyModels;
import dev.strobe.tiny.TinyModelReference;
import dev.strobe.tiny.TinyModelSpec;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production pipeline (tokenizer, ONNX Runtime engines through DJL, Euler trailing sampler,
 * seeded noise) ends on the final latent that the tiny model's plain-Java reference predicts for
 * the same prompt and seed, for every step count: an end-to-end check of tokens, conditioning,
 * schedule, input scaling and the sampler's update.
 *
 * <p>The reference does not take strobe's schedule or noise: its sigmas are diffusers'
 * ({@code fidelity/schedule.json.gz}) and its initial latent is PyTorch's
 * {@code torch.randn(generator=torch.manual_seed(1234))} ({@code fidelity/noise.json.gz}) times
 * diffusers' init_noise_sigma, both written by {@code reference/fidelity/}.
 */
class TinySamplingTest {
    /** Latent tolerance: the UNet's bounded residual (1e-4 per step) and float rounding. */
    private static final double LATENT_TOLERANCE = 2e-3;

    private static final long SEED = 1234;

    /** diffusers' trailing sigmas for {@code steps} (PyTorch's AVX2 kernel), from the fixture. */
    static float[] diffusersSigmas(int steps) {
        JsonArray table = FidelityFixture.load("schedule.json.gz")
                .root()
                .getAsJsonObject("trailing")
                .getAsJsonArray("AVX2");
        JsonObject entry = table.get(steps - 1).getAsJsonObject();
        assertEquals(steps, entry.get("steps").getAsInt());
        return FidelityFixture.floats(entry.get("sigmas").getAsString());
    }

    /** PyTorch's own draw for {@code seed} and {@code shape} (AVX2 kernel), from the fixture. */
    static float[] torchNoise(long seed, int... shape) {
        JsonObject root = FidelityFixture.load("noise.json.gz").root();
        JsonArray cases = root.getAsJsonArray("cases");
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.get(i).getAsJsonObject();
            if (c.get("seed").getAsString().equals(Long.toUnsignedString(seed))
                    && java.util.Arrays.equals(FidelityFixture.intArray(c.getAsJsonArray("shape")), shape)) {
                String hash = root.getAsJsonObject("kernels")
                        .getAsJsonArray("AVX2")
                        .get(i)
                        .getAsString();
                return FidelityFixture.floats(
                        root.getAsJsonObject("values").get(hash).getAsString());
            }
        }
        throw new IllegalStateException("noise.json.gz has no draw for seed " + seed + " shape "
                + java.util.Arrays.toString(shape) + "; add it to reference/fidelity/noise.py");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void samplingEndsOnTheReferencesPredictedLatent(int steps) {
        LoadedModel model = TinyModelPipelines.get("tiny-lightning-" + steps + "step");
        ModelPipeline pipeline = model.pipeline();
        PromptTokens tokens = model.tokenizer().tokenize("a red fox in the snow");
        Conditioning cond = pipeline.encode(List.of(tokens)).get(0);
        ImageSize size = new ImageSize(256, 192);
        LatentState state = pipeline.initialLatent(size, SEED);
        int h = 192 / 8;
        int w = 256 / 8;
        float[] sigmas = diffusersSigmas(steps);
        // diffusers' prepare_latents: torch.randn(...) * init_noise_sigma (= sigmas[0], trailing)
        float[] initial = torchNoise(SEED, 1, 4, h, w);
        for (int i = 0; i < initial.length; i++) {
            initial[i] *= sigmas[0];
        }
        // strobe's sigma 0 may be one float unit away from diffusers' (PyTorch's sqrt), no more.
        assertClose(initial, state.x(), 2.5e-7 * 14.7 * 5, "initial latent");
        while (!state.finished()) {
            pipeline.denoise(List.of(new DenoiseItem(state, cond)));
        }

        TinyModelReference ref = TinyModelReference.of(TinyModels.SEED, TinyModelSpec.lightning(steps));
        float[][] t1 = ref.textEncoder1(tokens.ids1());
        float[][] t2 = ref.textEncoder2(tokens.ids2());
        float[] hidden = TinyModelReference.encoderHiddenStates(t1[0], t2[0]);
        assertClose(hidden, cond.hiddenStates(), 1e-4, "encoder_hidden_states");
        assertClose(t2[1], cond.pooled(), 1e-4, "text_embeds");
        float[] clean = ref.cleanLatent(hidden, t2[1], TimeIds.of(192, 256), h, w);
        float[] expected = ref.eulerFinalLatent(clean, initial, sigmas, h, w);
        assertClose(expected, state.x0(), LATENT_TOLERANCE, steps + "-step final latent");

        // Ending "on the analytic latent": the final is x* plus the ideal denoiser's small,
        // seed-dependent share of the last noisy latent (kappa(sigma_last) = 0.3^2 / (0.3^2 + sigma^2)).
        double rms = rms(expected, clean);
        assertTrue(rms < 0.25, "final latent within 0.25 rms of the clean latent, was " + rms);
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(max <= tolerance, what + ": max abs difference " + max + " > " + tolerance);
    }

    private static double rms(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s / a.length);
    }
}
