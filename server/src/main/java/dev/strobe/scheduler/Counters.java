package dev.strobe.scheduler;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load counters shared by the admitting threads, the device thread and the output threads.
 * Every image is added once when its request is encoded and released once: when it is delivered,
 * dropped after a failure, or purged.
 */
final class Counters {
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger activeImages = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile int denoising;

    /**
     * Reserves a queue place.
     *
     * @return the number of requests ahead, or -1 when the queue already holds {@code limit}
     */
    int tryEnqueue(int limit) {
        while (true) {
            int w = waiting.get();
            if (w >= limit) {
                return -1;
            }
            if (waiting.compareAndSet(w, w + 1)) {
                return w;
            }
        }
    }

    void dequeued() {
        waiting.decrementAndGet();
    }

    int waiting() {
        return waiting.get();
    }

    void admittedImages(int n) {
        activeImages.addAndGet(n);
    }

    void released(int n) {
        activeImages.addAndGet(-n);
    }

    int activeImages() {
        return activeImages.get();
    }

    /** Images in the denoise set after the last cycle (written by the device thread). */
    void denoising(int n) {
        denoising = n;
    }

    int denoising() {
        return denoising;
    }

    void completed() {
        completed.incrementAndGet();
    }

    void failed() {
        failed.incrementAndGet();
    }

    long completedCount() {
        return completed.get();
    }

    long failedCount() {
        return failed.get();
    }
}
