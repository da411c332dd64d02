package dev.strobe.pipeline.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.strobe.model.TrainingSchedule;
import dev.strobe.pipeline.fidelity.FidelityFixture;
import dev.strobe.pipeline.noise.TorchCpuNoise;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * strobe's schedules and Euler steps against {@code fidelity/schedule.json.gz}, written by
 * {@code reference/fidelity/schedule.py} from diffusers' EulerDiscreteScheduler (trailing, SDXL's
 * config) and from a torch transcription of ComfyUI's sgm_uniform.
 */
class DiffusersScheduleFixtureTest {
    private static final TrainingSchedule SDXL = TrainingSchedule.sdxl();
    private static FidelityFixture fixture;

    @BeforeAll
    static void load() {
        fixture = FidelityFixture.load("schedule.json.gz");
    }

    /** The kernel the generator ran the Euler runs and sgm_uniform on. */
    private static String runKernel() {
        return fixture.header().get("runs_and_sgm_kernel").getAsString();
    }

    private static float[] f32(JsonObject o, String key) {
        return FidelityFixture.floats(o.get(key).getAsString());
    }

    private static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * Timesteps and init_noise_sigma exactly, sigmas within {@code maxUlps} per kernel; step counts
     * diffusers cannot run as asked are refused. Returns {differing sigmas, compared sigmas}.
     */
    private static long[] compareTrailing(String kernel, long maxUlps) {
        long differing = 0;
        long compared = 0;
        long worst = 0;
        int runnable = 0;
        for (JsonElement e : fixture.root().getAsJsonObject("trailing").getAsJsonArray(kernel)) {
            JsonObject d = e.getAsJsonObject();
            int n = d.get("steps").getAsInt();
            float[] timesteps = FidelityFixture.floatArray(d.getAsJsonArray("timesteps"));
            String what = n + " steps vs " + fixture.source("diffusers") + " kernel " + kernel;
            if (timesteps.length != n) {
                // diffusers would run timesteps.length steps; strobe refuses the count instead.
                assertThrows(
                        IllegalArgumentException.class,
                        () -> EulerSchedule.of(SDXL, n, TimestepSpacing.TRAILING),
                        what);
                continue;
            }
            runnable++;
            EulerSchedule s = EulerSchedule.of(SDXL, n, TimestepSpacing.TRAILING);
            assertArrayEquals(doubles(timesteps), s.timesteps(), what);
            assertArrayEquals(timesteps, s.modelTimesteps(), what);
            float[] expected = f32(d, "sigmas");
            float[] ours = s.sigmas();
            assertEquals(expected.length, ours.length, what);
            for (int i = 0; i < ours.length; i++) {
                long u = FidelityFixture.ulps(expected[i], ours[i]);
                worst = Math.max(worst, u);
                differing += u > 0 ? 1 : 0;
                compared++;
            }
            assertEquals(expected[0], s.initNoiseSigma(), what + ": init_noise_sigma is sigma 0");
            assertEquals(d.get("init_noise_sigma").getAsFloat(), expected[0], what);
        }
        System.out.printf(
                "trailing vs diffusers (%s): %d step counts, %d sigmas, %d differ, max %d ulp%n",
                kernel, runnable, compared, differing, worst);
        assertEquals(99, runnable, "step counts 1..100 except 61");
        assertTrue(worst <= maxUlps, kernel + ": max " + worst + " ulp");
        return new long[] {differing, compared};
    }

    @Test
    void trailingScheduleAgainstDiffusersOnPyTorchsAvxKernels() {
        // Every sigma ends in PyTorch's sqrt, which is not correctly rounded (MKL): within 1 ulp.
        for (String kernel : new String[] {"AVX2", "AVX512"}) {
            if (fixture.root().getAsJsonObject("trailing").has(kernel)) {
                long[] r = compareTrailing(kernel, 1);
                assertTrue(r[0] * 4 < r[1], kernel + ": " + r[0] + " of " + r[1] + " sigmas differ");
            }
        }
        assertTrue(fixture.root().getAsJsonObject("trailing").has("AVX2"));
    }

    @Test
    void trailingScheduleAgainstDiffusersOnPyTorchsDefaultKernel() {
        // The default build does not fuse linspace's multiply-adds: betas differ too.
        compareTrailing("DEFAULT", 2);
    }

    @Test
    void timestepsOfTheFixtureAreTheKnownTrailingOnes() {
        JsonObject four = fixture.root()
                .getAsJsonObject("trailing")
                .getAsJsonArray("AVX2")
                .get(3)
                .getAsJsonObject();
        assertArrayEquals(
                new float[] {999, 749, 499, 249}, FidelityFixture.floatArray(four.getAsJsonArray("timesteps")));
    }

    @Test
    void eulerRunsAreBitExactWithDiffusersStep() {
        int steps = 0;
        long inputs = 0;
        long inputsDiffering = 0;
        long inputMaxUlps = 0;
        for (JsonElement e : fixture.root().getAsJsonArray("runs")) {
            JsonObject run = e.getAsJsonObject();
            int n = run.get("steps").getAsInt();
            PredictionType prediction =
                    PredictionType.parse(run.get("prediction").getAsString());
            int[] shape = FidelityFixture.intArray(run.getAsJsonArray("shape"));
            // diffusers' own sigmas (kernel of the run), so the step arithmetic is compared alone.
            float[] sigmas = f32(
                    fixture.root()
                            .getAsJsonObject("trailing")
                            .getAsJsonArray(runKernel())
                            .get(n - 1)
                            .getAsJsonObject(),
                    "sigmas");
            String what = prediction + " " + n + " steps vs " + fixture.source("diffusers");

            // prepare_latents: torch.randn(...) * init_noise_sigma
            float[] x = TorchCpuNoise.randn(run.get("seed").getAsLong(), shape);
            for (int i = 0; i < x.length; i++) {
                x[i] *= sigmas[0];
            }
            assertArrayEquals(f32(run, "initial"), x, what + ": initial latent");
            int k = 0;
            for (JsonElement se : run.getAsJsonArray("steps_out")) {
                JsonObject step = se.getAsJsonObject();
                String at = what + ", step " + k;
                float[] in = new float[x.length];
                EulerSampler.scaleModelInput(x, sigmas[k], in);
                float[] expectedIn = f32(step, "model_input");
                for (int i = 0; i < in.length; i++) {
                    // diffusers divides by (sigma**2 + 1) ** 0.5, PyTorch's not correctly rounded sqrt
                    long u = FidelityFixture.ulps(expectedIn[i], in[i]);
                    inputMaxUlps = Math.max(inputMaxUlps, u);
                    inputsDiffering += u > 0 ? 1 : 0;
                    inputs++;
                }
                float[] x0 = new float[x.length];
                EulerSampler.denoised(x, f32(step, "model_output"), sigmas[k], prediction, x0);
                assertArrayEquals(f32(step, "pred_original_sample"), x0, at + ": pred_original_sample");
                EulerSampler.step(x, x0, sigmas[k], sigmas[k + 1]);
                assertArrayEquals(f32(step, "prev_sample"), x, at + ": prev_sample");
                k++;
                steps++;
            }
            assertEquals(n, k, what);
        }
        assertEquals(84 + 15, steps, "steps compared");
        System.out.printf(
                "Euler runs: %d steps bit-exact; model inputs: %d values, %d differ, max %d ulp%n",
                steps, inputs, inputsDiffering, inputMaxUlps);
        assertTrue(inputMaxUlps <= 2, "scale_model_input within 2 ulp, max was " + inputMaxUlps);
    }

    @Test
    void sgmUniformAgainstTheTorchTranscriptionOfComfyUi() {
        long sigmas = 0;
        long differing = 0;
        long maxUlps = 0;
        for (JsonElement e : fixture.root().getAsJsonArray("sgm_uniform_transcribed")) {
            JsonObject d = e.getAsJsonObject();
            int n = d.get("steps").getAsInt();
            EulerSchedule s = EulerSchedule.of(SDXL, n, TimestepSpacing.SGM_UNIFORM);
            String what = "sgm_uniform " + n + " steps (torch " + fixture.version("torch") + ")";
            assertArrayEquals(doubles(FidelityFixture.floatArray(d.getAsJsonArray("timesteps"))), s.timesteps(), what);
            assertArrayEquals(
                    FidelityFixture.floatArray(d.getAsJsonArray("model_timesteps")), s.modelTimesteps(), what);
            float[] expected = f32(d, "sigmas");
            float[] ours = s.sigmas();
            assertEquals(expected.length, ours.length, what);
            for (int i = 0; i < ours.length; i++) {
                long u = FidelityFixture.ulps(expected[i], ours[i]);
                maxUlps = Math.max(maxUlps, u);
                differing += u > 0 ? 1 : 0;
                sigmas++;
            }
            long init = FidelityFixture.ulps(d.get("init_noise_sigma").getAsFloat(), s.initNoiseSigma());
            assertTrue(init <= 1, what + ": init noise sigma " + init + " ulp");
        }
        System.out.printf("sgm_uniform: %d sigmas, %d differ, max %d ulp%n", sigmas, differing, maxUlps);
        assertTrue(maxUlps <= 1, "sigmas within 1 ulp, max was " + maxUlps);
    }
}
