package dev.strobe.optimum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.EngineException;
import dev.strobe.model.ModelManifest;
import dev.strobe.model.ModelRepository;
import dev.strobe.model.OptimumImport;
import dev.strobe.pipeline.Conditioning;
import dev.strobe.pipeline.DenoiseItem;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.LatentState;
import dev.strobe.pipeline.LoadedModel;
import dev.strobe.pipeline.ModelLoader;
import dev.strobe.pipeline.ModelPipeline;
import dev.strobe.server.StrobeServer;
import dev.strobe.tiny.TinyModelSet;
import dev.strobe.tiny.TinyModelSpec;
import dev.strobe.tiny.TinyOptimumExport;
import dev.strobe.tiny.TinyOptimumExport.Precision;
import dev.strobe.tiny.TinyOptimumExport.Timestep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ModelLoader and ModelPipeline on every UNet timestep form a real export may have: optimum's
 * scalar (here in an fp16 export), a one-element vector, an int64 scalar, and strobe's own
 * per-sample vector as the reference. Each is imported with {@link OptimumImport} and loaded with
 * the server's engines. Shared forms must make the batcher group by timestep and compute what
 * the per-sample UNet computes (float32 exports: within 1e-5; the fp16 export: within
 * {@value #FP16_TOLERANCE} on x0 after the last step, fp16 rounding at every boundary).
 */
class TimestepFormsLoadingTest {
    static final double FP16_TOLERANCE = 1e-2; // observed 2.6e-3
    static final ImageSize SIZE = new ImageSize(128, 128);

    @TempDir
    static Path repo;

    static final Map<Timestep, LoadedModel> models = new EnumMap<>(Timestep.class);

    @BeforeAll
    static void load() throws Exception {
        TinyOptimumExport export = TinyOptimumExport.forSeed(TinyModelSet.DEFAULT_SEED);
        for (Timestep form : Timestep.values()) {
            Precision p = form == Timestep.SCALAR ? Precision.FP16 : Precision.FP32;
            Path dir = repo.resolve(form.name().toLowerCase().replace('_', '-'));
            export.write(
                    dir,
                    TinyOptimumExport.Options.optimum(TinyModelSpec.lightning(4), p)
                            .withTimestep(form));
            new OptimumImport()
                    .importFolder(dir, OptimumImport.Options.sdxl(null, 4).withSizes(128, 256, 512), false);
        }
        ModelLoader loader = new ModelLoader(StrobeServer.engines(), "");
        for (ModelRepository.Entry e : new ModelRepository(repo).scan()) {
            models.put(Timestep.valueOf(e.manifest().name.toUpperCase().replace('-', '_')), loader.load(e));
        }
    }

    @AfterAll
    static void close() {
        models.values().forEach(m -> m.pipeline().close());
    }

    @Test
    void onlyThePerSampleUnetLetsTheBatcherMixTimesteps() {
        assertTrue(pipeline(Timestep.PER_SAMPLE).limits().perSampleTimestep());
        for (Timestep form : List.of(Timestep.SCALAR, Timestep.SINGLETON, Timestep.SCALAR_INT64)) {
            assertFalse(pipeline(form).limits().perSampleTimestep(), form.name());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Timestep.class,
            names = {"SCALAR", "SINGLETON", "SCALAR_INT64"})
    void aSharedTimestepUnetSamplesWhatThePerSampleUnetSamples(Timestep form) {
        List<float[]> expected = sampleTwoImages(Timestep.PER_SAMPLE);
        List<float[]> actual = sampleTwoImages(form);
        double tolerance = form == Timestep.SCALAR ? FP16_TOLERANCE : 1e-5;
        for (int i = 0; i < 2; i++) {
            double diff = maxDiff(expected.get(i), actual.get(i));
            assertTrue(diff <= tolerance, form + " image " + i + ": max |x0 difference| " + diff);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Timestep.class,
            names = {"SCALAR", "SINGLETON", "SCALAR_INT64"})
    void aSharedTimestepUnetRefusesACallThatMixesSteps(Timestep form) {
        ModelPipeline p = pipeline(form);
        List<DenoiseItem> items = items(p);
        p.denoise(items.subList(0, 1)); // image 0 is one step ahead of image 1
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.denoise(items));
        assertTrue(e.getMessage().contains("one timestep per call"), e.getMessage());

        ModelPipeline perSample = pipeline(Timestep.PER_SAMPLE);
        List<DenoiseItem> mixed = items(perSample);
        perSample.denoise(mixed.subList(0, 1));
        perSample.denoise(mixed);
        assertEquals(2, mixed.get(0).state().stepsDone());
        assertEquals(1, mixed.get(1).state().stepsDone());
    }

    @Test
    void integerTimestepsRefuseSgmUniformSpacing() {
        LoadedModel int64 = models.get(Timestep.SCALAR_INT64);
        ModelManifest m = int64.manifest();
        m.timestepSpacing = "sgm_uniform";
        try {
            EngineException e = assertThrows(
                    EngineException.class,
                    () -> new ModelLoader(StrobeServer.engines(), "").load(new ModelRepository.Entry(int64.dir(), m)));
            assertTrue(e.getMessage().contains("integer timesteps"), e.getMessage());
        } finally {
            m.timestepSpacing = "trailing";
        }
    }

    /** Both images through all steps, batched together; returns their final x0. */
    private static List<float[]> sampleTwoImages(Timestep form) {
        ModelPipeline p = pipeline(form);
        List<DenoiseItem> items = items(p);
        while (!items.get(0).state().finished()) {
            p.denoise(items);
        }
        List<float[]> out = new ArrayList<>();
        for (DenoiseItem item : items) {
            out.add(item.state().x0().clone());
        }
        return out;
    }

    /** Two images of one prompt, seeds 5 and 6, at step 0. */
    private static List<DenoiseItem> items(ModelPipeline p) {
        LoadedModel any = models.get(Timestep.PER_SAMPLE);
        Conditioning c =
                p.encode(List.of(any.tokenizer().tokenize("a photo of a cat"))).get(0);
        List<DenoiseItem> items = new ArrayList<>();
        for (long seed : new long[] {5, 6}) {
            LatentState s = p.initialLatent(SIZE, seed);
            items.add(new DenoiseItem(s, c));
        }
        return items;
    }

    private static ModelPipeline pipeline(Timestep form) {
        return models.get(form).pipeline();
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
