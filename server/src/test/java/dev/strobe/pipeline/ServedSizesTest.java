package dev.strobe.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.DataType;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.InputProfile;
import dev.strobe.engine.TensorSpec;
import dev.strobe.model.ModelManifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServedSizesTest {
    private static ModelManifest.Resolution range(int min, int def, int max) {
        ModelManifest.Resolution r = new ModelManifest.Resolution();
        r.min = min;
        r.max = max;
        r.defaultWidth = def;
        r.defaultHeight = def;
        return r;
    }

    /** A UNet whose profiles each bound sample to batch b0..b1, latent height h0..h1, width w0..w1. */
    private static EngineInfo unet(String input, int[]... profiles) {
        List<InputProfile> ps = new ArrayList<>();
        for (int i = 0; i < profiles.length; i++) {
            int[] p = profiles[i];
            Map<String, InputProfile.Bounds> b = new LinkedHashMap<>();
            b.put(input, new InputProfile.Bounds(new long[] {p[0], 4, p[2], p[4]}, new long[] {p[1], 4, p[3], p[5]}));
            b.put("timestep", new InputProfile.Bounds(new long[] {p[0]}, new long[] {p[1]}));
            ps.add(new InputProfile(i, b));
        }
        int maxBatch =
                java.util.Arrays.stream(profiles).mapToInt(p -> p[1]).max().orElse(1);
        return new EngineInfo(
                "tensorrt",
                List.of(new TensorSpec(input, DataType.FLOAT16, new long[] {-1, 4, -1, -1})),
                List.of(),
                maxBatch,
                1,
                ps);
    }

    private static final EngineInfo ONNX_VAE = new EngineInfo(
            "onnxruntime",
            List.of(new TensorSpec("latent_sample", DataType.FLOAT32, new long[] {-1, 4, -1, -1})),
            List.of(),
            64,
            1);
    private static final EngineInfo TEXT =
            new EngineInfo(
                    "tensorrt",
                    List.of(new TensorSpec("input_ids", DataType.INT32, new long[] {-1, 77})),
                    List.of(),
                    8,
                    1,
                    List.of(new InputProfile(
                            0, Map.of("input_ids", new InputProfile.Bounds(new long[] {1, 77}, new long[] {8, 77})))));

    private static ServedSizes reconcile(ModelManifest.Resolution r, EngineInfo unet, EngineInfo vae) {
        return ServedSizes.reconcile("m", r, 8, Map.of("text_encoder", TEXT, "unet", unet, "vae_decoder", vae));
    }

    @Test
    void theDocumentedPlanNarrowsImportOptimumsRangeTo1536() {
        // import-optimum writes 512..2048; the README's plan is built with --size 512:1024:1536
        ServedSizes s = reconcile(range(512, 1024, 2048), unet("sample", new int[] {1, 8, 64, 192, 64, 192}), ONNX_VAE);
        assertEquals(512, s.min());
        assertEquals(1536, s.max());
        assertEquals(1024, s.defaultWidth());
        assertTrue(
                s.limitedBy().contains("unet's tensorrt profiles (#0 sample 1x4x64x64..8x4x192x192)"), s.limitedBy());
        assertTrue(s.note().startsWith("m: serving sizes 512..1536 of model.json's 512..2048"), s.note());
    }

    @Test
    void withoutProfilesTheManifestRangeStands() {
        EngineInfo ortUnet = new EngineInfo(
                "onnxruntime",
                List.of(new TensorSpec("sample", DataType.FLOAT32, new long[] {-1, 4, -1, -1})),
                List.of(),
                64,
                1);
        ServedSizes s = reconcile(range(256, 1024, 2048), ortUnet, ONNX_VAE);
        assertEquals(new ServedSizes(256, 2048, 1024, 1024, "", ""), s);
    }

    @Test
    void everyComponentsProfilesCount() {
        EngineInfo vae = unet("latent_sample", new int[] {1, 4, 64, 128, 64, 128});
        ServedSizes s = reconcile(range(512, 1024, 2048), unet("sample", new int[] {1, 8, 64, 192, 64, 192}), vae);
        assertEquals(1024, s.max(), "the VAE plan stops at 1024");
        assertTrue(s.limitedBy().contains("vae_decoder"), s.limitedBy());
    }

    @Test
    void profilesThatDoNotCoverEveryPairOfSidesNarrowToASquareThatIsCovered() {
        // profile 0: 512..1024 square; profile 1: height 1024..1536 with width 512..768 only
        ServedSizes s = reconcile(
                range(512, 1024, 2048),
                unet("sample", new int[] {1, 8, 64, 128, 64, 128}, new int[] {1, 8, 128, 192, 64, 96}),
                ONNX_VAE);
        assertEquals(512, s.min());
        assertEquals(1024, s.max(), "1536x1536 is in no profile, so 1536 cannot be served for both sides");
    }

    @Test
    void theDefaultMovesIntoTheServedRange() {
        ServedSizes s = reconcile(range(512, 1024, 2048), unet("sample", new int[] {1, 4, 64, 96, 64, 96}), ONNX_VAE);
        assertEquals(768, s.max());
        assertEquals(768, s.defaultWidth());
        assertTrue(s.note().contains("the default size 1024x1024 becomes 768x768"), s.note());
    }

    @Test
    void aSmallerBatchAtTheLargestSizeIsNoted() {
        ServedSizes s = reconcile(
                range(512, 1024, 1536),
                unet("sample", new int[] {1, 8, 64, 128, 64, 128}, new int[] {1, 2, 128, 192, 128, 192}),
                ONNX_VAE);
        assertEquals(1536, s.max());
        assertTrue(s.note().contains("at 1536x1536 the unet takes at most 2 image(s) per call"), s.note());
    }

    @Test
    void noCommonSizeIsAnInvalidModelSayingWhatToRebuild() {
        EngineException e = assertThrows(
                EngineException.class,
                () -> reconcile(range(512, 1024, 2048), unet("sample", new int[] {1, 8, 32, 48, 32, 48}), ONNX_VAE));
        assertEquals(EngineException.Kind.INVALID_MODEL, e.kind());
        assertTrue(
                e.getMessage()
                        .startsWith("m: no image size in model.json's range 512..2048 fits the unet's tensorrt"
                                + " profiles (#0 sample 1x4x32x32..8x4x48x48)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("build-engine --size"), e.getMessage());
    }
}
