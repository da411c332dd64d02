package dev.strobe.tiny.weights;

import dev.strobe.model.TrainingSchedule;

/**
 * The UNet's timestep-to-sigma lookup: SDXL's 1000 training sigmas and, for each timestep i, the
 * step in log sigma to the next one. sigma(t) = sigma[floor t] * exp((t - floor t) * dlog[floor t])
 * is linear interpolation in log sigma between floor(t) and ceil(t) (TrainingSchedule.sigmaAt's
 * rule), written so that integer timesteps give the table's float sigma exactly.
 */
public final class SigmaTable {
    private final float[] sigma;
    private final float[] logStep;

    public SigmaTable(TrainingSchedule schedule) {
        sigma = schedule.sigmas();
        logStep = new float[sigma.length];
        for (int i = 0; i + 1 < sigma.length; i++) {
            logStep[i] = (float) (StrictMath.log(sigma[i + 1]) - StrictMath.log(sigma[i]));
        }
    }

    public static SigmaTable sdxl() {
        return new SigmaTable(TrainingSchedule.sdxl());
    }

    /** sigma[i] for the integer timesteps 0..size-1 (a copy). */
    public float[] sigmas() {
        return sigma.clone();
    }

    /** log(sigma[i+1]) - log(sigma[i]); 0 for the last timestep (a copy). */
    public float[] logSteps() {
        return logStep.clone();
    }

    public int size() {
        return sigma.length;
    }

    /**
     * sigma at a float timestep, in the float operations the ONNX graph performs: t clamped to
     * [0, size-1], lo = floor(t), w = t - lo, sigma = sigma[lo] * exp(w * dlog[lo]).
     */
    public float sigmaAt(float t) {
        float clamped = Math.max(0f, Math.min(size() - 1, t));
        float lo = (float) Math.floor(clamped);
        float w = clamped - lo;
        int i = (int) lo;
        return sigma[i] * (float) Math.exp(w * logStep[i]);
    }
}
