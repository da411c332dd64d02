package dev.strobe.tiny;

import java.util.List;

/**
 * One model of the tiny set: its folder name, the step count it is "distilled" for, its prediction
 * type and whether its UNet blurs early x0 estimates (so first previews look coarse). All models of
 * a set share weights.
 *
 * @param name folder and manifest name, e.g. tiny-lightning-4step
 * @param steps the step count written to the manifest
 * @param predictionType "epsilon" or "sample"
 * @param previewBlur whether beta(sigma) is on (epsilon models) or always 0 (the 1-step model)
 */
public record TinyModelSpec(String name, int steps, String predictionType, boolean previewBlur) {
    public static final String EPSILON = "epsilon";
    public static final String SAMPLE = "sample";

    public TinyModelSpec {
        if (!EPSILON.equals(predictionType) && !SAMPLE.equals(predictionType)) {
            throw new IllegalArgumentException("prediction type must be epsilon or sample, got " + predictionType);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
    }

    /**
     * The tiny stand-in for SDXL-Lightning's n-step checkpoint: 1 step predicts the sample without
     * preview blur (as Lightning's 1-step UNet predicts x0); 2, 4 and 8 steps predict epsilon.
     */
    public static TinyModelSpec lightning(int steps) {
        boolean oneStep = steps == 1;
        return new TinyModelSpec("tiny-lightning-" + steps + "step", steps, oneStep ? SAMPLE : EPSILON, !oneStep);
    }

    /** The four models of the embedded set, 1, 2, 4 and 8 steps. */
    public static List<TinyModelSpec> all() {
        return List.of(lightning(1), lightning(2), lightning(4), lightning(8));
    }

    public boolean predictsSample() {
        return SAMPLE.equals(predictionType);
    }
}
