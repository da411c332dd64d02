package dev.strobe.tiny;

import static dev.strobe.tiny.FloatAsserts.assertClose;
import static dev.strobe.tiny.FloatAsserts.concat;
import static dev.strobe.tiny.FloatAsserts.gaussian;
import static dev.strobe.tiny.FloatAsserts.item;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.Engine;
import dev.strobe.engine.Tensor;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The VAE decoder graph against {@link TinyModelReference} at batch 2 (different latents per item)
 * and two latent sizes. Tolerance 2e-5 absolute on pixels in [-1, 1] (observed below 1e-6).
 */
class VaeDecoderGraphTest {
    @TempDir
    static Path dir;

    static Engine vae;
    static TinyModelReference reference;

    @BeforeAll
    static void load() throws IOException {
        TinyModelGenerator generator = TinyModelGenerator.forSeed(TinyModelSet.DEFAULT_SEED);
        generator.generate(dir, TinyModelSpec.lightning(2));
        vae = new OnnxRuntimeProvider().load(dir.resolve(TinyManifest.VAE_DECODER_FILE), Map.of());
        reference = new TinyModelReference(generator.weights(), TinyModelSpec.lightning(2));
    }

    @AfterAll
    static void close() {
        vae.close();
    }

    private static float[] decode(float[] latents, int batch, int h, int w) {
        Tensor out = vae.run(Map.of("latent_sample", Tensor.ofFloats(latents, batch, 4, h, w)), Set.of("sample"))
                .get("sample");
        assertArrayEquals(new long[] {batch, 3, 8L * h, 8L * w}, out.shape());
        return out.floats();
    }

    @ParameterizedTest(name = "{0}x{1} latent")
    @CsvSource({"32, 32", "24, 40"})
    void decoderMatchesReferencePerItem(int h, int w) {
        int n = 4 * h * w;
        // latents as the pipeline passes them: UNet-space values of about +-1.5, divided by 0.13025
        float[] a = gaussian(11, n, 1.0 / 0.13025);
        float[] b = gaussian(12, n, 0.5 / 0.13025);
        float[] images = decode(concat(a, b), 2, h, w);
        assertClose(reference.vaeDecode(a, h, w), item(images, 2, 0), 2e-5, 0, "item 0");
        assertClose(reference.vaeDecode(b, h, w), item(images, 2, 1), 2e-5, 0, "item 1");
    }

    /** tanh bounds the image; ONNX Runtime's tanh may overshoot 1 by an ulp, the pipeline clamps. */
    @Test
    void outputStaysWithinMinusOneToOne() {
        float[] extreme = gaussian(13, 4 * 8 * 8, 10 / 0.13025);
        for (float v : decode(extreme, 1, 8, 8)) {
            assertTrue(Math.abs(v) <= 1 + 1e-6, "pixel " + v);
        }
    }
}
