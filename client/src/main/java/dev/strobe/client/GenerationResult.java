package dev.strobe.client;

import java.util.List;

/**
 * Everything one blocking {@link StrobeClient#generate(dev.strobe.api.v1.GenerateRequest)} call
 * received, in arrival order.
 *
 * @param queued the queued event (resolved model, size, steps, number of images)
 * @param previews all previews received (possibly fewer than steps x images: previews are lossy)
 * @param images the final images, ordered by image index
 * @param done the last event, with the server's timings
 * @param attempts how many attempts the call needed (1 without retries)
 */
public record GenerationResult(
        GenerationEvent.Queued queued,
        List<GenerationEvent.Preview> previews,
        List<GenerationEvent.Image> images,
        GenerationEvent.Done done,
        int attempts) {

    public GenerationResult {
        previews = List.copyOf(previews);
        images = List.copyOf(images);
    }

    /** The server's stage timings. */
    public Timings timings() {
        return done.timings();
    }

    /** The seeds of the images in index order, as unsigned decimals. */
    public List<String> seeds() {
        return images.stream().map(GenerationEvent.Image::seedText).toList();
    }
}
