package dev.strobe.scheduler;

import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.Conditioning;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.ModelStages;
import dev.strobe.pipeline.PreviewFrame;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request in flight: its spec, its sink, and its progress through the stages. Created by the
 * service, handed to {@link Batcher#submit}; the batcher's device and output threads advance it.
 *
 * <p>Stage timestamps are written by the device thread (and the output threads for the last
 * image) and read when the request ends; they are volatile for that hand-over. Terminal delivery
 * ({@code done} or {@code failed}) happens exactly once, guarded by an atomic flag.
 */
public final class Generation {
    private final GenerationSpec spec;
    private final GenerationSink sink;
    private final AtomicBoolean terminal = new AtomicBoolean();
    private final AtomicInteger imagesDelivered = new AtomicInteger();
    private volatile boolean cancelled;

    /** The served model's stages, looked up once when the batcher admits the request. */
    volatile ModelStages stages;

    // Device thread only.
    Conditioning conditioning;

    volatile long encodeStart;
    volatile long encodeEnd;
    volatile long denoiseStart;
    volatile long denoiseEnd;
    volatile long firstPreview;

    public Generation(GenerationSpec spec, GenerationSink sink) {
        this.spec = spec;
        this.sink = sink;
    }

    public GenerationSpec spec() {
        return spec;
    }

    /** Asks the batcher to drop this request; it leaves before the next UNet call. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** True once done or failed was delivered. */
    public boolean isFinished() {
        return terminal.get();
    }

    boolean expired(long now) {
        return now >= spec.deadlineNanos();
    }

    void preview(PreviewFrame frame, long now) {
        if (firstPreview == 0) {
            firstPreview = now;
        }
        if (!terminal.get()) {
            sink.preview(frame);
        }
    }

    /** Delivers an image; returns true when it was the last one. */
    boolean deliverImage(int index, DecodedImage image) {
        if (terminal.get()) {
            return false;
        }
        sink.image(index, spec.imageSeed(index), image);
        return imagesDelivered.incrementAndGet() == spec.numImages();
    }

    void complete(long now) {
        if (terminal.compareAndSet(false, true)) {
            sink.done(timings(now));
        }
    }

    /** Delivers the failure unless the request already ended; returns true if it was delivered. */
    boolean fail(StrobeException e) {
        if (terminal.compareAndSet(false, true)) {
            sink.failed(e);
            return true;
        }
        return false;
    }

    /**
     * The stages as consecutive intervals between the request's milestones, so that they add up
     * to the total exactly: a milestone that a clock quirk put before the previous one counts as
     * the previous one (that stage is 0).
     */
    Timings timings(long now) {
        long arrival = spec.arrivalNanos();
        long encoding = Math.max(arrival, encodeStart);
        long encoded = Math.max(encoding, encodeEnd);
        long firstStep = Math.max(encoded, denoiseStart);
        long lastStep = Math.max(firstStep, denoiseEnd);
        long end = Math.max(lastStep, now);
        return new Timings(
                ms(encoding - arrival),
                ms(encoded - encoding),
                ms(lastStep - firstStep),
                ms(end - lastStep),
                ms(end - arrival),
                firstPreview == 0 ? 0 : ms(firstPreview - arrival),
                ms(firstStep - encoded));
    }

    private static double ms(long nanos) {
        return Math.max(0, nanos) / 1e6;
    }
}
