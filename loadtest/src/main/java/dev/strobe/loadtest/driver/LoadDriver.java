package dev.strobe.loadtest.driver;

import dev.strobe.api.v1.GenerateRequest;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Offers load to a {@link RequestSender} and measures it: open loop (arrivals at a rate, never waiting
 * for completions, latency counted from each request's intended start so a stalled client or server
 * cannot hide queueing: no coordinated omission) or closed loop (a fixed number of streams, each
 * starting the next request when its previous one ends).
 *
 * <p>A run is: warm-up (sent, not measured), the measured window, then a drain that waits for
 * requests still running, up to the drain timeout. The driver thread is the caller of {@link #runOpenLoop}
 * or {@link #runClosedLoop}; completions arrive on the sender's threads. One driver runs one run at a
 * time.
 */
public final class LoadDriver {

    /** How often the drain checks whether everything finished. */
    private static final long DRAIN_POLL_NANOS = 10_000_000L;

    private final RequestSender sender;
    private final RequestMix mix;
    private final Ticker ticker;

    public LoadDriver(RequestSender sender, RequestMix mix, Ticker ticker) {
        this.sender = sender;
        this.mix = mix;
        this.ticker = ticker;
    }

    /** Runs an open-loop test with {@code arrivals}; {@code random} draws the requests. */
    public RunSummary runOpenLoop(ArrivalProcess arrivals, RunWindow window, Random random)
            throws InterruptedException {
        long start = ticker.nanoTime();
        long windowStart = start + window.warmup().toNanos();
        long windowEnd = windowStart + window.duration().toNanos();
        Run run = new Run(new Measurements(windowStart, windowEnd));
        long next = start + arrivals.nextGapNanos();
        while (next < windowEnd) {
            ticker.sleepUntil(next);
            // The request carries its intended time: if this thread woke late, that lateness is latency.
            run.launch(next, mix.next(random, "lt-" + run.sequence.getAndIncrement()), null);
            next += arrivals.nextGapNanos();
        }
        run.drain(windowEnd + window.drainTimeout().toNanos());
        return run.measurements.summarize(
                RunSummary.Shape.open(arrivals.ratePerSecond()), window.warmup().toNanos() / 1e9);
    }

    /**
     * Runs a closed-loop test with {@code concurrency} streams. The sender must complete requests
     * asynchronously (or on a clock that advances), since each completion starts the next request.
     */
    public RunSummary runClosedLoop(int concurrency, RunWindow window, Random random) throws InterruptedException {
        if (concurrency < 1) {
            throw new LoadConfigurationException("the concurrency must be at least 1, got " + concurrency);
        }
        long start = ticker.nanoTime();
        long windowStart = start + window.warmup().toNanos();
        long windowEnd = windowStart + window.duration().toNanos();
        Run run = new Run(new Measurements(windowStart, windowEnd));
        AtomicBoolean stopping = new AtomicBoolean();
        Object mixLock = new Object();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            long now = ticker.nanoTime();
            if (stopping.get() || now >= windowEnd) {
                return;
            }
            GenerateRequest request;
            synchronized (mixLock) {
                request = mix.next(random, "lt-" + run.sequence.getAndIncrement());
            }
            run.launch(now, request, next[0]);
        };
        for (int i = 0; i < concurrency; i++) {
            next[0].run();
        }
        ticker.sleepUntil(windowEnd);
        stopping.set(true);
        run.drain(windowEnd + window.drainTimeout().toNanos());
        return run.measurements.summarize(
                RunSummary.Shape.closed(concurrency), window.warmup().toNanos() / 1e9);
    }

    /** The live requests and measurements of one run. */
    private final class Run {
        final Measurements measurements;
        final Set<RequestObserver> live = ConcurrentHashMap.newKeySet();
        final AtomicLong sequence = new AtomicLong();

        Run(Measurements measurements) {
            this.measurements = measurements;
        }

        /** Starts one request intended at {@code intendedNanos}; {@code then} runs after it ended. */
        void launch(long intendedNanos, GenerateRequest request, Runnable then) {
            boolean measured = measurements.inWindow(intendedNanos);
            RequestObserver observer = new RequestObserver(ticker, measurements, intendedNanos, measured, o -> {
                live.remove(o);
                if (then != null) {
                    then.run();
                }
            });
            live.add(observer);
            measurements.requestSent(measured);
            observer.attach(sender.send(request, observer));
        }

        /** Waits until nothing is running or {@code drainEnd} passed, then abandons the rest. */
        void drain(long drainEnd) throws InterruptedException {
            while (!live.isEmpty() && ticker.nanoTime() < drainEnd) {
                ticker.sleepUntil(Math.min(ticker.nanoTime() + DRAIN_POLL_NANOS, drainEnd));
            }
            for (RequestObserver observer : live.toArray(new RequestObserver[0])) {
                observer.abandon("the load test's drain timeout passed");
            }
        }
    }
}
