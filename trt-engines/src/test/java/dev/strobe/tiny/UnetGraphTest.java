package dev.strobe.tiny;

import static dev.strobe.tiny.FloatAsserts.assertClose;
import static dev.strobe.tiny.FloatAsserts.concat;
import static dev.strobe.tiny.FloatAsserts.gaussian;
import static dev.strobe.tiny.FloatAsserts.item;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.model.TrainingSchedule;
import dev.strobe.tiny.TinyPipeline.Conditioning;
import dev.strobe.tiny.weights.SigmaTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The UNet graphs (epsilon with preview blur, sample without) against {@link TinyModelReference},
 * at batch 2 with a different prompt, latent and timestep per item, at two latent sizes.
 * Tolerance: 5e-5 absolute plus 2e-5 relative on out_sample (observed at most ~2e-5: the epsilon
 * output divides x - target by sigma, so small sigmas magnify float rounding).
 */
class UnetGraphTest {
    private static final double ABS = 5e-5;
    private static final double REL = 2e-5;

    @TempDir
    static Path dir;

    static TinyPipeline epsilon;
    static TinyPipeline sample;
    static TinyModelReference epsilonReference;
    static TinyModelReference sampleReference;

    @BeforeAll
    static void load() throws Exception {
        TinyModelGenerator generator = TinyModelGenerator.forSeed(TinyModelSet.DEFAULT_SEED);
        TinyModelSpec eps = TinyModelSpec.lightning(4);
        TinyModelSpec one = TinyModelSpec.lightning(1);
        generator.generate(dir.resolve(eps.name()), eps);
        generator.generate(dir.resolve(one.name()), one);
        epsilon = new TinyPipeline(dir.resolve(eps.name()));
        sample = new TinyPipeline(dir.resolve(one.name()));
        epsilonReference = new TinyModelReference(generator.weights(), eps);
        sampleReference = new TinyModelReference(generator.weights(), one);
    }

    @AfterAll
    static void close() {
        epsilon.close();
        sample.close();
    }

    @ParameterizedTest(name = "{0}x{1} latent, t = {2} and {3}")
    @CsvSource({"32, 32, 999, 249", "24, 40, 749.25, 0", "32, 32, 499.5, 100"})
    void bothUnetsMatchTheReferencePerItem(int h, int w, float t0, float t1) throws IOException {
        Conditioning c = epsilon.encode(List.of(TinyPipeline.CAT, TinyPipeline.APPLES), h * 8, w * 8);
        int n = 4 * h * w;
        float[] samples = concat(gaussian(1, n, 1.0), gaussian(2, n, 0.8));
        float[] t = {t0, t1};
        float[] eps = epsilon.unet(samples, t, c, h, w);
        float[] x0 = sample.unet(samples, t, c, h, w);
        for (int b = 0; b < 2; b++) {
            float[] ehs = item(c.encoderHiddenStates(), 2, b);
            float[] te = item(c.textEmbeds(), 2, b);
            float[] ids = item(c.timeIds(), 2, b);
            float[] s = item(samples, 2, b);
            assertClose(
                    epsilonReference.unet(s, t[b], ehs, te, ids, h, w),
                    item(eps, 2, b),
                    ABS,
                    REL,
                    "epsilon item " + b + " at t=" + t[b]);
            assertClose(
                    sampleReference.unet(s, t[b], ehs, te, ids, h, w),
                    item(x0, 2, b),
                    ABS,
                    REL,
                    "sample item " + b + " at t=" + t[b]);
        }
    }

    /**
     * At t = 999 the epsilon output divides x* errors by sigma = 14.6, so out_sample minus the
     * analytic part isolates the residual to about 1e-6: the graph computes R like the reference.
     */
    @Test
    void residualIsTinyButPresent() {
        int h = 16;
        int w = 16;
        Conditioning c = epsilon.encode(List.of(TinyPipeline.DOG), h * 8, w * 8);
        float[] s = gaussian(5, 4 * h * w, 1.0);
        float t = 999;
        float[] out = epsilon.unet(s, new float[] {t}, c, h, w);
        float sigma = epsilonReference.sigma(t);
        float[] x = new float[s.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = s[i] * (float) Math.sqrt(sigma * sigma + 1);
        }
        float[] clean = epsilonReference.cleanLatent(c.encoderHiddenStates(), c.textEmbeds(), c.timeIds(), h, w);
        float[] target = epsilonReference.x0Target(x, sigma, clean, h, w);
        float[] residual = epsilonReference.residual(s, t, h, w);
        float[] graphResidual = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            graphResidual[i] = out[i] - (x[i] - target[i]) / sigma;
        }
        assertTrue(
                FloatAsserts.maxAbs(residual) > 0.5 * TinyArchitecture.RESIDUAL_SCALE,
                "residual " + FloatAsserts.maxAbs(residual));
        assertTrue(FloatAsserts.maxAbs(residual) <= TinyArchitecture.RESIDUAL_SCALE);
        assertClose(residual, graphResidual, 3e-6, 0, "out_sample - (x - target) / sigma");
    }

    @Test
    void sigmaTableEqualsTrainingScheduleAtIntegerAndFractionalTimesteps() {
        TrainingSchedule schedule = TrainingSchedule.sdxl();
        SigmaTable table = SigmaTable.sdxl();
        for (int t = 0; t < 1000; t++) {
            assertEquals(schedule.sigma(t), table.sigmaAt(t), "t=" + t);
            // sigmaAt goes through exp(log sigma) in float32 (ComfyUI's arithmetic): within an ulp.
            assertEquals(schedule.sigmaAt(t), table.sigmaAt(t), 2 * Math.ulp(schedule.sigma(t)), "t=" + t);
        }
        for (float t : new float[] {0.25f, 249.75f, 499.5f, 749.25f, 998.5f, 123.125f}) {
            assertEquals(schedule.sigmaAt(t), table.sigmaAt(t), 2e-6 * schedule.sigmaAt(t), "t=" + t);
        }
        assertEquals(schedule.sigma(999), table.sigmaAt(1500f), "clamped above");
        assertEquals(schedule.sigma(0), table.sigmaAt(-3f), "clamped below");
    }

    @Test
    void kappaAndBetaFollowTheDesign() {
        float[] lastSigmas = {
            TinyPipeline.trailingSigmas(2)[1], TinyPipeline.trailingSigmas(4)[3], TinyPipeline.trailingSigmas(8)[7]
        };
        for (float s : lastSigmas) {
            assertEquals(0f, epsilonReference.beta(s), "no blur at a final step, sigma " + s);
        }
        float top = TinyPipeline.trailingSigmas(4)[0];
        assertEquals(1f, epsilonReference.beta(top));
        assertEquals(0f, sampleReference.beta(top));
        float mid = (TinyArchitecture.BLUR_SIGMA_LOW + 6.0f) / 2;
        assertEquals(0.5f, epsilonReference.beta(mid), 1e-6f);
        assertEquals(0.5f, epsilonReference.kappa(TinyArchitecture.PRIOR_STD), 1e-6f);
        assertEquals(1f, epsilonReference.kappa(0f));
        assertTrue(epsilonReference.kappa(top) < 1e-3);
    }
}
