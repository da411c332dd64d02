package dev.strobe.loadtest.driver;

import dev.strobe.client.GenerationEvent;
import dev.strobe.client.GenerationListener;
import dev.strobe.client.StrobeException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Watches one request of a load run: the time of its first preview and of its last image, counted
 * from the request's intended start, and how it ended. Reports once to {@link Measurements}, then
 * tells the driver through {@code onFinished}.
 *
 * <p>Event callbacks come from the sender (one at a time); {@link #abandon} comes from the driver
 * thread at the end of the drain. {@link #finished} makes sure exactly one of them reports.
 */
final class RequestObserver implements GenerationListener {

    private final Ticker ticker;
    private final Measurements measurements;
    private final long intendedNanos;
    private final boolean measured;
    private final Consumer<RequestObserver> onFinished;
    private final AtomicBoolean finished = new AtomicBoolean();

    private volatile RequestSender.InFlight inFlight;
    /** Written and read by the sender's callbacks only (serialized). */
    private long firstPreviewNanos = -1;

    private long lastImageNanos = -1;
    private int images;

    RequestObserver(
            Ticker ticker,
            Measurements measurements,
            long intendedNanos,
            boolean measured,
            Consumer<RequestObserver> onFinished) {
        this.ticker = ticker;
        this.measurements = measurements;
        this.intendedNanos = intendedNanos;
        this.measured = measured;
        this.onFinished = onFinished;
    }

    /** Remembers the request's handle so {@link #abandon} can cancel it. */
    void attach(RequestSender.InFlight handle) {
        this.inFlight = handle;
    }

    @Override
    public void onEvent(GenerationEvent event) {
        if (finished.get()) {
            return;
        }
        long now = ticker.nanoTime();
        if (event instanceof GenerationEvent.Preview) {
            if (firstPreviewNanos < 0) {
                firstPreviewNanos = now;
            }
        } else if (event instanceof GenerationEvent.Image) {
            lastImageNanos = now;
            images++;
        } else if (event instanceof GenerationEvent.Done done) {
            if (finished.compareAndSet(false, true)) {
                long finalImage = lastImageNanos >= 0 ? lastImageNanos : now;
                measurements.requestCompleted(new Measurements.Completion(
                        measured,
                        intendedNanos,
                        firstPreviewNanos,
                        finalImage,
                        now,
                        images,
                        done.timings().queueMs()));
                onFinished.accept(this);
            }
        }
    }

    @Override
    public void onError(StrobeException error) {
        if (finished.compareAndSet(false, true)) {
            measurements.requestFailed(measured, error.code().name());
            onFinished.accept(this);
        }
    }

    /** Gives up on the request (the drain timeout passed): counts it as incomplete and cancels it. */
    void abandon(String reason) {
        if (finished.compareAndSet(false, true)) {
            measurements.requestIncomplete(measured);
            RequestSender.InFlight handle = inFlight;
            if (handle != null) {
                handle.cancel(reason);
            }
            onFinished.accept(this);
        }
    }
}
