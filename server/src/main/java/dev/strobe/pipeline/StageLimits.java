package dev.strobe.pipeline;

/**
 * What one model's stages accept per call.
 *
 * @param encodeMaxBatch prompts per text-encoder call
 * @param denoiseMaxBatch images per UNet call
 * @param decodeMaxBatch images per VAE call
 * @param perSampleTimestep true when the UNet takes a [B] timestep vector; false for a scalar
 *     timestep, which makes the batcher group images by timestep as well
 */
public record StageLimits(int encodeMaxBatch, int denoiseMaxBatch, int decodeMaxBatch, boolean perSampleTimestep) {
    public StageLimits {
        if (encodeMaxBatch < 1 || denoiseMaxBatch < 1 || decodeMaxBatch < 1) {
            throw new IllegalArgumentException("batch limits must be >= 1");
        }
    }
}
