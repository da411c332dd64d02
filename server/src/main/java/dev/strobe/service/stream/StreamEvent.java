package dev.strobe.service.stream;

import dev.strobe.pipeline.EncodedImage;
import dev.strobe.scheduler.Timings;

/**
 * What a generation stream delivers to its frontend, in this order: one {@link Queued}; previews
 * (lossy: a slow reader skips older ones); one {@link FinalImage} per image; {@link Done} last. A
 * failure ends the stream instead ({@link EventWriter#fail}). Images arrive already encoded.
 */
public sealed interface StreamEvent {

    /**
     * The request was admitted.
     *
     * @param position requests waiting ahead of it
     * @param promptTokens prompt tokens before truncation (without start and end tokens)
     */
    record Queued(
            int position,
            String requestId,
            int promptTokens,
            boolean promptTruncated,
            String model,
            int width,
            int height,
            int steps,
            int numImages)
            implements StreamEvent {}

    /** The preview of image {@code imageIndex} after 1-based {@code step} of {@code totalSteps}. */
    record Preview(int imageIndex, int step, int totalSteps, EncodedImage image) implements StreamEvent {}

    /** A final image; {@code seed} is the seed of its noise. */
    record FinalImage(int imageIndex, long seed, EncodedImage image) implements StreamEvent {}

    /** Every image was delivered; the last event of a successful stream. */
    record Done(Timings timings, String requestId) implements StreamEvent {}
}
