package dev.strobe.scheduler;

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
 */
public record BatcherConfig(
        int queueSize,
        int maxActiveImages,
        StagePolicy encode,
        StagePolicy denoise,
        StagePolicy decode,
        DenoiseOrder denoiseOrder) {

    /** The order new servers use unless told otherwise. */
    public static final DenoiseOrder DEFAULT_ORDER = DenoiseOrder.FIRST_STEP;

    /** A configuration with the default denoise order. */
    public BatcherConfig(
            int queueSize, int maxActiveImages, StagePolicy encode, StagePolicy denoise, StagePolicy decode) {
        this(queueSize, maxActiveImages, encode, denoise, decode, DEFAULT_ORDER);
    }

    public BatcherConfig {
        if (denoiseOrder == null) {
            throw new IllegalArgumentException("denoiseOrder must be set");
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
        return new BatcherConfig(queueSize, maxActiveImages, encode, p, decode, denoiseOrder);
    }

    public BatcherConfig withQueueSize(int q) {
        return new BatcherConfig(q, maxActiveImages, encode, denoise, decode, denoiseOrder);
    }

    public BatcherConfig withMaxActiveImages(int m) {
        return new BatcherConfig(queueSize, m, encode, denoise, decode, denoiseOrder);
    }

    public BatcherConfig withDenoiseOrder(DenoiseOrder o) {
        return new BatcherConfig(queueSize, maxActiveImages, encode, denoise, decode, o);
    }
}
