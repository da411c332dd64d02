package dev.strobe.tiny.weights;

import java.util.SplittableRandom;

/**
 * Deterministic random weights: the same seed gives the same values on every JVM and machine
 * ({@link SplittableRandom} plus {@link StrictMath}, never {@code Math}, whose results may differ by
 * an ulp between platforms). Used only while constructing a {@link TinyWeights}.
 */
final class WeightRandom {
    /** A separable 3x3 binomial kernel: keeps convolutions smooth, as trained kernels mostly are. */
    private static final float[] BINOMIAL = {
        1 / 16f, 2 / 16f, 1 / 16f, 2 / 16f, 4 / 16f, 2 / 16f, 1 / 16f, 2 / 16f, 1 / 16f
    };

    private final SplittableRandom random;

    WeightRandom(SplittableRandom random) {
        this.random = random;
    }

    /** An independent stream for one component, so components do not shift each other's values. */
    WeightRandom split() {
        return new WeightRandom(random.split());
    }

    Param uniform(double lo, double hi, int... shape) {
        float[] v = new float[count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return new Param(v, shape);
    }

    /** Values whose logarithm is uniform in [log lo, log hi]. */
    Param logUniform(double lo, double hi, int... shape) {
        float[] v = new float[count(shape)];
        double ratio = StrictMath.log(hi / lo);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo * StrictMath.exp(ratio * random.nextDouble()));
        }
        return new Param(v, shape);
    }

    /** Normal(0, std^2) values by the Box-Muller transform. */
    Param normal(double std, int... shape) {
        float[] v = new float[count(shape)];
        for (int i = 0; i < v.length; i += 2) {
            double u1 = 1.0 - random.nextDouble(); // (0, 1]
            double u2 = random.nextDouble();
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * std;
            v[i] = (float) (r * StrictMath.cos(2 * StrictMath.PI * u2));
            if (i + 1 < v.length) {
                v[i + 1] = (float) (r * StrictMath.sin(2 * StrictMath.PI * u2));
            }
        }
        return new Param(v, shape);
    }

    Param zeros(int... shape) {
        return new Param(new float[count(shape)], shape);
    }

    /**
     * A 3x3 convolution weight [out, in, 3, 3] that looks trained and keeps images smooth: a random
     * channel mix M[o, i] ~ N(0, gain^2 / in), centred over i, times a binomial blur, plus a little independent
     * noise (roughness, relative to the mix) so kernels are not all the same shape.
     */
    Param smoothConv3x3(int out, int in, double gain, double roughness) {
        Param mix = normal(gain / StrictMath.sqrt(in), out, in);
        // centre each output's mix over its inputs, so an offset shared by every input channel
        // (SiLU's positive mean) does not turn into a fixed colour cast
        for (int o = 0; o < out && in > 1; o++) {
            double mean = 0;
            for (int i = 0; i < in; i++) {
                mean += mix.get(o * in + i);
            }
            mean /= in;
            for (int i = 0; i < in; i++) {
                mix.data()[o * in + i] -= (float) mean;
            }
        }
        Param noise = normal(gain * roughness / StrictMath.sqrt(in * 9.0), out, in, 3, 3);
        float[] v = new float[out * in * 9];
        for (int oi = 0; oi < out * in; oi++) {
            for (int k = 0; k < 9; k++) {
                v[oi * 9 + k] = mix.get(oi) * BINOMIAL[k] + noise.get(oi * 9 + k);
            }
        }
        return new Param(v, out, in, 3, 3);
    }

    private static int count(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
