package dev.strobe.service.stream;

import dev.strobe.errors.StrobeException;

/**
 * A frontend's side of a generation stream: turns events into its protocol's messages. The stream
 * calls these methods one at a time, from its drain task on the output executor, never
 * concurrently; after {@link #complete} or {@link #fail}, never again.
 *
 * <p>Flow control: the stream writes only while {@link #isReady} is true. A writer whose transport
 * cannot take more must return false and call {@link GenerationStream#onReady} once it can; what
 * waits meanwhile stays in the stream, where newer previews replace older ones.
 */
public interface EventWriter {

    /** Whether the transport can take another event now. */
    boolean isReady();

    /** Sends one event (only called while ready). */
    void write(StreamEvent event);

    /** Ends the stream successfully, after {@link StreamEvent.Done}. */
    void complete();

    /**
     * Ends the stream with an error, whether or not the transport is ready: a writer that cannot
     * deliver it (a client that stopped reading) aborts its transport stream instead.
     */
    void fail(StrobeException error);
}
