package dev.strobe.service.stream;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a stream's limit checks later. Production uses one daemon thread for all streams; tests use
 * a manual timer driven with a fake clock. Thread-safe.
 */
@FunctionalInterface
public interface StreamTimer {

    /** A scheduled check; cancelling it lets the timer forget the stream at once. */
    @FunctionalInterface
    interface Task {
        void cancel();
    }

    /** Runs {@code task} once, about {@code delayNanos} from now, on the timer's thread. */
    Task schedule(Runnable task, long delayNanos);

    /** A timer on its own daemon thread; {@link Scheduled#close} it at shutdown. */
    static Scheduled daemon() {
        return new Scheduled();
    }

    /** The production timer: cancelled checks leave its queue at once, so ended streams are not kept. */
    final class Scheduled implements StreamTimer, AutoCloseable {
        private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "strobe-stream-timer");
            t.setDaemon(true);
            return t;
        });

        private Scheduled() {
            executor.setRemoveOnCancelPolicy(true);
        }

        @Override
        public Task schedule(Runnable task, long delayNanos) {
            try {
                ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (RejectedExecutionException shutDown) {
                return () -> {};
            }
        }

        /** Checks waiting to run (for tests and the metrics). */
        public int pending() {
            return executor.getQueue().size();
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
