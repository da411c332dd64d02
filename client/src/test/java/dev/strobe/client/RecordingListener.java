package dev.strobe.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that records every callback, for assertions on the test thread. */
class RecordingListener implements GenerationListener {

    private final List<GenerationEvent> events = new CopyOnWriteArrayList<>();
    private final List<StrobeException> errors = new CopyOnWriteArrayList<>();
    private final List<Integer> retryAttempts = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(GenerationEvent event) {
        events.add(event);
    }

    @Override
    public void onError(StrobeException error) {
        errors.add(error);
    }

    @Override
    public void onRetry(int nextAttempt, StrobeException cause, Duration backoff) {
        retryAttempts.add(nextAttempt);
    }

    List<GenerationEvent> events() {
        return List.copyOf(events);
    }

    List<StrobeException> errors() {
        return List.copyOf(errors);
    }

    List<Integer> retryAttempts() {
        return List.copyOf(retryAttempts);
    }
}
