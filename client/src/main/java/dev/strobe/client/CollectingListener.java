package dev.strobe.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects every event of one call for the blocking {@code generate}. Written by the call's callback
 * thread; read by the waiting caller after the call's completion future completed (which orders the
 * writes before the read).
 */
final class CollectingListener implements GenerationListener {

    private GenerationEvent.Queued queued;
    private final List<GenerationEvent.Preview> previews = new ArrayList<>();
    private final List<GenerationEvent.Image> images = new ArrayList<>();
    private GenerationEvent.Done done;

    @Override
    public void onEvent(GenerationEvent event) {
        if (event instanceof GenerationEvent.Queued q) {
            queued = q;
        } else if (event instanceof GenerationEvent.Preview p) {
            previews.add(p);
        } else if (event instanceof GenerationEvent.Image i) {
            images.add(i);
        } else if (event instanceof GenerationEvent.Done d) {
            done = d;
        }
    }

    @Override
    public void onError(StrobeException error) {
        // The blocking caller reads the error from the completion future.
    }

    GenerationResult result(int attempts) {
        List<GenerationEvent.Image> ordered = new ArrayList<>(images);
        ordered.sort(Comparator.comparingInt(GenerationEvent.Image::imageIndex));
        return new GenerationResult(queued, previews, ordered, done, attempts);
    }
}
