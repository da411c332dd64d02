package dev.strobe.scheduler;

import java.time.Duration;

/**
 * Batching policy of one stage.
 *
 * @param maxBatch cap on items per call (the engine's own limit may be lower)
 * @param maxWait how long the oldest item may wait for a fuller batch; zero never waits
 */
public record StagePolicy(int maxBatch, Duration maxWait) {
    public StagePolicy {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative");
        }
    }

    public static StagePolicy of(int maxBatch) {
        return new StagePolicy(maxBatch, Duration.ZERO);
    }
}
