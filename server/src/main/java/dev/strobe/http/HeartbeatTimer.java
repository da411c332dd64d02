package dev.strobe.http;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sends the SSE heartbeat comments of every open event stream, from one daemon thread: each
 * writer is checked when its interval since its last write has passed, until it ends. Thread-safe.
 */
final class HeartbeatTimer implements AutoCloseable {
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "strobe-sse-heartbeat");
        t.setDaemon(true);
        return t;
    });

    HeartbeatTimer() {
        executor.setRemoveOnCancelPolicy(true);
    }

    /** Keeps {@code writer}'s connection alive until it ends. */
    void watch(SseEventWriter writer) {
        schedule(writer, writer.nextHeartbeatIn());
    }

    private void schedule(SseEventWriter writer, long delayNanos) {
        try {
            executor.schedule(
                    () -> {
                        if (writer.isEnded()) {
                            return;
                        }
                        writer.heartbeat();
                        schedule(writer, Math.max(TimeUnit.MILLISECONDS.toNanos(100), writer.nextHeartbeatIn()));
                    },
                    delayNanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            // the server is stopping
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
