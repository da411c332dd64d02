package dev.strobe.scheduler;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.scheduler.SchedulerMetrics.Stage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Delivers decoded images off the device thread (the sink renders them there, to PNG or JPEG) and
 * ends each request with {@code done} after its last image. Runs on the output executor's threads.
 */
final class OutputStage {
    private final Executor executor;
    private final SchedulerMetrics metrics;
    private final LongSupplier clock;
    private final Counters counters;

    OutputStage(Executor executor, SchedulerMetrics metrics, LongSupplier clock, Counters counters) {
        this.executor = executor;
        this.metrics = metrics;
        this.clock = clock;
        this.counters = counters;
    }

    /** Schedules the job's final image (device thread). */
    void submit(ImageJob job) {
        try {
            executor.execute(() -> finish(job));
        } catch (RejectedExecutionException e) {
            counters.released(1);
            if (job.generation.fail(new StrobeException(ErrorKind.UNAVAILABLE, "the server is shutting down"))) {
                counters.failed();
            }
        }
    }

    private void finish(ImageJob job) {
        Generation g = job.generation;
        boolean released = false;
        try {
            if (g.isFinished()) {
                return;
            }
            long start = clock.getAsLong();
            boolean last = g.deliverImage(job.index, job.decoded);
            metrics.batch(Stage.OUTPUT, job.model(), 1, clock.getAsLong() - start);
            // Release before done, so a client that sees done also sees the load drop.
            counters.released(1);
            released = true;
            if (last) {
                counters.completed();
                g.complete(clock.getAsLong());
            }
        } catch (RuntimeException e) {
            if (g.fail(new StrobeException(
                    ErrorKind.INTERNAL, "rendering the final image failed: " + e.getMessage(), e))) {
                counters.failed();
            }
        } finally {
            if (!released) {
                counters.released(1);
            }
        }
    }
}
