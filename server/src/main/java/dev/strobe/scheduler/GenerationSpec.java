package dev.strobe.scheduler;

import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.PromptTokens;

/**
 * A validated generation request with every default resolved.
 *
 * @param model the served model's name
 * @param tokens the tokenized prompt
 * @param size image size in pixels
 * @param seed seed of image 0; image i uses {@code seed + i}
 * @param numImages 1..4
 * @param deadlineNanos absolute deadline on the scheduler's clock, {@link Long#MAX_VALUE} for none
 * @param arrivalNanos when the request arrived, on the scheduler's clock
 */
public record GenerationSpec(
        String model,
        PromptTokens tokens,
        ImageSize size,
        long seed,
        int numImages,
        PreviewSpec preview,
        ImageFormat outputFormat,
        String requestId,
        long deadlineNanos,
        long arrivalNanos) {

    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /** The seed of image {@code index}: seed + index, wrapping modulo 2^64. */
    public long imageSeed(int index) {
        return seed + index;
    }
}
