package dev.strobe.client;

import java.time.Duration;

/**
 * Receives the events of one streaming {@code generate} call.
 *
 * <p>Callbacks run on gRPC's callback executor (or the client's retry scheduler), one at a time for a
 * given call, never concurrently; keep them short, because the next event is not requested until a
 * callback returns. Every call ends with exactly one of: a {@link GenerationEvent.Done} passed to
 * {@link #onEvent}, or {@link #onError}.
 */
public interface GenerationListener {

    /** An event of the stream, in the server's order; a {@link GenerationEvent.Done} is the last one. */
    void onEvent(GenerationEvent event);

    /** The call failed (after any retries) or was cancelled; no further callbacks follow. */
    void onError(StrobeException error);

    /**
     * An attempt failed before any event arrived and will be retried after {@code backoff}.
     *
     * @param nextAttempt the 1-based number of the attempt about to be made (2 for the first retry)
     */
    default void onRetry(int nextAttempt, StrobeException cause, Duration backoff) {}
}
