package dev.strobe.pipeline;

import java.util.List;

/**
 * The three model stages of one served model, as the scheduler drives them: batched text
 * encoding, one UNet step over a batch of images (each at its own step), batched VAE decoding.
 *
 * <p>All methods are called from the scheduler's device thread only.
 */
public interface ModelStages {

    /** Per-call limits of this model's engines. */
    StageLimits limits();

    /** Encodes a batch of prompts (one text-encoder call per encoder). */
    List<Conditioning> encode(List<PromptTokens> prompts);

    /** The initial latent for an image: noise from the seed, scaled by the first sigma. */
    LatentState initialLatent(ImageSize size, long seed);

    /**
     * Runs one UNet call over the batch and advances every item by one step: x0_hat and x_k+1
     * are written into each state. Items share a latent shape; with a scalar-timestep UNet they
     * also share a timestep.
     */
    void denoise(List<DenoiseItem> batch);

    /** Decodes the final latents (x0_hat of the last step) of a batch of finished images. */
    List<DecodedImage> decode(List<LatentState> finished);
}
