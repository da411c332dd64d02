package dev.strobe.scheduler;

/** Wall-clock milliseconds a request spent in each stage (see strobe.v1.Timings). */
public record Timings(
        double queueMs, double encodeMs, double denoiseMs, double decodeMs, double totalMs, double firstPreviewMs) {}
