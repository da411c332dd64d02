package dev.strobe.scheduler;

import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.PreviewFrame;

/**
 * Where a generation's results go (the service layer's stream implements it per request). Either
 * {@link #done} or {@link #failed} is called exactly once, last.
 *
 * <p>Threads: {@link #preview} is called on the device thread and must return at once (store the
 * frame, render it elsewhere). {@link #image} is called on an output thread and may take its time
 * (it renders the image); the others are called on output threads or the device thread.
 */
public interface GenerationSink {

    /** A preview frame is ready; a slow consumer keeps only the newest per image. */
    void preview(PreviewFrame frame);

    /** A final image, as the VAE decoded it; {@code seed} is the seed of its noise. */
    void image(int imageIndex, long seed, DecodedImage image);

    /** All images were delivered. */
    void done(Timings timings);

    /** The generation ended with an error; nothing follows. */
    void failed(StrobeException error);
}
