package dev.strobe.client;

/**
 * Wall-clock time the server spent in each stage of one request, in milliseconds, as reported in the
 * {@code done} event. The stages follow each other and add up to the total: queue + encode + wait +
 * denoise + decode = total. {@code firstPreviewMs} (a milestone, not a stage) is 0 when the request
 * asked for no previews; {@code waitMs} is the wait between text encoding and the first UNet step.
 */
public record Timings(
        double queueMs,
        double encodeMs,
        double denoiseMs,
        double decodeMs,
        double totalMs,
        double firstPreviewMs,
        double waitMs) {}
