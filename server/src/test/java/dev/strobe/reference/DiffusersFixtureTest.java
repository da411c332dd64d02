package dev.strobe.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.strobe.model.ModelManifest;
import dev.strobe.model.ModelRepository;
import dev.strobe.model.OptimumImport;
import dev.strobe.pipeline.Conditioning;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.DenoiseItem;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.LatentState;
import dev.strobe.pipeline.LoadedModel;
import dev.strobe.pipeline.ModelLoader;
import dev.strobe.pipeline.ModelPipeline;
import dev.strobe.pipeline.fidelity.FidelityFixture;
import dev.strobe.pipeline.image.VaeImage;
import dev.strobe.server.StrobeServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * strobe against diffusers on a real SDXL-structured pipeline, without torch: the golden fixtures
 * of {@code reference/fixtures.py} ({@code src/test/resources/reference/}) hold a random-weight
 * StableDiffusionXLPipeline (diffusers' and transformers' real classes, tiny widths, two CLIP
 * encoders of 2 and 3 layers, a 4-level VAE) exported by optimum and by
 * {@code export_unet_onnx.py}, and diffusers' final latents and 8-bit images for 1, 2, 4 and 8
 * steps, a non-square size, a prompt over 77 tokens and two images of one request (seed + i).
 *
 * <p>strobe loads each export through {@link ModelLoader} (the model.json import-optimum wrote)
 * and samples every case. fp32 exports (optimum's scalar timestep, and export_unet_onnx.py's
 * per-sample [B] timestep with its weights in model.onnx_data) must be within the issue's
 * targets: max |difference| {@value #MAX_FP32}/255 per channel and mean {@value #MEAN_FP32}/255;
 * the fp16 UNet within {@value #MAX_FP16}/255 and mean {@value #MEAN_FP16}/255 (fp16 rounding of
 * every UNet activation; see docs/FIDELITY.md for the figures).
 */
class DiffusersFixtureTest {
    static final int MAX_FP32 = 2;
    static final double MEAN_FP32 = 0.5;
    static final double LATENT_FP32 = 1e-4; // observed 2.3e-5
    static final int MAX_FP16 = 4; // observed 2
    static final double MEAN_FP16 = 0.25; // observed 0.044

    /** The UNet files of the fixture export: optimum's, and export_unet_onnx.py's fp32 and fp16. */
    enum Unet {
        OPTIMUM("unet/model.onnx"),
        PER_SAMPLE("unet_b/model.onnx"),
        PER_SAMPLE_FP16("unet_b16/model.onnx");

        final String file;

        Unet(String file) {
            this.file = file;
        }

        boolean fp16() {
            return this == PER_SAMPLE_FP16;
        }
    }

    record Case(
            String name,
            int steps,
            String prediction,
            int width,
            int height,
            String prompt,
            long[] seeds,
            byte[] images,
            float[] latents) {
        @Override
        public String toString() {
            return name;
        }
    }

    static JsonObject fixture;
    static List<Case> cases;
    static Path dir;
    static final Map<String, LoadedModel> models = new HashMap<>();

    @BeforeAll
    static void read() throws URISyntaxException {
        fixture = json("/reference/diffusers.json.gz");
        cases = new ArrayList<>();
        for (JsonElement e : fixture.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            long[] seeds = new long[c.getAsJsonArray("seeds").size()];
            for (int i = 0; i < seeds.length; i++) {
                seeds[i] = c.getAsJsonArray("seeds").get(i).getAsLong();
            }
            cases.add(new Case(
                    c.get("name").getAsString(),
                    c.get("steps").getAsInt(),
                    c.get("prediction").getAsString(),
                    c.get("width").getAsInt(),
                    c.get("height").getAsInt(),
                    c.get("prompt").getAsString(),
                    seeds,
                    Base64.getDecoder().decode(c.get("images").getAsString()),
                    FidelityFixture.floats(c.get("latents").getAsString())));
        }
        dir = Path.of(DiffusersFixtureTest.class
                        .getResource("/reference/tiny/model.json")
                        .toURI())
                .getParent();
    }

    @AfterAll
    static void close() {
        models.values().forEach(m -> m.pipeline().close());
    }

    static Stream<Arguments> everyCaseOnEveryUnet() throws URISyntaxException {
        read();
        List<Arguments> out = new ArrayList<>();
        for (Unet u : Unet.values()) {
            for (Case c : cases) {
                out.add(Arguments.of(u, c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyCaseOnEveryUnet")
    void finalImagesMatchDiffusers(Unet unet, Case c) {
        LoadedModel model = model(unet, c.steps(), c.prediction());
        List<LatentState> states = sample(model, c, List.of(seedsOf(c)));
        double maxLatent = 0;
        int n = states.get(0).length();
        for (int i = 0; i < states.size(); i++) {
            float[] x0 = states.get(i).x0();
            for (int k = 0; k < n; k++) {
                maxLatent = Math.max(maxLatent, Math.abs(x0[k] - c.latents()[i * n + k]));
            }
        }
        byte[] rgb = rgb(model.pipeline(), states);
        assertEquals(c.images().length, rgb.length, "image bytes");
        long sum = 0;
        int max = 0;
        for (int i = 0; i < rgb.length; i++) {
            int d = Math.abs((rgb[i] & 0xff) - (c.images()[i] & 0xff));
            sum += d;
            max = Math.max(max, d);
        }
        double mean = (double) sum / rgb.length;
        String figures = String.format(
                Locale.ROOT,
                "%s, %s: max %d/255, mean %.5f/255, latents max %.2e (%s)",
                unet,
                c,
                max,
                mean,
                maxLatent,
                source());
        System.out.println("DiffusersFixtureTest " + figures);
        if (unet.fp16()) {
            assertTrue(max <= MAX_FP16 && mean <= MEAN_FP16, figures);
        } else {
            assertTrue(max <= MAX_FP32 && mean <= MEAN_FP32, figures);
            assertTrue(maxLatent <= LATENT_FP32, figures);
        }
    }

    /** A request's images batched together equal each image sampled alone (seed + i). */
    @Test
    void batchedImagesEqualTheSameImagesAlone() {
        Case c = cases.stream().filter(x -> x.seeds().length > 1).findFirst().orElseThrow();
        for (Unet unet : List.of(Unet.OPTIMUM, Unet.PER_SAMPLE)) {
            LoadedModel model = model(unet, c.steps(), c.prediction());
            byte[] together = rgb(model.pipeline(), sample(model, c, List.of(seedsOf(c))));
            List<LatentState> alone = new ArrayList<>();
            for (long seed : c.seeds()) {
                alone.addAll(sample(model, c, List.of(new long[] {seed})));
            }
            assertArrayEquals(together, rgb(model.pipeline(), alone), unet + ": batched vs alone");
        }
    }

    /**
     * The per-sample [B] UNet batches images at different steps in one call (what strobe's batcher
     * does with concurrent requests) and still gives each image diffusers' result.
     */
    @Test
    void aPerSampleUnetMixesStepsInOneCall() {
        Case c = cases.stream().filter(x -> x.seeds().length > 1).findFirst().orElseThrow();
        LoadedModel model = model(Unet.PER_SAMPLE, c.steps(), c.prediction());
        ModelPipeline p = model.pipeline();
        List<DenoiseItem> items = items(model, c, seedsOf(c));
        p.denoise(items.subList(0, 1)); // image 0 runs one step ahead of image 1
        while (!items.get(1).state().finished()) {
            List<DenoiseItem> batch =
                    items.stream().filter(i -> !i.state().finished()).toList();
            p.denoise(batch);
        }
        byte[] mixed = rgb(p, items.stream().map(DenoiseItem::state).toList());
        byte[] lockstep = rgb(p, sample(model, c, List.of(seedsOf(c))));
        assertArrayEquals(lockstep, mixed);
    }

    /**
     * The comparison sees the facts the import reads: SDXL's layer choice taken literally (the
     * encoders' last layer instead of the penultimate) or SD 1.5's VAE scaling factor puts the
     * images outside both tolerances (observed: last layer max 12/255, mean 0.86/255; scaling
     * 0.18215 max 7/255, mean 0.71/255), so a passing case is not one the random weights hide.
     */
    @Test
    void theWrongLayerOrScalingFactorIsSeen() throws IOException {
        Case c = cases.stream().filter(x -> x.steps() == 4).findFirst().orElseThrow();
        ModelManifest lastLayer = manifest();
        lastLayer.components.get(ModelManifest.TEXT_ENCODER).outputs.put("hidden", "hidden_states.2");
        lastLayer.components.get(ModelManifest.TEXT_ENCODER_2).outputs.put("hidden", "hidden_states.3");
        ModelManifest sd15Scaling = manifest();
        sd15Scaling.vaeScalingFactor = 0.18215;
        for (ModelManifest m : List.of(lastLayer, sd15Scaling)) {
            LoadedModel model = new ModelLoader(StrobeServer.engines(), "").load(new ModelRepository.Entry(dir, m));
            try {
                byte[] rgb = rgb(model.pipeline(), sample(model, c, List.of(seedsOf(c))));
                int max = 0;
                long sum = 0;
                for (int i = 0; i < rgb.length; i++) {
                    int d = Math.abs((rgb[i] & 0xff) - (c.images()[i] & 0xff));
                    max = Math.max(max, d);
                    sum += d;
                }
                String figures = String.format(
                        Locale.ROOT,
                        "%s: max %d/255, mean %.4f/255",
                        m == lastLayer ? "last layer" : "scaling 0.18215",
                        max,
                        (double) sum / rgb.length);
                System.out.println("DiffusersFixtureTest wrong manifest, " + figures);
                assertTrue(
                        max > MAX_FP32 && (double) sum / rgb.length > MEAN_FP32,
                        "a wrong manifest still matched diffusers: " + figures);
            } finally {
                model.pipeline().close();
            }
        }
    }

    /**
     * import-optimum on optimum's real export writes the committed model.json: the penultimate
     * layers from the encoders' graphs (2 and 3 layers: hidden_states.1 and .2, not SDXL's 11 and
     * 31), the VAE's scale and scaling factors from its config, the scalar timestep's form.
     */
    @Test
    void importingTheOptimumExportGivesTheCommittedManifest(@TempDir Path work) throws Exception {
        Path copy = work.resolve("reference-tiny");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted().toList()) {
                Path t = copy.resolve(dir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().equals(ModelManifest.FILE_NAME)) {
                    Files.copy(p, t);
                }
            }
        }
        // the fixture leaves out CLIP's vocab.json/merges.txt (strobe's built-in copy is the same);
        // the import only checks that they are there
        for (String t : List.of("tokenizer", "tokenizer_2")) {
            Files.writeString(copy.resolve(t).resolve("vocab.json"), "{}");
            Files.writeString(copy.resolve(t).resolve("merges.txt"), "#version: 0.2\n");
        }
        ModelManifest imported = new OptimumImport()
                .importFolder(
                        copy, OptimumImport.Options.sdxl("reference-tiny", 4).withSizes(128, 128, 256), false)
                .manifest();
        ModelManifest committed = manifest();
        assertEquals(committed.toJson(), imported.toJson());
        assertEquals(
                "hidden_states.1",
                imported.components.get(ModelManifest.TEXT_ENCODER).outputs.get("hidden"));
        assertEquals(
                "hidden_states.2",
                imported.components.get(ModelManifest.TEXT_ENCODER_2).outputs.get("hidden"));
        assertEquals(8, imported.vaeScaleFactor);
        assertEquals(0.13025, imported.vaeScalingFactor);
    }

    private static long[] seedsOf(Case c) {
        return c.seeds();
    }

    /** Every image of {@code groups} (one group per UNet batch) through all steps; their final states. */
    private static List<LatentState> sample(LoadedModel model, Case c, List<long[]> groups) {
        List<LatentState> out = new ArrayList<>();
        for (long[] seeds : groups) {
            List<DenoiseItem> items = items(model, c, seeds);
            while (!items.get(0).state().finished()) {
                model.pipeline().denoise(items);
            }
            items.forEach(i -> out.add(i.state()));
        }
        return out;
    }

    private static List<DenoiseItem> items(LoadedModel model, Case c, long[] seeds) {
        Conditioning cond = model.pipeline()
                .encode(List.of(model.tokenizer().tokenize(c.prompt())))
                .get(0);
        List<DenoiseItem> items = new ArrayList<>();
        for (long seed : seeds) {
            items.add(new DenoiseItem(
                    model.pipeline().initialLatent(new ImageSize(c.width(), c.height()), seed), cond));
        }
        return items;
    }

    private static byte[] rgb(ModelPipeline p, List<LatentState> states) {
        List<DecodedImage> decoded = p.decode(states);
        int size = decoded.get(0).width() * decoded.get(0).height() * 3;
        byte[] out = new byte[size * decoded.size()];
        for (int i = 0; i < decoded.size(); i++) {
            DecodedImage d = decoded.get(i);
            System.arraycopy(
                    VaeImage.toRgb(d.data(), d.offset(), d.height(), d.width()).rgb(), 0, out, i * size, size);
        }
        return out;
    }

    private static ModelManifest manifest() {
        try {
            return ModelManifest.read(dir.resolve(ModelManifest.FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized LoadedModel model(Unet unet, int steps, String prediction) {
        return models.computeIfAbsent(unet + "/" + steps + "/" + prediction, k -> {
            ModelManifest m = manifest();
            m.name = "reference-" + steps;
            m.steps = steps;
            m.predictionType = prediction;
            m.components.get(ModelManifest.UNET).file = unet.file;
            try {
                return new ModelLoader(StrobeServer.engines(), "").load(new ModelRepository.Entry(dir, m));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String source() {
        JsonObject p = fixture.getAsJsonObject("header").getAsJsonObject("packages");
        return "diffusers " + p.get("diffusers").getAsString() + ", optimum "
                + p.get("optimum").getAsString();
    }

    private static JsonObject json(String resource) {
        try (InputStream in = DiffusersFixtureTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "missing fixture " + resource + "; regenerate it with reference/fixtures.py");
            }
            return JsonParser.parseReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
