package dev.strobe.tiny;

import static dev.strobe.tiny.FloatAsserts.assertClose;
import static dev.strobe.tiny.FloatAsserts.concat;
import static dev.strobe.tiny.FloatAsserts.gaussian;
import static dev.strobe.tiny.FloatAsserts.item;
import static dev.strobe.tiny.FloatAsserts.maxAbsDiff;
import static dev.strobe.tiny.FloatAsserts.meanAbsDiff;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.tiny.TinyPipeline.Conditioning;
import dev.strobe.tiny.TinyPipeline.Prompt;
import dev.strobe.tiny.TinyPipeline.Run;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sampling with the UNet graphs: an Euler trailing loop (docs/design/REFERENCE.md section 2, written in
 * {@link TinyPipeline}) ends where {@link TinyModelReference} predicts, and the decoded images
 * have the properties the server's tests rely on. Latent 32x32 (256x256 images), batch 2: two
 * prompts with their own noise.
 *
 * <p>Tolerances, in latent units (x* is bounded by 1.5):
 * <ul>
 *   <li>final latent vs x* + kappa(sigma_last) (x_last - x*) from the loop's own x_last:
 *       1e-4 * max(1, sigma_last) + 5e-5 (the residual plus graph-vs-Java rounding);
 *   <li>final latent vs {@link TinyModelReference#eulerFinalLatent} from the initial noise alone:
 *       {@link #FROM_NOISE} (residuals of earlier steps propagate, scaled by later kappas).
 * </ul>
 */
class EulerSamplingTest {
    static final int H = 32;
    static final int W = 32;
    static final double FROM_NOISE = 1e-3;

    @TempDir
    static Path dir;

    static final Map<Integer, TinyPipeline> pipelines = new HashMap<>();
    static final Map<Integer, TinyModelReference> references = new HashMap<>();

    @BeforeAll
    static void load() throws Exception {
        TinyModelGenerator generator = TinyModelGenerator.forSeed(TinyModelSet.DEFAULT_SEED);
        for (int steps : new int[] {1, 2, 4, 8}) {
            TinyModelSpec spec = TinyModelSpec.lightning(steps);
            generator.generate(dir.resolve(spec.name()), spec);
            pipelines.put(steps, new TinyPipeline(dir.resolve(spec.name())));
            references.put(steps, new TinyModelReference(generator.weights(), spec));
        }
    }

    @AfterAll
    static void close() {
        pipelines.values().forEach(TinyPipeline::close);
    }

    /** x_0 = sigma_0 * N(0, I) for every item, item b from noise seed seeds[b]. */
    static float[] initialLatent(int steps, long... seeds) {
        float sigma0 = TinyPipeline.trailingSigmas(steps)[0];
        float[][] parts = new float[seeds.length][];
        for (int b = 0; b < seeds.length; b++) {
            parts[b] = gaussian(seeds[b], 4 * H * W, sigma0);
        }
        return concat(parts);
    }

    /** x* of a prompt, computed entirely by the Java reference from token ids. */
    static float[] cleanLatent(TinyModelReference ref, Prompt p) {
        float[][] t1 = ref.textEncoder1(p.ids1());
        float[][] t2 = ref.textEncoder2(p.ids2());
        float[] timeIds = {H * 8, W * 8, 0, 0, H * 8, W * 8};
        return ref.cleanLatent(TinyModelReference.encoderHiddenStates(t1[0], t2[0]), t2[1], timeIds, H, W);
    }

    @ParameterizedTest(name = "{0} steps")
    @ValueSource(ints = {1, 2, 4, 8})
    void eulerLoopEndsOnThePredictedLatent(int steps) {
        TinyPipeline pipe = pipelines.get(steps);
        TinyModelReference ref = references.get(steps);
        List<Prompt> prompts = List.of(TinyPipeline.CAT, TinyPipeline.APPLES);
        Conditioning c = pipe.encode(prompts, H * 8, W * 8);
        float[] x0 = initialLatent(steps, 100, 200);
        Run run = pipe.euler(x0, c, H, W);
        float[] sigmas = TinyPipeline.trailingSigmas(steps);
        float sigmaLast = sigmas[steps - 1];
        for (int b = 0; b < 2; b++) {
            float[] clean = cleanLatent(ref, prompts.get(b));
            float[] fin = item(run.finalLatent(), 2, b);
            float[] xLast = item(run.x()[steps - 1], 2, b);
            float kappa = ref.kappa(sigmaLast);
            float[] expected = new float[clean.length];
            for (int i = 0; i < clean.length; i++) {
                expected[i] = clean[i] + kappa * (xLast[i] - clean[i]);
            }
            assertClose(
                    expected,
                    fin,
                    1e-4 * Math.max(1, sigmaLast) + 5e-5,
                    0,
                    steps + " steps, item " + b + ": final vs x* + kappa (x_last - x*)");
            float[] predicted = ref.eulerFinalLatent(clean, item(x0, 2, b), sigmas, H, W);
            System.out.printf(
                    "%d steps item %d: |final - predicted| max %.3g, |final - x*| mean %.3g%n",
                    steps, b, maxAbsDiff(predicted, fin), meanAbsDiff(clean, fin));
            assertClose(
                    predicted, fin, FROM_NOISE, 0, steps + " steps, item " + b + ": final vs prediction from noise");
        }
    }

    /** Final images of a 4-step run for the given prompts, noise seed 100 + index. */
    private static float[][] images(int steps, List<Prompt> prompts, long seedBase) {
        TinyPipeline pipe = pipelines.get(steps);
        long[] seeds = new long[prompts.size()];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = seedBase + i;
        }
        Run run = pipe.euler(initialLatent(steps, seeds), pipe.encode(prompts, H * 8, W * 8), H, W);
        float[][] out = new float[prompts.size()][];
        for (int b = 0; b < out.length; b++) {
            out[b] = pipe.decode(item(run.finalLatent(), prompts.size(), b), H, W);
        }
        return out;
    }

    /** Mean absolute difference of two images in 8-bit levels (images are in [-1, 1]). */
    private static double levels(float[] a, float[] b) {
        return meanAbsDiff(a, b) * 127.5;
    }

    @Test
    void differentPromptsGiveVisiblyDifferentImagesAndTheSeedOnlyALittle() {
        float[][] img = images(4, List.of(TinyPipeline.CAT, TinyPipeline.APPLES, TinyPipeline.DOG), 100);
        float[][] reseeded = images(4, List.of(TinyPipeline.CAT), 500);
        double catApples = levels(img[0], img[1]);
        double catDog = levels(img[0], img[2]);
        double seed = levels(img[0], reseeded[0]);
        System.out.printf("levels: cat/apples %.1f cat/dog %.1f cat/cat other seed %.1f%n", catApples, catDog, seed);
        assertTrue(catApples > 25, "cat vs apples differ by " + catApples + " levels");
        assertTrue(catDog > 10, "cat vs dog differ by " + catDog + " levels");
        assertTrue(seed > 0.5 && seed < catDog / 2, "another seed moves the image by " + seed + " levels");
    }

    @ParameterizedTest(name = "{0} steps")
    @ValueSource(ints = {1, 4, 8})
    void imagesAreSmoothAndColourfulNotNoise(int steps) {
        for (float[] img : images(steps, List.of(TinyPipeline.CAT, TinyPipeline.APPLES, TinyPipeline.DOG), 300)) {
            ImageStats s = ImageStats.of(img, H * 8, W * 8);
            System.out.println(steps + " steps: " + s);
            assertTrue(s.neighbourLevels() < 3, "neighbouring pixels differ by " + s.neighbourLevels() + " levels");
            assertTrue(s.minChannelStdLevels() > 15, "a colour channel is flat: " + s);
            assertTrue(s.chromaLevels() > 15, "the image is grey: " + s);
            assertTrue(s.neighbourLevels() < 0.1 * s.minChannelStdLevels(), "the image looks like noise: " + s);
        }
    }

    /**
     * Epsilon models blend early x0 estimates towards 8x8-cell means (beta = 1 at sigma 14.6, 0 at
     * sigma <= 1.7), so the first preview is blocky and the last one sharp; the 1-step model never is.
     */
    @Test
    void earlyPreviewsAreCoarseThenSharpen() {
        TinyPipeline pipe = pipelines.get(4);
        Run run = pipe.euler(initialLatent(4, 7), pipe.encode(List.of(TinyPipeline.APPLES), H * 8, W * 8), H, W);
        double first = withinCellStd(run.x0()[0]);
        double second = withinCellStd(run.x0()[1]);
        double last = withinCellStd(run.finalLatent());
        TinyPipeline one = pipelines.get(1);
        Run single = one.euler(initialLatent(1, 7), one.encode(List.of(TinyPipeline.APPLES), H * 8, W * 8), H, W);
        double oneStep = withinCellStd(single.finalLatent());
        System.out.printf(
                "within-cell std: 4-step previews %.4f %.4f final %.4f, 1-step %.4f%n", first, second, last, oneStep);
        assertTrue(first < 0.2 * last, "first preview is not coarse: " + first + " vs final " + last);
        assertTrue(second < last, "second preview " + second + " vs final " + last);
        assertTrue(oneStep > 5 * first, "the 1-step model has no preview blur: " + oneStep);
    }

    /** Mean over channels and 8x8 cells of the standard deviation inside each cell. */
    private static double withinCellStd(float[] latent) {
        double total = 0;
        int cells = 0;
        for (int c = 0; c < 4; c++) {
            for (int cy = 0; cy < H; cy += 8) {
                for (int cx = 0; cx < W; cx += 8) {
                    double sum = 0;
                    double sq = 0;
                    for (int y = cy; y < cy + 8; y++) {
                        for (int x = cx; x < cx + 8; x++) {
                            double v = latent[(c * H + y) * W + x];
                            sum += v;
                            sq += v * v;
                        }
                    }
                    double mean = sum / 64;
                    total += Math.sqrt(Math.max(0, sq / 64 - mean * mean));
                    cells++;
                }
            }
        }
        return total / cells;
    }
}
