package dev.strobe.pipeline;

/** One image in a UNet call: its sampling state and its request's conditioning. */
public record DenoiseItem(LatentState state, Conditioning conditioning) {}
