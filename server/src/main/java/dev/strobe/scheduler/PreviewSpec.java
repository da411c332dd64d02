package dev.strobe.scheduler;

import dev.strobe.pipeline.ImageFormat;

/**
 * How a request wants its previews.
 *
 * @param enabled false means no previews at all
 * @param format encoding of the previews
 * @param maxSide longest side in pixels, 0 for the natural (latent) size
 * @param everyN a preview after every n-th step; the last step always has one
 */
public record PreviewSpec(boolean enabled, ImageFormat format, int maxSide, int everyN) {
    public static final PreviewSpec NONE = new PreviewSpec(false, ImageFormat.JPEG, 0, 1);

    public PreviewSpec {
        if (everyN < 1) {
            throw new IllegalArgumentException("everyN must be >= 1");
        }
    }

    /** Whether a preview is due after the given 1-based step. */
    public boolean dueAfter(int step, int totalSteps) {
        return enabled && (step == totalSteps || step % everyN == 0);
    }
}
