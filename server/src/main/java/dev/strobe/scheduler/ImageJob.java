package dev.strobe.scheduler;

import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.LatentState;

/**
 * One image of a generation as it moves through denoising and decoding. Device thread only,
 * except {@link #decoded}, handed to an output thread after decoding.
 */
final class ImageJob {
    final Generation generation;
    final int index;
    final LatentState state;
    /**
     * Since when the job waits for a UNet call of its group: the end of its text encoding, of its
     * last step, or of the last call of its group that passed it over (fairness: earliest first).
     */
    long readySince;

    DecodedImage decoded;

    ImageJob(Generation generation, int index, LatentState state, long readySince) {
        this.generation = generation;
        this.index = index;
        this.state = state;
        this.readySince = readySince;
    }

    String model() {
        return generation.spec().model();
    }

    long arrival() {
        return generation.spec().arrivalNanos();
    }
}
