package dev.strobe.scheduler;

/**
 * Wall-clock milliseconds a request spent in each stage (see strobe.v1.Timings). The stages
 * partition the request's life: queue + encode + wait + denoise + decode = total.
 *
 * @param queueMs from arrival to the start of text encoding (validation, tokenizing, the queue)
 * @param encodeMs text encoding
 * @param denoiseMs from the first UNet step of the request to the end of its last one
 * @param decodeMs from the end of the last UNet step to the last image (waiting for the VAE,
 *     VAE decoding, image encoding)
 * @param totalMs from arrival to the last image
 * @param firstPreviewMs from arrival to the first preview (0 without previews); not a stage
 * @param waitMs from the end of text encoding to the request's first UNet step
 */
public record Timings(
        double queueMs,
        double encodeMs,
        double denoiseMs,
        double decodeMs,
        double totalMs,
        double firstPreviewMs,
        double waitMs) {

    /** The sum of the stages (equals {@link #totalMs} up to rounding). */
    public double stagesMs() {
        return queueMs + encodeMs + waitMs + denoiseMs + decodeMs;
    }
}
