package dev.strobe.pipeline;

/**
 * The sampling state of one image: its current latent x_k, the latest clean-latent estimate
 * x0_hat, and where it is in its schedule. Layout [channels, height, width], row-major.
 *
 * <p>Owned by the scheduler's device thread, the only thread that reads or writes it; previews
 * take copies ({@link PreviewFrame}).
 */
public final class LatentState {
    private final ImageSize size;
    private final int channels;
    private final int latentHeight;
    private final int latentWidth;
    private final double[] timesteps;
    private final float[] sigmas;
    private final float[] x;
    private final float[] x0;
    private int stepsDone;

    /**
     * @param x the initial latent (noise already scaled by the first sigma); taken, not copied
     * @param timesteps the n timesteps of the schedule
     * @param sigmas the n + 1 sigmas of the schedule, the last one 0
     */
    public LatentState(ImageSize size, int channels, int factor, float[] x, double[] timesteps, float[] sigmas) {
        if (sigmas.length != timesteps.length + 1) {
            throw new IllegalArgumentException("need n timesteps and n+1 sigmas");
        }
        this.size = size;
        this.channels = channels;
        this.latentHeight = size.latentHeight(factor);
        this.latentWidth = size.latentWidth(factor);
        if (x.length != channels * latentHeight * latentWidth) {
            throw new IllegalArgumentException(
                    "latent has " + x.length + " values, expected " + channels * latentHeight * latentWidth);
        }
        this.timesteps = timesteps;
        this.sigmas = sigmas;
        this.x = x;
        this.x0 = new float[x.length];
    }

    public ImageSize size() {
        return size;
    }

    public int channels() {
        return channels;
    }

    public int latentHeight() {
        return latentHeight;
    }

    public int latentWidth() {
        return latentWidth;
    }

    /** Number of latent values: channels * latentHeight * latentWidth. */
    public int length() {
        return x.length;
    }

    /** The current latent x_k (live array: device thread only). */
    public float[] x() {
        return x;
    }

    /** x0_hat of the last step (live array: device thread only). */
    public float[] x0() {
        return x0;
    }

    public int stepsDone() {
        return stepsDone;
    }

    public int totalSteps() {
        return timesteps.length;
    }

    public boolean finished() {
        return stepsDone == timesteps.length;
    }

    /** Timestep of the next step. */
    public double timestep() {
        return timesteps[stepsDone];
    }

    /** sigma of the next step. */
    public float sigma() {
        return sigmas[stepsDone];
    }

    /** sigma after the next step (0 after the last). */
    public float nextSigma() {
        return sigmas[stepsDone + 1];
    }

    /** The schedule's n + 1 sigmas (a copy). */
    public float[] sigmas() {
        return sigmas.clone();
    }

    /** Marks one step done; called after x and x0 were updated. */
    public void advance() {
        if (finished()) {
            throw new IllegalStateException("all " + timesteps.length + " steps are done");
        }
        stepsDone++;
    }
}
