package dev.strobe.pipeline.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.strobe.pipeline.fidelity.FidelityFixture;
import dev.strobe.pipeline.noise.TorchCpuNoise.Kernel;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * strobe's noise against {@code torch.randn(shape, generator=torch.manual_seed(seed))} as PyTorch
 * itself drew it, per CPU kernel, from {@code fidelity/noise.json.gz} (written by
 * {@code reference/fidelity/noise.py}): every case's SHA-256, and the values of the cases of at
 * most 4096 values.
 */
class TorchNoiseFixtureTest {
    private static FidelityFixture fixture;
    private static JsonArray cases;
    private static JsonObject kernels;
    private static JsonObject values;

    @BeforeAll
    static void load() {
        fixture = FidelityFixture.load("noise.json.gz");
        cases = fixture.root().getAsJsonArray("cases");
        kernels = fixture.root().getAsJsonObject("kernels");
        values = fixture.root().getAsJsonObject("values");
    }

    private static long seed(int i) {
        return new BigInteger(cases.get(i).getAsJsonObject().get("seed").getAsString()).longValue();
    }

    private static int[] shape(int i) {
        return FidelityFixture.intArray(cases.get(i).getAsJsonObject().getAsJsonArray("shape"));
    }

    private static String torchHash(String kernel, int i) {
        return kernels.getAsJsonArray(kernel).get(i).getAsString();
    }

    private static String sha256(float[] v) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(FidelityFixture.bytes(v)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String what(int i, String kernel) {
        return "seed " + Long.toUnsignedString(seed(i)) + " shape " + Arrays.toString(shape(i)) + " vs "
                + fixture.source("torch") + " kernel " + kernel;
    }

    @Test
    void avx2KernelIsBitExactOnEveryCase() {
        long total = 0;
        for (int i = 0; i < cases.size(); i++) {
            float[] ours = TorchCpuNoise.randn(Kernel.AVX2, seed(i), shape(i));
            String expected = torchHash("AVX2", i);
            JsonElement stored = values.get(expected);
            if (stored != null) {
                assertArrayEquals(FidelityFixture.floats(stored.getAsString()), ours, what(i, "AVX2"));
            }
            assertEquals(expected, sha256(ours), what(i, "AVX2"));
            total += ours.length;
        }
        assertTrue(total > 400_000, "the fixture covers " + total + " values");
    }

    @Test
    void avx512KernelDrawsTheSameNumbersAsAvx2() {
        // PyTorch has no AVX-512 build of the normal transform: its AVX512 dispatch gives the
        // AVX2 kernel's values (measured per case, not assumed).
        JsonArray avx512 = kernels.getAsJsonArray("AVX512");
        if (avx512 == null) {
            assertFalse(kernels.has("AVX512"), "fixture made on a CPU without AVX-512");
            return;
        }
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(torchHash("AVX2", i), avx512.get(i).getAsString(), what(i, "AVX512"));
        }
    }

    @Test
    void scalarKernelAgainstPyTorchsDefaultKernel() {
        long compared = 0;
        long differing = 0;
        long maxUlps = 0;
        double maxAbs = 0;
        for (int i = 0; i < cases.size(); i++) {
            JsonElement stored = values.get(torchHash("DEFAULT", i));
            if (stored == null) {
                continue;
            }
            float[] torch = FidelityFixture.floats(stored.getAsString());
            float[] ours = TorchCpuNoise.randn(Kernel.SCALAR, seed(i), shape(i));
            assertEquals(torch.length, ours.length);
            for (int k = 0; k < ours.length; k++) {
                long u = FidelityFixture.ulps(torch[k], ours[k]);
                if (u > 0) {
                    differing++;
                    maxUlps = Math.max(maxUlps, u);
                    maxAbs = Math.max(maxAbs, Math.abs(torch[k] - ours[k]));
                }
            }
            compared += ours.length;
            if (ours.length < 16) {
                assertArrayEquals(torch, ours, "fewer than 16 values: one path, " + what(i, "DEFAULT"));
            }
        }
        System.out.printf(
                "noise SCALAR vs torch DEFAULT: %d values, %d differ, max %d ulp, max abs %.3g%n",
                compared, differing, maxUlps, maxAbs);
        // libm's logf/cosf/sinf are not correctly rounded; strobe rounds from double.
        assertTrue(compared > 75_000, "compared " + compared + " values");
        assertTrue(maxUlps <= 3, "max " + maxUlps + " ulp over " + compared + " values");
        assertTrue(maxAbs <= 2.4e-7, "max abs difference " + maxAbs);
        assertTrue(differing < compared / 50, differing + " of " + compared + " values differ");
    }

    @Test
    void seedsDifferingAbove32BitsDrawTheSameNoise() {
        // In the fixture: torch's own draws for seed, seed + 2^32 and 5 * 2^32 + 2^20 ...
        int checked = 0;
        for (int i = 0; i < cases.size(); i++) {
            for (int j = 0; j < i; j++) {
                boolean sameLow = (int) seed(i) == (int) seed(j);
                if (sameLow && Arrays.equals(shape(i), shape(j)) && seed(i) != seed(j)) {
                    assertEquals(torchHash("AVX2", j), torchHash("AVX2", i), what(i, "AVX2"));
                    checked++;
                }
            }
        }
        assertTrue(checked >= 4, "pairs of seeds with equal low 32 bits: " + checked);
    }

    @Test
    void aBatchDrawnAtOnceMatchesOnlyItsFirstImage() {
        int batch = -1;
        for (int i = 0; i < cases.size(); i++) {
            if (Arrays.equals(shape(i), new int[] {2, 4, 8, 8})) {
                batch = i;
            }
        }
        float[] torchBatch =
                FidelityFixture.floats(values.get(torchHash("AVX2", batch)).getAsString());
        long seed = seed(batch);
        float[] first = TorchCpuNoise.randn(seed, 1, 4, 8, 8);
        float[] second = TorchCpuNoise.randn(TorchCpuNoise.imageSeed(seed, 1), 1, 4, 8, 8);
        assertArrayEquals(first, Arrays.copyOfRange(torchBatch, 0, 256));
        assertFalse(
                Arrays.equals(second, Arrays.copyOfRange(torchBatch, 256, 512)),
                "torch's second image of a [2, 4, 8, 8] draw is not the draw for seed + 1");
    }
}
