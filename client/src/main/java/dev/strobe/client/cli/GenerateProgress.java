package dev.strobe.client.cli;

import dev.strobe.client.GenerationEvent;
import dev.strobe.client.GenerationHandle;
import dev.strobe.client.GenerationListener;
import dev.strobe.client.StrobeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The generate command's listener: prints the queued line and the progress bar, saves previews as
 * they arrive, keeps the final images, and afterwards writes them and builds the report.
 *
 * <p>Callbacks run on the call's gRPC callback thread; {@link #writeImages} and the getters run on the
 * main thread after the call's completion future completed, which orders the callback writes before.
 */
final class GenerateProgress implements GenerationListener {

    private final PrintStream out;
    private final PrintStream err;
    private final ProgressPrinter progress;
    private final ImageFiles files;
    private final LongSupplier nanoClock;
    private final long startNanos;

    private volatile GenerationHandle handle;
    private GenerationEvent.Queued queued;
    private final List<Path> previewFiles = new ArrayList<>();
    private final List<GenerationEvent.Image> images = new ArrayList<>();
    private GenerationEvent.Done done;
    private long doneNanos;
    private volatile IOException localFailure;

    GenerateProgress(
            PrintStream out,
            PrintStream err,
            ProgressPrinter progress,
            ImageFiles files,
            LongSupplier nanoClock,
            long startNanos) {
        this.out = out;
        this.err = err;
        this.progress = progress;
        this.files = files;
        this.nanoClock = nanoClock;
        this.startNanos = startNanos;
    }

    /** Gives the listener the call's handle so that a local write failure can cancel the call. */
    void attach(GenerationHandle handle) {
        this.handle = handle;
        if (localFailure != null) {
            handle.cancel("cannot write a preview");
        }
    }

    @Override
    public void onEvent(GenerationEvent event) {
        if (event instanceof GenerationEvent.Queued q) {
            queued = q;
            out.printf(
                    "queued at position %d: model %s, %dx%d, %d steps, %d image(s), request %s%n",
                    q.position(), q.model(), q.width(), q.height(), q.steps(), q.numImages(), q.requestId());
            if (q.promptTruncated()) {
                out.printf("note: the prompt has %d tokens; only the first 75 were used%n", q.promptTokens());
            }
        } else if (event instanceof GenerationEvent.Preview p) {
            savePreview(p);
            int imageCount = queued != null ? queued.numImages() : 1;
            progress.step(p.imageIndex(), imageCount, p.step(), p.totalSteps(), elapsedMs());
        } else if (event instanceof GenerationEvent.Image i) {
            images.add(i);
        } else if (event instanceof GenerationEvent.Done d) {
            done = d;
            doneNanos = nanoClock.getAsLong();
        }
    }

    @Override
    public void onError(StrobeException error) {
        // Reported by the main thread from the completion future.
    }

    @Override
    public void onRetry(int nextAttempt, StrobeException cause, Duration backoff) {
        progress.finishLine();
        err.printf(
                "retrying (attempt %d) in %d ms after %s: %s%n",
                nextAttempt, backoff.toMillis(), cause.code(), GenerateMain.oneLine(cause.description()));
    }

    /** Ends an open progress line; main thread, after the call ended. */
    void finishOutput() {
        progress.finishLine();
        out.flush();
    }

    IOException localFailure() {
        return localFailure;
    }

    /** Writes the final images and returns what the command reports. Main thread, after done. */
    GenerateReport writeImages(String requestId, int attempts) throws IOException {
        List<GenerationEvent.Image> ordered = new ArrayList<>(images);
        ordered.sort(Comparator.comparingInt(GenerationEvent.Image::imageIndex));
        List<Path> written = new ArrayList<>();
        for (GenerationEvent.Image image : ordered) {
            Path path = files.imagePath(image.imageIndex(), ordered.size());
            try {
                ImageFiles.write(path, image.data().toByteArray());
            } catch (IOException e) {
                throw new IOException(path + ": " + e.getMessage(), e);
            }
            written.add(path);
        }
        long elapsedMs = (doneNanos - startNanos) / 1_000_000;
        return new GenerateReport(
                queued, ordered, written, List.copyOf(previewFiles), done, requestId, elapsedMs, attempts);
    }

    private void savePreview(GenerationEvent.Preview p) {
        if (!files.savesPreviews() || localFailure != null) {
            return;
        }
        Path path = files.previewPath(p.imageIndex(), p.step(), p.format());
        try {
            ImageFiles.write(path, p.data().toByteArray());
            previewFiles.add(path);
        } catch (IOException e) {
            localFailure = new IOException(path + ": " + e.getMessage(), e);
            GenerationHandle h = handle;
            if (h != null) {
                h.cancel("cannot write a preview");
            }
        }
    }

    private long elapsedMs() {
        return (nanoClock.getAsLong() - startNanos) / 1_000_000;
    }
}
