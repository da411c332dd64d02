package dev.strobe.loadtest.driver;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The numbers of one load run: HdrHistograms (microseconds) of time to first preview, time to final
 * image and the server's queue wait, counts of requests by outcome and errors by gRPC status code.
 *
 * <p>Two populations, on purpose. Latencies, outcomes and errors belong to the requests whose intended
 * start fell inside the measured window, however late they finish (so slow requests at the end are not
 * dropped). Throughput counts the streams and images that finished inside the window, whenever they
 * started (so a saturated server cannot look faster than it is).
 *
 * <p>Thread-safe: completion callbacks on many threads record while the driver thread reads at the end.
 */
public final class Measurements {

    /** Longest value the histograms track: one hour in microseconds. */
    private static final long MAX_MICROS = 3_600_000_000L;

    /**
     * One finished request.
     *
     * @param firstPreviewNanos -1 when no preview arrived
     * @param queueMs the server's queue wait from the done event's timings
     */
    public record Completion(
            boolean measured,
            long intendedNanos,
            long firstPreviewNanos,
            long finalImageNanos,
            long completedNanos,
            int images,
            double queueMs) {}

    private final long windowStartNanos;
    private final long windowEndNanos;

    private final Histogram timeToFirstPreview = new Histogram(MAX_MICROS, 3);
    private final Histogram timeToFinalImage = new Histogram(MAX_MICROS, 3);
    private final Histogram serverQueue = new Histogram(MAX_MICROS, 3);
    private final Map<String, Long> errors = new TreeMap<>();
    private long sent;
    private long completed;
    private long incomplete;
    private long imagesOfMeasured;
    private long streamsFinishedInWindow;
    private long imagesFinishedInWindow;

    public Measurements(long windowStartNanos, long windowEndNanos) {
        this.windowStartNanos = windowStartNanos;
        this.windowEndNanos = windowEndNanos;
    }

    /** True when a request intended to start at {@code intendedNanos} is measured. */
    public boolean inWindow(long intendedNanos) {
        return intendedNanos >= windowStartNanos && intendedNanos < windowEndNanos;
    }

    public synchronized void requestSent(boolean measured) {
        if (measured) {
            sent++;
        }
    }

    public synchronized void requestCompleted(Completion c) {
        if (c.completedNanos() >= windowStartNanos && c.completedNanos() <= windowEndNanos) {
            streamsFinishedInWindow++;
            imagesFinishedInWindow += c.images();
        }
        if (!c.measured()) {
            return;
        }
        completed++;
        imagesOfMeasured += c.images();
        timeToFinalImage.recordValue(clampMicros(c.finalImageNanos() - c.intendedNanos()));
        if (c.firstPreviewNanos() >= 0) {
            timeToFirstPreview.recordValue(clampMicros(c.firstPreviewNanos() - c.intendedNanos()));
        }
        serverQueue.recordValue(clampMicros(Math.round(c.queueMs() * 1e6)));
    }

    /** A measured or warm-up request ended with gRPC status {@code code}. */
    public synchronized void requestFailed(boolean measured, String code) {
        if (measured) {
            errors.merge(code, 1L, Long::sum);
        }
    }

    /** A request was still running when the drain timeout passed. */
    public synchronized void requestIncomplete(boolean measured) {
        if (measured) {
            incomplete++;
        }
    }

    /** The run's summary; {@code shape} says how load was offered. */
    public synchronized RunSummary summarize(RunSummary.Shape shape, double warmupSeconds) {
        double seconds = (windowEndNanos - windowStartNanos) / 1e9;
        long errorCount = errors.values().stream().mapToLong(Long::longValue).sum();
        long ended = completed + errorCount + incomplete;
        return new RunSummary(
                shape,
                seconds,
                warmupSeconds,
                sent,
                completed,
                incomplete,
                imagesOfMeasured,
                Map.copyOf(errors),
                ended == 0 ? 0 : (errorCount + incomplete) / (double) ended,
                RunSummary.Percentiles.of(timeToFirstPreview),
                RunSummary.Percentiles.of(timeToFinalImage),
                RunSummary.Percentiles.of(serverQueue),
                imagesFinishedInWindow / seconds,
                streamsFinishedInWindow / seconds,
                sent / seconds);
    }

    private static long clampMicros(long nanos) {
        long micros = Math.max(1, (nanos + 500) / 1000);
        return Math.min(micros, MAX_MICROS);
    }
}
