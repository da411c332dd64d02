package dev.strobe.client;

import java.util.concurrent.CompletableFuture;

/**
 * Controls a running streaming {@code generate} call. Thread-safe: any thread may cancel.
 */
public interface GenerationHandle {

    /**
     * Cancels the call: the server is told at once (the stream is reset, so it stops work on the
     * request), pending retries are dropped, and the listener gets one {@link GenerationListener#onError}
     * with CANCELLED unless the call had already ended. Cancelling an ended call does nothing.
     */
    void cancel(String reason);

    /**
     * Completes with the {@link GenerationEvent.Done} event, or exceptionally with the
     * {@link StrobeException} given to the listener. Complete after the listener's last callback returned.
     */
    CompletableFuture<GenerationEvent.Done> completion();

    /** Attempts started so far (1 until a retry starts). */
    int attempts();
}
