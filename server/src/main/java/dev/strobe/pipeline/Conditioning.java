package dev.strobe.pipeline;

/**
 * The text conditioning of one prompt for one model: the concatenated penultimate hidden states of
 * both text encoders ([77, 2048] for SDXL) and the pooled embedding of the second ([1280]).
 * Immutable once built; shared by every image of a request.
 */
public record Conditioning(float[] hiddenStates, float[] pooled) {}
