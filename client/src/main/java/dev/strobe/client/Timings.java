package dev.strobe.client;

/**
 * Wall-clock time the server spent in each stage of one request, in milliseconds, as reported in the
 * {@code done} event. {@code firstPreviewMs} is 0 when the request asked for no previews.
 */
public record Timings(
    double queueMs,
    double encodeMs,
    double denoiseMs,
    double decodeMs,
    double totalMs,
    double firstPreviewMs) {}
