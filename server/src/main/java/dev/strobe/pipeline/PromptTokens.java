package dev.strobe.pipeline;

/**
 * A prompt tokenized for both SDXL text encoders.
 *
 * @param ids1 77 ids for text_encoder (padded with end-of-text)
 * @param ids2 77 ids for text_encoder_2 (padded with "!")
 * @param promptTokens BPE tokens of the prompt before truncation (without start and end tokens)
 * @param truncated true when the prompt had more tokens than fit and was cut
 */
public record PromptTokens(long[] ids1, long[] ids2, int promptTokens, boolean truncated) {}
