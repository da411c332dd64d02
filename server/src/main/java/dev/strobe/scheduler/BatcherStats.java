package dev.strobe.scheduler;

/**
 * A snapshot of the batcher's load.
 *
 * @param queued requests admitted and waiting for text encoding
 * @param activeImages images between text encoding and delivery
 * @param denoising images currently in the denoise set
 * @param completed requests that ended with done
 * @param failed requests that ended with an error or were cancelled
 */
public record BatcherStats(int queued, int activeImages, int denoising, long completed, long failed) {}
