package dev.strobe.pipeline;

/**
 * One image of a VAE decoder output: values in about [-1, 1], layout [3, height, width] starting
 * at {@code offset} of {@code data} (the whole batch output, shared and never written again).
 */
public record DecodedImage(float[] data, int offset, int width, int height) {}
