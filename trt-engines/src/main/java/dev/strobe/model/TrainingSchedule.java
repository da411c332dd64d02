package dev.strobe.model;

/**
 * The noise schedule a model was trained with: SDXL's 1000-step "scaled_linear" betas. Gives
 * sigma for every training timestep as each reference stack computes it, because the two differ by
 * up to 1.3e-5 relative:
 * <ul>
 *   <li>{@link #sigma(int)}: ComfyUI's table, computed in float64 and rounded to float32;</li>
 *   <li>{@link #diffusersSigma(int)}: diffusers' table, computed in float32 the way PyTorch does
 *       ({@code linspace} float32 with fused multiply-adds as in its AVX2/AVX-512 kernels, squared,
 *       {@code 1 - beta}, {@code cumprod} accumulated in double and stored in float32, then
 *       {@code sqrt((1 - a) / a)} in float32). PyTorch's CPU {@code sqrt} (MKL) is not correctly
 *       rounded, so about one sigma in five differs from diffusers' by one unit in the last place
 *       (measured by {@code DiffusersScheduleFixtureTest}).</li>
 * </ul>
 * Immutable; safe to share between threads.
 */
public final class TrainingSchedule {

    /** The schedule's parameters, as in diffusers' scheduler_config.json. */
    public static final class Config {
        public int numTrainTimesteps = 1000;
        public double betaStart = 0.00085;
        public double betaEnd = 0.012;
        /** Only "scaled_linear" (SDXL) is supported. */
        public String betaSchedule = "scaled_linear";
    }

    private final float[] alphasCumprod;
    private final float[] sigmas;
    private final float[] logSigmas;
    private final float[] diffusersSigmas;

    public TrainingSchedule(Config c) {
        if (!"scaled_linear".equals(c.betaSchedule)) {
            throw new IllegalArgumentException("beta_schedule " + c.betaSchedule + " is not supported");
        }
        int n = c.numTrainTimesteps;
        if (n < 2) {
            throw new IllegalArgumentException("num_train_timesteps must be at least 2, got " + n);
        }
        alphasCumprod = new float[n];
        sigmas = new float[n];
        logSigmas = new float[n];
        double a = Math.sqrt(c.betaStart);
        double b = Math.sqrt(c.betaEnd);
        double prod = 1.0;
        for (int i = 0; i < n; i++) {
            double root = a + (b - a) * i / (n - 1);
            prod *= 1.0 - root * root;
            alphasCumprod[i] = (float) prod;
            double sigma = Math.sqrt((1.0 - prod) / prod);
            sigmas[i] = (float) sigma;
            // ComfyUI keeps log(sigma) of the float64 sigma, rounded once.
            logSigmas[i] = (float) Math.log(sigma);
        }
        diffusersSigmas = float32Sigmas(c.betaStart, c.betaEnd, n);
    }

    /** diffusers' float32 pipeline; see the class comment. */
    private static float[] float32Sigmas(double betaStart, double betaEnd, int n) {
        float start = (float) Math.sqrt(betaStart);
        float end = (float) Math.sqrt(betaEnd);
        float step = (end - start) / (float) (n - 1);
        int halfway = n / 2;
        float[] out = new float[n];
        double cumprod = 1.0;
        for (int i = 0; i < n; i++) {
            // torch.linspace fills the first half from start and the second half from end; its
            // AVX2 and AVX-512 builds (x86 PyTorch's usual kernels) fuse the multiply-add.
            float root = i < halfway ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (n - i - 1), end);
            float beta = root * root;
            float alpha = 1.0f - beta;
            cumprod *= alpha;
            float abar = (float) cumprod;
            out[i] = (float) Math.sqrt((1.0f - abar) / abar);
        }
        return out;
    }

    public static TrainingSchedule sdxl() {
        return new TrainingSchedule(new Config());
    }

    public int size() {
        return sigmas.length;
    }

    /** ComfyUI's sigma(t) = sqrt((1 - alpha_bar[t]) / alpha_bar[t]) for an integer timestep. */
    public float sigma(int t) {
        return sigmas[t];
    }

    /** diffusers' float32 sigma for an integer timestep. */
    public float diffusersSigma(int t) {
        return diffusersSigmas[t];
    }

    /** ComfyUI's {@code log_sigmas[t]}: log of the float64 sigma, rounded to float32. */
    public float logSigma(int t) {
        return logSigmas[t];
    }

    public float alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** All ComfyUI sigmas, index = training timestep (a copy). */
    public float[] sigmas() {
        return sigmas.clone();
    }

    /**
     * sigma at a fractional timestep, interpolated linearly in log-sigma between the neighbouring
     * integer timesteps, in float32 like ComfyUI's {@code ModelSamplingDiscrete.sigma} (used by its
     * sgm_uniform schedule).
     */
    public float sigmaAt(double t) {
        float clamped = (float) Math.max(0, Math.min(sigmas.length - 1, t));
        int lo = (int) Math.floor(clamped);
        int hi = (int) Math.ceil(clamped);
        float w = clamped - lo;
        float logSigma = (1.0f - w) * logSigmas[lo] + w * logSigmas[hi];
        return (float) Math.exp(logSigma);
    }

    /**
     * The training timestep whose log-sigma is nearest to log(sigma), first one on a tie, in
     * float32 like ComfyUI's {@code ModelSamplingDiscrete.timestep}: the timestep ComfyUI feeds the
     * UNet for a sigma.
     */
    public int timestepOf(double sigma) {
        float ls = (float) Math.log((float) sigma);
        int best = 0;
        float bestDist = Float.POSITIVE_INFINITY;
        for (int i = 0; i < logSigmas.length; i++) {
            float d = Math.abs(ls - logSigmas[i]);
            if (d < bestDist) {
                bestDist = d;
                best = i;
            }
        }
        return best;
    }
}
