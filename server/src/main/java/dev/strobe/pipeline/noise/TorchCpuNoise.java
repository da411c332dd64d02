package dev.strobe.pipeline.noise;

/**
 * Initial latent noise identical to ComfyUI's: {@code torch.randn(shape,
 * generator=torch.manual_seed(seed))} in float32 on the CPU, row-major (C order) like the tensor.
 *
 * <p>PyTorch's algorithm: an {@link MersenneTwister} seeded with the low 32 bits of the seed. For 16
 * or more values, every value first gets a uniform {@code (r & 0xFFFFFF) * 2^-24}, then each full
 * block of 16 is transformed in place by Box-Muller (u1 = 1 - d[j], u2 = d[j + 8], radius =
 * sqrt(-2 ln u1), theta = 2 pi u2, d[j] = radius cos theta, d[j + 8] = radius sin theta, j < 8); a
 * size that is not a multiple of 16 then refills its last 16 values with fresh uniforms and
 * transforms them again. Fewer than 16 values use the scalar double-precision Box-Muller of
 * {@code at::normal_distribution<double>}, which caches the sine half for the next value.
 *
 * <p>PyTorch has two builds of the 16-block transform: the AVX2 kernel (Cephes polynomials; x86
 * CPUs dispatched to AVX2 or AVX-512 draw its values) and the default kernel
 * ({@code ATEN_CPU_CAPABILITY=default}), which calls the C library's logf/cosf/sinf.
 * {@link Kernel} picks which one to reproduce; {@code TorchNoiseFixtureTest} measures both against
 * PyTorch's own draws.
 *
 * <p>Stateless; every call builds its own generator, so any thread may call it.
 */
public final class TorchCpuNoise {
    /** Which PyTorch CPU build of the normal kernel to reproduce for 16 or more values. */
    public enum Kernel {
        /** PyTorch's AVX2 kernel (avx_mathfun polynomials): bit-exact with it. */
        AVX2,
        /** PyTorch's default kernel (libm logf, cosf, sinf): within 3 float ulp of it. */
        SCALAR
    }

    private static final double TWO_PI = 2.0 * Math.PI;
    private static final float TWO_PI_F = (float) (2.0 * Math.PI);
    private static final float TWO_TO_MINUS_24 = 0x1.0p-24f;
    private static final double TWO_TO_MINUS_53 = 0x1.0p-53;

    private TorchCpuNoise() {}

    /** {@code torch.randn(shape, generator=torch.manual_seed(seed))} with the AVX2 kernel. */
    public static float[] randn(long seed, int... shape) {
        return randn(Kernel.AVX2, seed, shape);
    }

    public static float[] randn(Kernel kernel, long seed, int... shape) {
        float[] out = new float[elementCount(shape)];
        fill(kernel, seed, out, 0, out.length);
        return out;
    }

    /**
     * Writes the {@code count} values of {@code torch.randn(count)} for {@code seed} into
     * {@code out[offset..]} (e.g. one sample's slice of a batch buffer).
     */
    public static void fill(Kernel kernel, long seed, float[] out, int offset, int count) {
        if (count < 0 || offset < 0 || offset > out.length - count) {
            throw new IllegalArgumentException(
                    "cannot write " + count + " values at " + offset + " into an array of " + out.length);
        }
        MersenneTwister mt = new MersenneTwister(seed);
        if (count >= 16) {
            fillBlocks(kernel, mt, out, offset, count);
        } else {
            fillScalar(mt, out, offset, count);
        }
    }

    /**
     * The seed of image {@code index} of a request for several images: {@code seed + index},
     * wrapping modulo 2^64. Each image is then a single-image draw, so image i of a request equals
     * a one-image request with seed + i.
     */
    public static long imageSeed(long seed, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("image index must be >= 0, got " + index);
        }
        return seed + index;
    }

    /** The number of values of a tensor shape; every dimension must be positive. */
    public static int elementCount(int... shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("shape needs at least one dimension");
        }
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException(
                        "every dimension must be positive, got " + java.util.Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        "shape " + java.util.Arrays.toString(shape) + " has too many values for one array");
            }
        }
        return (int) n;
    }

    private static void fillBlocks(Kernel kernel, MersenneTwister mt, float[] d, int off, int n) {
        for (int i = 0; i < n; i++) {
            d[off + i] = uniformFloat(mt);
        }
        for (int i = 0; i + 16 <= n; i += 16) {
            transform16(kernel, d, off + i);
        }
        if (n % 16 != 0) {
            int tail = off + n - 16;
            for (int i = 0; i < 16; i++) {
                d[tail + i] = uniformFloat(mt);
            }
            transform16(kernel, d, tail);
        }
    }

    /** {@code uniform_real_distribution<float>(0, 1)}: 24 random bits times 2^-24. */
    private static float uniformFloat(MersenneTwister mt) {
        return (mt.nextInt() & 0xFFFFFF) * TWO_TO_MINUS_24;
    }

    private static void transform16(Kernel kernel, float[] d, int at) {
        float[] sc = new float[2];
        for (int j = 0; j < 8; j++) {
            float u1 = 1.0f - d[at + j];
            float u2 = d[at + j + 8];
            float radius;
            float cos;
            float sin;
            if (kernel == Kernel.AVX2) {
                radius = (float) Math.sqrt(-2.0f * AvxMathFun.log(u1));
                AvxMathFun.sincos(TWO_PI_F * u2, sc);
                sin = sc[0];
                cos = sc[1];
            } else {
                radius = (float) Math.sqrt(-2.0f * (float) Math.log(u1));
                // theta = 2.0f * pi<double> * u2 is evaluated in double, then stored as float.
                float theta = (float) (TWO_PI * u2);
                cos = (float) Math.cos(theta);
                sin = (float) Math.sin(theta);
            }
            d[at + j] = radius * cos;
            d[at + j + 8] = radius * sin;
        }
    }

    /** {@code at::normal_distribution<double>} per value, with the generator's cached sine half. */
    private static void fillScalar(MersenneTwister mt, float[] d, int off, int n) {
        boolean haveCached = false;
        double cached = 0;
        for (int i = 0; i < n; i++) {
            if (haveCached) {
                d[off + i] = (float) cached;
                haveCached = false;
                continue;
            }
            double u1 = uniformDouble(mt);
            double u2 = uniformDouble(mt);
            double r = Math.sqrt(-2.0 * Math.log1p(-u2));
            double theta = TWO_PI * u1;
            cached = r * Math.sin(theta);
            haveCached = true;
            d[off + i] = (float) (r * Math.cos(theta));
        }
    }

    /** {@code uniform_real_distribution<double>(0, 1)}: 53 bits of random64() times 2^-53. */
    private static double uniformDouble(MersenneTwister mt) {
        return (mt.nextLong() & ((1L << 53) - 1)) * TWO_TO_MINUS_53;
    }
}
