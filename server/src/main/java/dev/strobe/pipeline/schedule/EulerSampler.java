package dev.strobe.pipeline.schedule;

/**
 * The per-step arithmetic of Euler sampling, as pure float32 functions on (slices of) flat arrays,
 * in the operation order of diffusers' EulerDiscreteScheduler (which ComfyUI's Euler sampler
 * shares), so results match bit for bit given the same inputs:
 * <pre>
 *   model_input = x / sqrt(sigma^2 + 1)
 *   x0_hat      = out                      (sample prediction)
 *               = x - sigma * out          (epsilon prediction)
 *   x_next      = x + ((x - x0_hat) / sigma) * (sigma_next - sigma)
 * </pre>
 * With {@code sigma_next = 0} the last step returns x0_hat up to float rounding, as in diffusers.
 * x0_hat is the natural preview tensor.
 *
 * <p>Slices let the batcher work in place on one sample of a batch buffer: every method takes
 * offsets and a length. Stateless; any thread.
 */
public final class EulerSampler {
    private EulerSampler() {}

    /** {@code out = x / sqrt(sigma^2 + 1)} over whole arrays. */
    public static void scaleModelInput(float[] x, float sigma, float[] out) {
        requireSameLength(x.length, out.length, "x", "out");
        scaleModelInput(x, 0, sigma, out, 0, x.length);
    }

    /** {@code out[outOff..] = x[xOff..] / sqrt(sigma^2 + 1)} for {@code length} values. */
    public static void scaleModelInput(float[] x, int xOff, float sigma, float[] out, int outOff, int length) {
        checkSlice(x, xOff, length, "x");
        checkSlice(out, outOff, length, "out");
        float divisor = (float) Math.sqrt(sigma * sigma + 1.0f);
        for (int i = 0; i < length; i++) {
            out[outOff + i] = x[xOff + i] / divisor;
        }
    }

    /** The model's estimate of the clean latent, over whole arrays. */
    public static void denoised(float[] x, float[] modelOut, float sigma, PredictionType prediction, float[] out) {
        requireSameLength(x.length, modelOut.length, "x", "modelOut");
        requireSameLength(x.length, out.length, "x", "out");
        denoised(x, 0, modelOut, 0, sigma, prediction, out, 0, x.length);
    }

    /** The model's estimate of the clean latent (x0_hat) for a slice. {@code out} may alias either input. */
    public static void denoised(
            float[] x,
            int xOff,
            float[] modelOut,
            int modelOff,
            float sigma,
            PredictionType prediction,
            float[] out,
            int outOff,
            int length) {
        checkSlice(x, xOff, length, "x");
        checkSlice(modelOut, modelOff, length, "modelOut");
        checkSlice(out, outOff, length, "out");
        switch (prediction) {
            case SAMPLE -> System.arraycopy(modelOut, modelOff, out, outOff, length);
            case EPSILON -> {
                for (int i = 0; i < length; i++) {
                    out[outOff + i] = x[xOff + i] - sigma * modelOut[modelOff + i];
                }
            }
        }
    }

    /** One Euler step in place on the whole of {@code x}. */
    public static void step(float[] x, float[] x0hat, float sigma, float sigmaNext) {
        requireSameLength(x.length, x0hat.length, "x", "x0hat");
        step(x, 0, x0hat, 0, sigma, sigmaNext, x.length);
    }

    /** One Euler step in place on a slice of {@code x}: x moves from sigma to sigmaNext. */
    public static void step(float[] x, int xOff, float[] x0hat, int x0Off, float sigma, float sigmaNext, int length) {
        checkSlice(x, xOff, length, "x");
        checkSlice(x0hat, x0Off, length, "x0hat");
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("an Euler step needs sigma > 0, got " + sigma);
        }
        float dt = sigmaNext - sigma;
        for (int i = 0; i < length; i++) {
            float xi = x[xOff + i];
            float derivative = (xi - x0hat[x0Off + i]) / sigma;
            x[xOff + i] = xi + derivative * dt;
        }
    }

    private static void checkSlice(float[] a, int off, int length, String name) {
        if (off < 0 || length < 0 || off > a.length - length) {
            throw new IllegalArgumentException(name + " slice [" + off + ", " + off + " + " + length
                    + ") is outside an array of " + a.length + " values");
        }
    }

    private static void requireSameLength(int a, int b, String nameA, String nameB) {
        if (a != b) {
            throw new IllegalArgumentException(nameA + " has " + a + " values but " + nameB + " has " + b);
        }
    }
}
