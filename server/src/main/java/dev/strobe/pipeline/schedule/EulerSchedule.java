package dev.strobe.pipeline.schedule;

import dev.strobe.model.TrainingSchedule;

/**
 * The timesteps and sigmas of one Euler sampling run with a fixed step count, as a reference stack
 * computes them in float32:
 * <ul>
 *   <li>{@link TimestepSpacing#TRAILING}: diffusers' EulerDiscreteScheduler, trailing spacing.
 *       Timesteps are {@code np.arange(1000, 0, -1000/n).round() - 1} (numpy's arange in double,
 *       round half to even), sigmas are diffusers' float32 table at those timesteps, and the initial
 *       noise is scaled by the largest sigma.</li>
 *   <li>{@link TimestepSpacing#SGM_UNIFORM}: ComfyUI's sgm_uniform. Timesteps are
 *       {@code linspace(999, 0, n + 1)[:-1]} in float32 (fractional), sigma by log-linear
 *       interpolation; the UNet is fed the integer timestep nearest in log-sigma (ComfyUI's
 *       {@code model_sampling.timestep}) and, since the run starts at the largest sigma, the noise
 *       is scaled by {@code sqrt(1 + sigma0^2)} like ComfyUI's full-denoise noise scaling.</li>
 * </ul>
 * Immutable; build one per served model and share it between threads.
 */
public final class EulerSchedule {
    private final int steps;
    private final TimestepSpacing spacing;
    private final double[] timesteps;
    private final float[] modelTimesteps;
    private final float[] sigmas;
    private final float initNoiseSigma;

    private EulerSchedule(
            int steps,
            TimestepSpacing spacing,
            double[] timesteps,
            float[] modelTimesteps,
            float[] sigmas,
            float initNoiseSigma) {
        this.steps = steps;
        this.spacing = spacing;
        this.timesteps = timesteps;
        this.modelTimesteps = modelTimesteps;
        this.sigmas = sigmas;
        this.initNoiseSigma = initNoiseSigma;
    }

    /**
     * The schedule for {@code steps} denoising steps (1..size of the training schedule; served
     * models use 1..50).
     */
    public static EulerSchedule of(TrainingSchedule training, int steps, TimestepSpacing spacing) {
        int trainSteps = training.size();
        if (steps < 1 || steps > trainSteps) {
            throw new IllegalArgumentException("step count must be 1.." + trainSteps + ", got " + steps);
        }
        return switch (spacing) {
            case TRAILING -> trailing(training, steps);
            case SGM_UNIFORM -> sgmUniform(training, steps);
        };
    }

    private static EulerSchedule trailing(TrainingSchedule training, int steps) {
        int trainSteps = training.size();
        double[] arange = numpyArange(trainSteps, 0, -((double) trainSteps / steps));
        if (arange.length != steps) {
            throw new IllegalArgumentException(steps + " trailing steps over " + trainSteps
                    + " training timesteps give " + arange.length + " timesteps; choose another step count");
        }
        double[] timesteps = new double[steps];
        float[] model = new float[steps];
        float[] sigmas = new float[steps + 1];
        for (int k = 0; k < steps; k++) {
            // .round() is numpy's half-to-even, then astype(float32) and -1.
            float t = (float) Math.rint(arange[k]) - 1.0f;
            timesteps[k] = t;
            model[k] = t;
            sigmas[k] = training.diffusersSigma((int) t);
        }
        sigmas[steps] = 0.0f;
        float max = 0.0f;
        for (float s : sigmas) {
            max = Math.max(max, s);
        }
        return new EulerSchedule(steps, TimestepSpacing.TRAILING, timesteps, model, sigmas, max);
    }

    /**
     * numpy's {@code arange(start, stop, step)} for float64: length {@code ceil((stop - start) / step)},
     * element 1 is {@code start + step}, and element i >= 2 is {@code start + i * delta} where
     * {@code delta} is element 1 minus element 0.
     */
    static double[] numpyArange(double start, double stop, double step) {
        int length = (int) Math.max(0, Math.ceil((stop - start) / step));
        double[] out = new double[length];
        if (length > 0) {
            out[0] = start;
        }
        if (length > 1) {
            out[1] = start + step;
            double delta = out[1] - out[0];
            for (int i = 2; i < length; i++) {
                out[i] = start + i * delta;
            }
        }
        return out;
    }

    private static EulerSchedule sgmUniform(TrainingSchedule training, int steps) {
        float start = training.timestepOf(training.sigma(training.size() - 1));
        float end = training.timestepOf(training.sigma(0));
        float[] lin = float32Linspace(start, end, steps + 1);
        double[] timesteps = new double[steps];
        float[] model = new float[steps];
        float[] sigmas = new float[steps + 1];
        for (int k = 0; k < steps; k++) {
            timesteps[k] = lin[k];
            sigmas[k] = training.sigmaAt(lin[k]);
            model[k] = training.timestepOf(sigmas[k]);
        }
        sigmas[steps] = 0.0f;
        // ComfyUI: noise * torch.sqrt(1.0 + sigma ** 2.0) when sampling starts at sigma_max.
        float s0 = sigmas[0];
        float init = (float) Math.sqrt(1.0f + s0 * s0);
        return new EulerSchedule(steps, TimestepSpacing.SGM_UNIFORM, timesteps, model, sigmas, init);
    }

    /**
     * PyTorch's CPU {@code linspace} for float32: first half from start, second half from end, each
     * value one multiply-add, fused as in PyTorch's AVX2 and AVX-512 kernels.
     */
    static float[] float32Linspace(float start, float end, int count) {
        float[] out = new float[count];
        if (count == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (count - 1);
        int halfway = count / 2;
        for (int i = 0; i < count; i++) {
            out[i] = i < halfway ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (count - i - 1), end);
        }
        return out;
    }

    public int steps() {
        return steps;
    }

    public TimestepSpacing spacing() {
        return spacing;
    }

    /** The schedule's timesteps, one per step (fractional for sgm_uniform); a copy. */
    public double[] timesteps() {
        return timesteps.clone();
    }

    /** The timestep to feed the UNet at each step; a copy. */
    public float[] modelTimesteps() {
        return modelTimesteps.clone();
    }

    /** The timestep to feed the UNet at step k. */
    public float modelTimestep(int k) {
        return modelTimesteps[k];
    }

    /** steps + 1 sigmas ending in 0; a copy. */
    public float[] sigmas() {
        return sigmas.clone();
    }

    /** sigma_k for k in 0..steps (sigma_steps is 0). */
    public float sigma(int k) {
        return sigmas[k];
    }

    /** The factor for unit Gaussian noise that gives the initial latent. */
    public float initNoiseSigma() {
        return initNoiseSigma;
    }
}
