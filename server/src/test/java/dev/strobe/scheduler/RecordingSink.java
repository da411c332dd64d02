package dev.strobe.scheduler;

import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.PreviewFrame;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a generation delivered, in order. */
final class RecordingSink implements GenerationSink {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile Timings timings;
    volatile StrobeException error;

    @Override
    public void preview(PreviewFrame frame) {
        events.add("preview " + frame.imageIndex() + " " + frame.step() + "/" + frame.totalSteps());
    }

    @Override
    public void image(int imageIndex, long seed, DecodedImage image) {
        events.add("image " + imageIndex + " seed " + seed);
    }

    @Override
    public void done(Timings t) {
        timings = t;
        events.add("done");
    }

    @Override
    public void failed(StrobeException e) {
        error = e;
        events.add("failed " + e.kind());
    }

    boolean ended() {
        return timings != null || error != null;
    }
}
