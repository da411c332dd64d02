package dev.strobe.pipeline.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.pipeline.noise.TorchCpuNoise.Kernel;
import org.junit.jupiter.api.Test;

/**
 * Expected values are PyTorch's own output ({@code torch.manual_seed(seed); torch.randn(shape)},
 * printed as Python floats), from an x86 build running its AVX2 kernel, and the same build forced
 * to its default kernel ({@code ATEN_CPU_CAPABILITY=default}) where noted.
 */
class TorchCpuNoiseTest {

    private static float[] f(double... v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    private static int ulps(float a, float b) {
        return Math.abs(Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    @Test
    void referenceVectorSeedZero() {
        float[] v = TorchCpuNoise.randn(0, 1, 4, 8, 8);
        assertEquals(256, v.length);
        float[] reference = {-1.1258398f, -1.1523602f, -0.2505786f, -0.4338788f};
        for (int i = 0; i < reference.length; i++) {
            assertEquals(reference[i], v[i], 5e-8f, "value " + i);
        }
    }

    @Test
    void avx2KernelIsBitExact() {
        float[] v = TorchCpuNoise.randn(Kernel.AVX2, 0, 1, 4, 8, 8);
        float[] expected = f(
                -1.1258398294448853,
                -1.152360200881958,
                -0.2505785822868347,
                -0.4338788092136383,
                0.8487103581428528,
                0.6920091509819031,
                -0.31601276993751526,
                -2.1152193546295166);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], v[i], "value " + i);
        }
        assertEquals((float) -1.3526537418365479, v[16]);
        assertEquals((float) -1.6959311962127686, v[17]);
        assertEquals((float) -2.6133224964141846, v[100]);
        assertEquals((float) 0.39039579033851624, v[255]);
    }

    @Test
    void sizeNotAMultipleOf16RefillsTheLast16() {
        // 17 values: block [0, 16) is transformed, then [1, 17) is refilled and transformed again,
        // so only value 0 is shared with a 256-value draw.
        float[] v = TorchCpuNoise.randn(0, 17);
        float[] expected = f(
                -1.1258398294448853,
                -1.6959311962127686,
                0.5666506290435791,
                0.7935083508491516,
                0.5988394618034363,
                -1.5550950765609741,
                -0.3413603901863098,
                1.85300612449646,
                0.46809640526771545,
                -0.5854975581169128,
                -0.1733967512845993,
                0.18347793817520142,
                1.3893661499023438,
                1.586334228515625,
                0.946298360824585,
                -0.843676745891571,
                0.9318265914916992);
        assertArrayEquals(expected, v);
        float[] ragged = TorchCpuNoise.randn(123456789, 1, 4, 3, 5);
        assertEquals((float) 0.2642554044723511, ragged[0]);
        assertEquals((float) -0.41489896178245544, ragged[1]);
        assertEquals((float) 0.6039300560951233, ragged[43]);
        assertEquals((float) 0.6188253164291382, ragged[44]);
        assertEquals((float) 0.35030272603034973, ragged[59]);
    }

    @Test
    void fewerThan16ValuesUseTheDoubleBoxMullerWithCachedSine() {
        float[] v = TorchCpuNoise.randn(Kernel.AVX2, 0, 2, 3);
        assertArrayEquals(
                f(
                        1.5409960746765137,
                        -0.293428897857666,
                        -2.1787893772125244,
                        0.5684312582015991,
                        -1.0845223665237427,
                        -1.3985954523086548),
                v);
        // The scalar path does not depend on the kernel.
        assertArrayEquals(v, TorchCpuNoise.randn(Kernel.SCALAR, 0, 2, 3));
        // Values come in (cos, sin) pairs of one radius: 1.5410^2 + 0.2934^2 = r^2.
        double r2 = (double) v[0] * v[0] + (double) v[1] * v[1];
        assertTrue(r2 > 2.4 && r2 < 2.5);
    }

    @Test
    void seedsAboveTwoTo32UseTheirLow32Bits() {
        assertArrayEquals(TorchCpuNoise.randn(7, 5), TorchCpuNoise.randn(7 + (1L << 32), 5));
        assertArrayEquals(
                f(-0.1467950940132141, 0.7861412763595581, 0.9468216300010681, -1.1143440008163452, 1.6907901763916016),
                TorchCpuNoise.randn(7, 5));
        // 2^63 + 12345 as an unsigned 64-bit seed.
        float[] big = TorchCpuNoise.randn(Long.MIN_VALUE + 12345, 1, 4, 4, 4);
        assertArrayEquals(
                f(-1.479807734489441, 0.48730599880218506, -3.012793779373169, 0.4438551962375641),
                java.util.Arrays.copyOf(big, 4));
        assertArrayEquals(
                TorchCpuNoise.randn(1 << 20, 1, 4, 16, 16), TorchCpuNoise.randn((1L << 20) + (5L << 32), 1, 4, 16, 16));
    }

    @Test
    void scalarKernelIsWithinTwoUlpsOfPyTorchsDefaultBuild() {
        float[] v = TorchCpuNoise.randn(Kernel.SCALAR, 0, 1, 4, 8, 8);
        float[] expected = f(
                -1.1258398294448853,
                -1.152360200881958,
                -0.2505785822868347,
                -0.4338788390159607,
                0.8487103581428528,
                0.6920092105865479,
                -0.31601276993751526,
                -2.1152195930480957);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(ulps(expected[i], v[i]) <= 2, "value " + i + ": " + v[i] + " vs " + expected[i]);
        }
        float[] avx2 = TorchCpuNoise.randn(Kernel.AVX2, 0, 1, 4, 8, 8);
        for (int i = 0; i < v.length; i++) {
            assertEquals(avx2[i], v[i], 1e-6f, "the two kernels agree to 1e-6 at " + i);
        }
    }

    @Test
    void fillWritesOneSampleIntoABatchSlice() {
        float[] batch = new float[2 * 256 + 2];
        TorchCpuNoise.fill(Kernel.AVX2, 3, batch, 1, 256);
        TorchCpuNoise.fill(Kernel.AVX2, 4, batch, 257, 256);
        float[] first = TorchCpuNoise.randn(3, 1, 4, 8, 8);
        float[] second = TorchCpuNoise.randn(4, 1, 4, 8, 8);
        assertEquals(0f, batch[0]);
        assertEquals(0f, batch[batch.length - 1]);
        for (int i = 0; i < 256; i++) {
            assertEquals(first[i], batch[1 + i]);
            assertEquals(second[i], batch[257 + i]);
        }
        assertThrows(IllegalArgumentException.class, () -> TorchCpuNoise.fill(Kernel.AVX2, 1, batch, 300, 256));
    }

    @Test
    void imageSeedsCountUpAndWrapModulo2To64() {
        assertEquals(42, TorchCpuNoise.imageSeed(42, 0));
        assertEquals(45, TorchCpuNoise.imageSeed(42, 3));
        assertEquals(0, TorchCpuNoise.imageSeed(-1, 1)); // 2^64 - 1 + 1
        assertEquals(Long.MIN_VALUE, TorchCpuNoise.imageSeed(Long.MAX_VALUE, 1));
        assertThrows(IllegalArgumentException.class, () -> TorchCpuNoise.imageSeed(1, -1));
    }

    @Test
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TorchCpuNoise.randn(1, 1, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> TorchCpuNoise.randn(1));
        assertThrows(IllegalArgumentException.class, () -> TorchCpuNoise.randn(1, 65536, 65536));
    }

    @Test
    void standardNormalStatistics() {
        float[] v = TorchCpuNoise.randn(2024, 4, 128, 128);
        double sum = 0;
        double sq = 0;
        for (float x : v) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / v.length;
        double var = sq / v.length - mean * mean;
        assertEquals(0, mean, 0.02);
        assertEquals(1, var, 0.02);
    }
}
