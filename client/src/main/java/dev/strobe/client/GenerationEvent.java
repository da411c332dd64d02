package dev.strobe.client;

import com.google.protobuf.ByteString;
import dev.strobe.api.v1.ImageFormat;

/**
 * One event of a {@code Generate} stream, as the client library hands it to a {@link GenerationListener}.
 *
 * <p>The server sends, in this order: one {@link Queued}; for every image a {@link Preview} per step
 * (lossy: the server may skip older previews for a slow reader); one {@link Image} per image; and
 * {@link Done} as the very last event. The records are immutable and safe to pass between threads.
 */
public sealed interface GenerationEvent
        permits GenerationEvent.Queued, GenerationEvent.Preview, GenerationEvent.Image, GenerationEvent.Done {

    /**
     * The request was accepted and waits for the model; the sizes and counts are the resolved values
     * (defaults filled in by the server).
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
            implements GenerationEvent {}

    /**
     * A cheap rendering of image {@code imageIndex} after 1-based {@code step} of {@code totalSteps}.
     */
    record Preview(int imageIndex, int step, int totalSteps, int width, int height, ImageFormat format, ByteString data)
            implements GenerationEvent {}

    /**
     * A final image. {@code seed} is an unsigned 64-bit value: print it with
     * {@link Long#toUnsignedString(long)}.
     */
    record Image(int imageIndex, long seed, int width, int height, ImageFormat format, ByteString data)
            implements GenerationEvent {

        /** The seed as the unsigned decimal the server means. */
        public String seedText() {
            return Long.toUnsignedString(seed);
        }
    }

    /** The last event of a successful stream, with the server's stage timings. */
    record Done(Timings timings, String requestId) implements GenerationEvent {}
}
