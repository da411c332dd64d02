package dev.strobe.client;

import dev.strobe.api.v1.GenerateEvent;
import java.util.Optional;

/**
 * Maps the wire messages of {@code strobe.v1} to the client's {@link GenerationEvent} records.
 * Stateless; called on gRPC callback threads.
 */
final class EventMapper {

    private EventMapper() {}

    /**
     * Returns the typed event, or empty for an event kind this client does not know (the contract allows
     * new kinds to be added; an old client skips them).
     */
    static Optional<GenerationEvent> map(GenerateEvent event) {
        return Optional.ofNullable(
                switch (event.getEventCase()) {
                    case QUEUED -> {
                        var q = event.getQueued();
                        yield new GenerationEvent.Queued(
                                q.getPosition(),
                                q.getRequestId(),
                                q.getPromptTokens(),
                                q.getPromptTruncated(),
                                q.getModel(),
                                q.getWidth(),
                                q.getHeight(),
                                q.getSteps(),
                                q.getNumImages());
                    }
                    case PREVIEW -> {
                        var p = event.getPreview();
                        yield new GenerationEvent.Preview(
                                p.getImageIndex(),
                                p.getStep(),
                                p.getTotalSteps(),
                                p.getWidth(),
                                p.getHeight(),
                                p.getFormat(),
                                p.getData());
                    }
                    case IMAGE -> {
                        var i = event.getImage();
                        yield new GenerationEvent.Image(
                                i.getImageIndex(),
                                i.getSeed(),
                                i.getWidth(),
                                i.getHeight(),
                                i.getFormat(),
                                i.getData());
                    }
                    case DONE -> {
                        var d = event.getDone();
                        var t = d.getTimings();
                        yield new GenerationEvent.Done(
                                new Timings(
                                        t.getQueueMs(),
                                        t.getEncodeMs(),
                                        t.getDenoiseMs(),
                                        t.getDecodeMs(),
                                        t.getTotalMs(),
                                        t.getFirstPreviewMs(),
                                        t.getWaitMs()),
                                d.getRequestId());
                    }
                    case EVENT_NOT_SET -> null;
                });
    }
}
