package dev.strobe.scheduler;

import dev.strobe.pipeline.ImageSize;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long the VAE takes per image, by model and image size: a moving average of the decodes the
 * device ran (each new call weighs a quarter). Device thread only.
 */
final class DecodeCost {
    private static final double WEIGHT = 0.25;

    private record Key(String model, ImageSize size) {}

    private final Map<Key, Double> nanosPerImage = new HashMap<>();

    /** Records one decode call of {@code batch} (one model and size) that took {@code nanos}. */
    void observe(List<ImageJob> batch, long nanos) {
        double perImage = (double) nanos / batch.size();
        nanosPerImage.merge(key(batch.get(0)), perImage, (old, now) -> old + WEIGHT * (now - old));
    }

    /**
     * The expected duration of a decode of {@code batch}; {@link Long#MAX_VALUE} for a model and
     * size not decoded yet.
     */
    long expectedNanos(List<ImageJob> batch) {
        Double perImage = nanosPerImage.get(key(batch.get(0)));
        return perImage == null ? Long.MAX_VALUE : Math.round(perImage * batch.size());
    }

    private static Key key(ImageJob j) {
        return new Key(j.model(), j.state.size());
    }
}
