package dev.strobe.scheduler;

import java.time.Duration;

/**
 * Limits of the batcher. Defaults suit the tiny model on a 2-core CPU; see the README for an
 * H100 starting point.
 *
 * @param queueSize requests admitted but not yet started (waiting for text encoding); one more
 *     is refused at once with QUEUE_FULL
 * @param maxActiveImages images between text encoding and delivery; new requests start only
 *     when their images fit (bounds memory and keeps latency predictable)
 * @param encode text-encoder batching (prompts per call)
 * @param denoise UNet batching (images per call)
 * @param decode VAE batching (images per call)
 * @param denoiseOrder which ready images fill a UNet call when more are ready than it holds
 * @param decodeYieldMin under {@link DenoiseOrder#FIRST_STEP}, the shortest VAE decode (as
 *     expected from the last ones of its model and size) that waits for new images to take their
 *     first step; a shorter one runs first, since the extra UNet call would cost the running
 *     images more than it saves a first preview. Zero: the VAE always yields
 */
public record BatcherConfig(
        int queueSize,
        int maxActiveImages,
        StagePolicy encode,
        StagePolicy denoise,
        StagePolicy decode,
        DenoiseOrder denoiseOrder,
        Duration decodeYieldMin) {

    /** The order new servers use unless told otherwise. */
    public static final DenoiseOrder DEFAULT_ORDER = DenoiseOrder.FIRST_STEP;

    /** The shortest decode the VAE yields for, unless told otherwise. */
    public static final Duration DEFAULT_DECODE_YIELD_MIN = Duration.ofMillis(25);

    /** A configuration with the default denoise order. */
    public BatcherConfig(
            int queueSize, int maxActiveImages, StagePolicy encode, StagePolicy denoise, StagePolicy decode) {
        this(queueSize, maxActiveImages, encode, denoise, decode, DEFAULT_ORDER, DEFAULT_DECODE_YIELD_MIN);
    }

    public BatcherConfig {
        if (denoiseOrder == null) {
            throw new IllegalArgumentException("denoiseOrder must be set");
        }
        if (decodeYieldMin == null || decodeYieldMin.isNegative()) {
            throw new IllegalArgumentException("decodeYieldMin must be zero or more");
        }
        if (queueSize < 0) {
            throw new IllegalArgumentException("queueSize must be >= 0");
        }
        if (maxActiveImages < 4) {
            throw new IllegalArgumentException("maxActiveImages must be >= 4 (a request may have 4 images)");
        }
    }

    public static BatcherConfig defaults() {
        return new BatcherConfig(64, 32, StagePolicy.of(8), StagePolicy.of(8), StagePolicy.of(2));
    }

    public BatcherConfig withDenoise(StagePolicy p) {
        return new BatcherConfig(queueSize, maxActiveImages, encode, p, decode, denoiseOrder, decodeYieldMin);
    }

    public BatcherConfig withQueueSize(int q) {
        return new BatcherConfig(q, maxActiveImages, encode, denoise, decode, denoiseOrder, decodeYieldMin);
    }

    public BatcherConfig withMaxActiveImages(int m) {
        return new BatcherConfig(queueSize, m, encode, denoise, decode, denoiseOrder, decodeYieldMin);
    }

    public BatcherConfig withDecodeYieldMin(Duration d) {
        return new BatcherConfig(queueSize, maxActiveImages, encode, denoise, decode, denoiseOrder, d);
    }

    public BatcherConfig withDenoiseOrder(DenoiseOrder o) {
        return new BatcherConfig(queueSize, maxActiveImages, encode, denoise, decode, o, decodeYieldMin);
    }
}
