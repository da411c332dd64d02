package dev.strobe.scheduler;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.ModelStages;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step-level continuous batching for one device. Requests enter through {@link #submit} (a
 * bounded queue that says no at once), are text-encoded in batches, then denoised by one UNet call
 * per iteration over up to max_batch images of one latent shape, each image at its own step; new
 * images join at the next iteration, finished, cancelled and expired ones leave at once. Finished
 * latents are decoded in batches and delivered on the output executor (where the sink renders them).
 *
 * <p>Threads: {@link #submit}, {@link #cancel}, {@link #stats} and {@link #drain} may be called
 * from any thread. One device thread, started by {@link #start}, makes every engine call. For
 * deterministic tests, {@link #runOnce} runs one cycle on the caller's thread instead.
 */
public final class Batcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Batcher.class);

    private final Map<String, ModelStages> models;
    private final BatcherConfig config;
    private final LongSupplier clock;
    private final Counters counters = new Counters();
    private final DeviceLoop loop;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /** Guarded by lock. */
    private boolean signalled;

    private volatile boolean accepting = true;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param models the served models by name
     * @param output executor for image delivery (and the sink's rendering)
     * @param clock nanosecond clock (System::nanoTime in production, a fake in tests)
     */
    public Batcher(
            Map<String, ModelStages> models,
            BatcherConfig config,
            Executor output,
            SchedulerMetrics metrics,
            LongSupplier clock) {
        this.models = Map.copyOf(models);
        this.config = config;
        this.clock = clock;
        OutputStage out = new OutputStage(output, metrics, clock, counters);
        this.loop = new DeviceLoop(this.models, config, out, metrics, clock, counters);
    }

    /**
     * Admits a request or refuses it at once.
     *
     * @return the number of requests waiting ahead of it
     * @throws StrobeException QUEUE_FULL when {@code queueSize} requests already wait,
     *     UNAVAILABLE while draining, UNKNOWN_MODEL for a model this batcher does not serve
     */
    public int submit(Generation g) {
        if (!accepting) {
            throw new StrobeException(
                    ErrorKind.UNAVAILABLE,
                    "the server is shutting down and accepts no new requests; retry on another replica");
        }
        ModelStages stages = models.get(g.spec().model());
        if (stages == null) {
            throw new StrobeException(
                    ErrorKind.UNKNOWN_MODEL, "model '" + g.spec().model() + "' is not served here");
        }
        int ahead = counters.tryEnqueue(config.queueSize());
        if (ahead < 0) {
            throw new StrobeException(
                    ErrorKind.QUEUE_FULL,
                    "the queue is full (" + config.queueSize() + " requests waiting, the configured queue size);"
                            + " retry later or on another replica");
        }
        g.stages = stages;
        loop.offer(g);
        signal();
        return ahead;
    }

    /** Cancels a request; it leaves before the next UNet call. */
    public void cancel(Generation g) {
        g.cancel();
        signal();
    }

    public BatcherStats stats() {
        return new BatcherStats(
                counters.waiting(),
                counters.activeImages(),
                counters.denoising(),
                counters.completedCount(),
                counters.failedCount());
    }

    /** Starts the device thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::run, "strobe-device");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs one cycle on the calling thread (tests drive the batcher this way, without start()). */
    boolean runOnce() {
        return loop.cycle();
    }

    /** Stops admitting; waits until every admitted request ended or the timeout passed. */
    public boolean drain(Duration timeout) throws InterruptedException {
        accepting = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (counters.waiting() > 0 || counters.activeImages() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** True while new requests are admitted. */
    public boolean accepting() {
        return accepting;
    }

    /** Stops the device thread and fails whatever is still in flight with UNAVAILABLE. */
    @Override
    public void close() {
        accepting = false;
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        signal();
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        loop.abandonAll(new StrobeException(ErrorKind.UNAVAILABLE, "the server shut down before the request finished"));
    }

    private void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        log.info("device loop started: {}", config);
        while (running) {
            boolean worked;
            try {
                worked = loop.cycle();
            } catch (RuntimeException | Error e) {
                // A bug in a stage must not kill the device thread: log it and keep serving.
                log.error("device loop cycle failed", e);
                worked = false;
            }
            if (!worked) {
                awaitWork(loop.nextDue());
            }
        }
        log.info("device loop stopped");
    }

    private void awaitWork(long dueAt) {
        lock.lock();
        try {
            if (!signalled && running) {
                long waitNanos = dueAt == Long.MAX_VALUE
                        ? TimeUnit.MILLISECONDS.toNanos(100)
                        : Math.max(0, dueAt - clock.getAsLong());
                wake.awaitNanos(Math.min(waitNanos, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }
}
