package dev.strobe.http;

import dev.strobe.errors.StrobeException;
import dev.strobe.service.stream.EventWriter;
import dev.strobe.service.stream.StreamEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * A generation answered as one JSON response (a request without {@code stream}): collects the
 * final images and answers OpenAI's {@code ImagesResponse} after {@code done}, or an error
 * response with the error's status. Always ready: the body is written once, at the end. Called
 * by the stream's drain task, one call at a time.
 */
final class BufferedImagesWriter implements EventWriter {
    private final ResponseChannel out;
    private final List<StreamEvent.FinalImage> images = new ArrayList<>();
    private StreamEvent.Queued queued;
    private StreamEvent.Done done;

    BufferedImagesWriter(ResponseChannel out) {
        this.out = out;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void write(StreamEvent event) {
        if (event instanceof StreamEvent.Queued q) {
            queued = q;
        } else if (event instanceof StreamEvent.FinalImage i) {
            images.add(i);
        } else if (event instanceof StreamEvent.Done d) {
            done = d;
        }
    }

    @Override
    public void complete() {
        // Images finish in any order on the output threads; data[] lists them by index.
        images.sort(java.util.Comparator.comparingInt(StreamEvent.FinalImage::imageIndex));
        out.begin(200, "application/json");
        out.write(
                SseEventWriter.utf8(ImagesJson.response(images, queued, done, System.currentTimeMillis() / 1000)
                        .toString()),
                true,
                x -> {});
    }

    @Override
    public void fail(StrobeException error) {
        HttpErrors.respond(out, error);
    }
}
