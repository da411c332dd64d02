package dev.strobe.testing;

import dev.strobe.pipeline.Conditioning;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.DenoiseItem;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.LatentState;
import dev.strobe.pipeline.ModelStages;
import dev.strobe.pipeline.PromptTokens;
import dev.strobe.pipeline.StageLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The stages of a model without a network: the initial latent is noise drawn from the seed, each
 * UNet step writes x0_hat as that noise shifted by the prompt's conditioning and scaled by the
 * steps done, and the VAE upsamples x0_hat to pixels, so an image is a deterministic function of
 * seed and prompt. A UNet call takes simulated device time in proportion to the latent pixels of
 * its batch ({@link #STEP_NANOS_PER_1024_IMAGE} for one 1024x1024 image, 6 ms at 256x256), so
 * that a large request is still running when a test cancels it or lets its deadline pass.
 */
public final class FakePipeline implements ModelStages {
    /** Simulated time of one UNet step of one 1024x1024 image. */
    public static final long STEP_NANOS_PER_1024_IMAGE = TimeUnit.MILLISECONDS.toNanos(100);

    static final StageLimits LIMITS = new StageLimits(8, 4, 4, true);
    private static final int CHANNELS = 4;
    private static final int FACTOR = 8;
    private static final int LATENT_PIXELS_1024 = (1024 / FACTOR) * (1024 / FACTOR);

    private final int steps;

    public FakePipeline(int steps) {
        this.steps = steps;
    }

    @Override
    public StageLimits limits() {
        return LIMITS;
    }

    /** One conditioning value per prompt in [-0.5, 0.5), from a hash of its token ids. */
    @Override
    public List<Conditioning> encode(List<PromptTokens> prompts) {
        List<Conditioning> out = new ArrayList<>();
        for (PromptTokens p : prompts) {
            float shift = new SplittableRandom(Arrays.hashCode(p.ids1())).nextFloat() - 0.5f;
            out.add(new Conditioning(new float[] {shift}, new float[] {shift}));
        }
        return out;
    }

    @Override
    public LatentState initialLatent(ImageSize size, long seed) {
        double[] timesteps = new double[steps];
        float[] sigmas = new float[steps + 1];
        for (int k = 0; k < steps; k++) {
            timesteps[k] = 999 - k * 1000.0 / steps;
            sigmas[k] = (float) (steps - k) / steps;
        }
        SplittableRandom noise = new SplittableRandom(seed);
        float[] x = new float[CHANNELS * size.latentHeight(FACTOR) * size.latentWidth(FACTOR)];
        for (int i = 0; i < x.length; i++) {
            x[i] = noise.nextFloat() - 0.5f;
        }
        return new LatentState(size, CHANNELS, FACTOR, x, timesteps, sigmas);
    }

    @Override
    public void denoise(List<DenoiseItem> batch) {
        long latentPixels = 0;
        for (DenoiseItem item : batch) {
            LatentState s = item.state();
            float shift = item.conditioning().hiddenStates()[0];
            float done = (float) (s.stepsDone() + 1) / s.totalSteps();
            float[] x = s.x();
            float[] x0 = s.x0();
            for (int i = 0; i < x.length; i++) {
                x0[i] = (x[i] + shift) * done;
            }
            s.advance();
            latentPixels += (long) s.latentHeight() * s.latentWidth();
        }
        LockSupport.parkNanos(STEP_NANOS_PER_1024_IMAGE * latentPixels / LATENT_PIXELS_1024);
    }

    /** Pixels in [-1, 1]: channel c of pixel (x, y) is x0_hat's channel c at (x / 8, y / 8). */
    @Override
    public List<DecodedImage> decode(List<LatentState> finished) {
        List<DecodedImage> out = new ArrayList<>();
        for (LatentState s : finished) {
            int w = s.size().width();
            int h = s.size().height();
            int lw = s.latentWidth();
            int lh = s.latentHeight();
            float[] x0 = s.x0();
            float[] rgb = new float[3 * h * w];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        rgb[(c * h + y) * w + x] = 2 * x0[(c * lh + y / FACTOR) * lw + x / FACTOR];
                    }
                }
            }
            out.add(new DecodedImage(rgb, 0, w, h));
        }
        return out;
    }
}
