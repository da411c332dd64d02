package dev.strobe.server.metrics;

import dev.strobe.scheduler.BatcherStats;
import dev.strobe.scheduler.SchedulerMetrics;
import dev.strobe.scheduler.Timings;
import dev.strobe.service.stream.RequestInfo;
import dev.strobe.service.stream.RequestLog;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * strobe's Prometheus metrics: requests by model and status, queue depth, active images, open
 * streams, batch sizes and latencies per stage, queue wait, time to first preview, total latency,
 * each request's time per stage (the stages add up to the total), the deadline estimate's device
 * time per megapixel-step, and what the process holds (heap after GC, live threads, resident
 * set). Fed by the batcher (as {@link SchedulerMetrics}) and by the stream core of every frontend
 * (as {@link RequestLog}, with a {@code frontend} label: grpc or http); gauges are read at scrape
 * time. Thread-safe.
 *
 * <p>The model label only takes the names of served models, "-" for a request that named none,
 * and "unknown" for any other name, so clients cannot grow the label set.
 */
public final class PrometheusMetrics implements SchedulerMetrics {
    private static final double[] SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double[] BATCH = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram batchSize;
    private final Histogram stageSeconds;
    private final Histogram queueWait;
    private final Counter nonFinite;
    private final Histogram firstPreview;
    private final Histogram total;
    private final Histogram requestStage;

    private final Set<String> models;

    /**
     * The live values the gauges read at scrape time.
     *
     * @param batcher the batcher's load
     * @param openStreams Generate streams that have not ended
     * @param secondsPerMegapixelStep the deadline estimate's recent device time (NaN before data)
     */
    public record Gauges(
            Supplier<BatcherStats> batcher, IntSupplier openStreams, DoubleSupplier secondsPerMegapixelStep) {}

    /** @param models the served model names, the only values of the model label besides "-" and "unknown" */
    public PrometheusMetrics(Gauges gauges, Collection<String> models) {
        this.models = Set.copyOf(models);
        Supplier<BatcherStats> stats = gauges.batcher();
        requests = Counter.builder()
                .name("strobe_requests_total")
                .help("Generation requests by model, final canonical status code and frontend (grpc, http)")
                .labelNames("model", "code", "frontend")
                .register(registry);
        batchSize = Histogram.builder()
                .name("strobe_batch_size")
                .help("Items per engine call, by stage (encode, denoise, decode) and per image for output")
                .labelNames("stage", "model")
                .classicOnly()
                .classicUpperBounds(BATCH)
                .register(registry);
        stageSeconds = Histogram.builder()
                .name("strobe_stage_seconds")
                .help("Duration of one stage call; for denoise this is the time of one step of the batch")
                .labelNames("stage", "model")
                .classicOnly()
                .classicUpperBounds(SECONDS)
                .register(registry);
        nonFinite = Counter.builder()
                .name("strobe_vae_nonfinite_images_total")
                .help("Images the VAE decoder returned with NaN or infinite values (an fp16 VAE overflowing);"
                        + " each failed its request with INTERNAL")
                .labelNames("model")
                .register(registry);
        queueWait = Histogram.builder()
                .name("strobe_queue_wait_seconds")
                .help("Time from arrival to the start of text encoding")
                .classicOnly()
                .classicUpperBounds(SECONDS)
                .register(registry);
        firstPreview = Histogram.builder()
                .name("strobe_time_to_first_preview_seconds")
                .help("Time from arrival to the first preview, for successful requests with previews")
                .labelNames("model", "frontend")
                .classicOnly()
                .classicUpperBounds(SECONDS)
                .register(registry);
        total = Histogram.builder()
                .name("strobe_request_seconds")
                .help("Time from arrival to the last image, for successful requests")
                .labelNames("model", "frontend")
                .classicOnly()
                .classicUpperBounds(SECONDS)
                .register(registry);
        requestStage = Histogram.builder()
                .name("strobe_request_stage_seconds")
                .help("Time a successful request spent in each stage: queue, encode, wait (for its first UNet"
                        + " step), denoise, decode; per request the stages add up to strobe_request_seconds")
                .labelNames("stage", "model")
                .classicOnly()
                .classicUpperBounds(SECONDS)
                .register(registry);
        JvmGauges jvm = new JvmGauges();
        GaugeWithCallback.builder()
                .name("strobe_jvm_heap_after_gc_bytes")
                .help("Heap in use right after the most recent garbage collection (NaN before the first)")
                .callback(cb -> cb.call(jvm.heapAfterGcBytes()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("strobe_jvm_live_threads")
                .help("Live threads of the server's JVM")
                .callback(cb -> cb.call(jvm.liveThreads()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("strobe_process_resident_bytes")
                .help("Resident set size of the server process (NaN where /proc is missing)")
                .callback(cb -> cb.call(jvm.residentBytes()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("strobe_queue_depth")
                .help("Requests admitted and waiting for text encoding")
                .callback(cb -> cb.call(stats.get().queued()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("strobe_active_images")
                .help("Images between text encoding and delivery")
                .callback(cb -> cb.call(stats.get().activeImages()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("strobe_denoising_images")
                .help("Images in the denoise set")
                .callback(cb -> cb.call(stats.get().denoising()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("strobe_open_streams")
                .help("Generation streams (every frontend) admitted or being admitted that have not ended")
                .callback(cb -> cb.call(gauges.openStreams().getAsInt()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("strobe_device_seconds_per_megapixel_step")
                .help("Recent device time per megapixel-step, the basis of the deadline estimate (NaN before"
                        + " the first completed request)")
                .callback(cb -> cb.call(gauges.secondsPerMegapixelStep().getAsDouble()))
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** The model label value: served names as they are, "-" for none, "unknown" for the rest. */
    String label(String model) {
        if (model == null || model.isEmpty()) {
            return "-";
        }
        return models.contains(model) ? model : "unknown";
    }

    @Override
    public void batch(Stage stage, String model, int size, long nanos) {
        String s = stage.name().toLowerCase(Locale.ROOT);
        batchSize.labelValues(s, model).observe(size);
        stageSeconds.labelValues(s, model).observe(nanos / 1e9);
    }

    @Override
    public void queueWait(long nanos) {
        queueWait.observe(nanos / 1e9);
    }

    @Override
    public void nonFiniteImage(String model) {
        nonFinite.labelValues(label(model)).inc();
    }

    /** The request-side half, for the stream core. */
    public RequestLog requestLog() {
        return this::finished;
    }

    private void finished(RequestInfo request, String code, Timings timings, String message) {
        String model = label(request.model());
        String frontend = request.frontend();
        requests.labelValues(model, code, frontend).inc();
        if (timings != null) {
            total.labelValues(model, frontend).observe(timings.totalMs() / 1e3);
            requestStage.labelValues("queue", model).observe(timings.queueMs() / 1e3);
            requestStage.labelValues("encode", model).observe(timings.encodeMs() / 1e3);
            requestStage.labelValues("wait", model).observe(timings.waitMs() / 1e3);
            requestStage.labelValues("denoise", model).observe(timings.denoiseMs() / 1e3);
            requestStage.labelValues("decode", model).observe(timings.decodeMs() / 1e3);
            if (timings.firstPreviewMs() > 0) {
                firstPreview.labelValues(model, frontend).observe(timings.firstPreviewMs() / 1e3);
            }
        }
    }
}
