package dev.strobe.pipeline;

/**
 * A copy of one image's x0_hat after a step, to be rendered into a preview off the device thread.
 *
 * @param imageIndex index of the image within its request
 * @param step 1-based step after which the frame was taken
 * @param totalSteps steps of the schedule
 * @param latent x0_hat, [channels, latentHeight, latentWidth]
 */
public record PreviewFrame(
        int imageIndex, int step, int totalSteps, int channels, int latentHeight, int latentWidth, float[] latent) {

    /** Copies the state's current x0_hat. */
    public static PreviewFrame of(int imageIndex, LatentState s) {
        return new PreviewFrame(
                imageIndex,
                s.stepsDone(),
                s.totalSteps(),
                s.channels(),
                s.latentHeight(),
                s.latentWidth(),
                s.x0().clone());
    }
}
