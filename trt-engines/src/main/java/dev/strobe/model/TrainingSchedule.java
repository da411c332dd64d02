package dev.strobe.model;

/**
 * The noise schedule a model was trained with: SDXL's 1000-step "scaled_linear" betas. Gives
 * alpha-bar and sigma for every training timestep, computed in double precision and rounded to
 * float32 the way both diffusers and ComfyUI store them.
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

    public TrainingSchedule(Config c) {
        if (!"scaled_linear".equals(c.betaSchedule)) {
            throw new IllegalArgumentException("beta_schedule " + c.betaSchedule + " is not supported");
        }
        int n = c.numTrainTimesteps;
        alphasCumprod = new float[n];
        sigmas = new float[n];
        double a = Math.sqrt(c.betaStart);
        double b = Math.sqrt(c.betaEnd);
        double prod = 1.0;
        for (int i = 0; i < n; i++) {
            double root = a + (b - a) * i / (n - 1);
            prod *= 1.0 - root * root;
            alphasCumprod[i] = (float) prod;
            sigmas[i] = (float) Math.sqrt((1.0 - prod) / prod);
        }
    }

    public static TrainingSchedule sdxl() {
        return new TrainingSchedule(new Config());
    }

    public int size() {
        return sigmas.length;
    }

    /** sigma(t) = sqrt((1 - alpha_bar[t]) / alpha_bar[t]) for an integer training timestep. */
    public float sigma(int t) {
        return sigmas[t];
    }

    public float alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** All sigmas, index = training timestep (a copy). */
    public float[] sigmas() {
        return sigmas.clone();
    }

    /**
     * sigma at a fractional timestep, interpolated linearly in log-sigma between the neighbouring
     * integer timesteps (ComfyUI's rule, used by its sgm_uniform schedule).
     */
    public float sigmaAt(double t) {
        double clamped = Math.max(0, Math.min(sigmas.length - 1, t));
        int lo = (int) Math.floor(clamped);
        int hi = (int) Math.ceil(clamped);
        double w = clamped - lo;
        double logSigma = (1 - w) * Math.log(sigmas[lo]) + w * Math.log(sigmas[hi]);
        return (float) Math.exp(logSigma);
    }

    /** The training timestep whose sigma is nearest in log space (ComfyUI's sigma-to-timestep). */
    public int timestepOf(double sigma) {
        double ls = Math.log(sigma);
        int best = 0;
        double bestDist = Double.MAX_VALUE;
        for (int i = 0; i < sigmas.length; i++) {
            double d = Math.abs(ls - Math.log(sigmas[i]));
            if (d < bestDist) {
                bestDist = d;
                best = i;
            }
        }
        return best;
    }
}
