package dev.strobe.service.stream;

import java.time.Duration;

/**
 * Counts the generation streams of every frontend that have not ended yet (admitted or being
 * admitted), so a drain can wait until the last {@code done} left the server. Opened on request
 * threads, closed wherever a stream ends (output threads, cancel handlers, timers); thread-safe.
 */
public final class OpenStreams {
    private final Object lock = new Object();
    /** Guarded by lock. */
    private int open;

    void opened() {
        synchronized (lock) {
            open++;
        }
    }

    void closed() {
        synchronized (lock) {
            open--;
            if (open == 0) {
                lock.notifyAll();
            }
        }
    }

    public int count() {
        synchronized (lock) {
            return open;
        }
    }

    /**
     * Waits until no stream is open.
     *
     * @return true when none is open, false when the timeout passed first
     */
    public boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (open > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
