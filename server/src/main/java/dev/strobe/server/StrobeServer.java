package dev.strobe.server;

import dev.strobe.engine.Engines;
import dev.strobe.engine.djltrt.DjlTensorRt;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.engine.tensorrt.TensorRtAvailability;
import dev.strobe.engine.tensorrt.TensorRtProvider;
import dev.strobe.grpc.GrpcEdge;
import dev.strobe.grpc.GrpcTransport;
import dev.strobe.http.HttpEdge;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.pipeline.ModelStages;
import dev.strobe.pipeline.PipelineImageCodec;
import dev.strobe.scheduler.Batcher;
import dev.strobe.server.metrics.MetricsEndpoint;
import dev.strobe.server.metrics.PrometheusMetrics;
import dev.strobe.server.metrics.RequestLogger;
import dev.strobe.service.GenerationService;
import dev.strobe.service.ModelCatalog;
import dev.strobe.service.RequestValidator;
import dev.strobe.service.SeedSource;
import dev.strobe.service.ServedModel;
import dev.strobe.service.WaitEstimator;
import dev.strobe.service.stream.GenerationStreams;
import dev.strobe.service.stream.RequestLog;
import dev.strobe.service.stream.StreamTimer;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running strobe server: models loaded, batcher started, the gRPC and HTTP frontends serving
 * over one stream core, metrics exported. The wiring of the whole process lives here (constructor
 * injection everywhere below it).
 *
 * <p>Start-up order: load models, start the batcher, start the frontends with health and
 * readiness off, warm every model with one small generation, then SERVING. Shutdown order: health
 * NOT_SERVING, readiness off and the gRPC listening socket closed, an optional delay that still
 * admits, stop admitting, let streams in flight finish (up to the drain timeout), stop the
 * frontends, stop the batcher, close the engines.
 */
public final class StrobeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StrobeServer.class);
    /** Weight of each completed request in the deadline estimate's average. */
    private static final double ESTIMATE_ALPHA = 0.1;

    private final ServerSettings settings;
    private final ModelSource.Loaded models;
    private final Batcher batcher;
    private final ExecutorService output;
    private final GenerationService service;
    private final GenerationStreams streams;
    private final StreamTimer.Scheduled streamTimer;
    private final GrpcEdge edge;
    /** Null when the HTTP frontend is off. */
    private final HttpEdge http;

    private final PrometheusMetrics metrics;
    private final MetricsEndpoint metricsEndpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StrobeServer(
            ServerSettings settings,
            ModelSource.Loaded models,
            Batcher batcher,
            ExecutorService output,
            GenerationService service,
            GenerationStreams streams,
            StreamTimer.Scheduled streamTimer,
            GrpcEdge edge,
            HttpEdge http,
            PrometheusMetrics metrics,
            MetricsEndpoint metricsEndpoint) {
        this.settings = settings;
        this.models = models;
        this.batcher = batcher;
        this.output = output;
        this.service = service;
        this.streams = streams;
        this.streamTimer = streamTimer;
        this.edge = edge;
        this.http = http;
        this.metrics = metrics;
        this.metricsEndpoint = metricsEndpoint;
    }

    /**
     * The engines this build knows: ONNX Runtime (CPU, or GPU with the onnxruntime_gpu profile),
     * TensorRT 10 through JavaCPP, and DJL's legacy TensorRT 8 engine (only with its profile).
     * Each is named explicitly; DJL's default engine is never used.
     */
    public static Engines engines() {
        return new Engines()
                .register(new OnnxRuntimeProvider())
                .register(TensorRtProvider.javacpp(TensorRtAvailability.javacpp()))
                .register(DjlTensorRt.provider());
    }

    /**
     * Builds and starts a server.
     *
     * @param transport where gRPC listens: {@link GrpcTransport#netty()} per the settings, or a
     *     builder of the caller's (in-process in tests)
     */
    public static StrobeServer start(ServerSettings s, GrpcTransport transport)
            throws IOException, InterruptedException {
        return start(s, transport, RequestLog.NONE);
    }

    /**
     * Builds and starts a server whose request log also reports to {@code observer} (tests).
     *
     * @param transport where gRPC listens (see {@link #start(ServerSettings, GrpcTransport)})
     */
    public static StrobeServer start(ServerSettings s, GrpcTransport transport, RequestLog observer)
            throws IOException, InterruptedException {
        return start(s, ModelSource.DISK, transport, observer);
    }

    /**
     * Builds and starts a server on the models {@code source} loads instead of the model folders
     * (tests serve fake pipelines this way).
     *
     * @param transport where gRPC listens (see {@link #start(ServerSettings, GrpcTransport)})
     */
    public static StrobeServer start(ServerSettings s, ModelSource source, GrpcTransport transport, RequestLog observer)
            throws IOException, InterruptedException {
        ModelSource.Loaded models = source.load(s);
        ExecutorService output = Executors.newFixedThreadPool(s.outputThreads(), named("strobe-output"));
        StreamTimer.Scheduled timer = StreamTimer.daemon();
        Batcher batcher = null;
        MetricsEndpoint endpoint = null;
        HttpEdge http = null;
        GrpcEdge edge = null;
        try {
            ModelCatalog catalog = models.catalog();
            ImageCodec codec = new PipelineImageCodec();
            WaitEstimator waits = new WaitEstimator(s.deadlineEstimateFactor(), ESTIMATE_ALPHA);
            // The gauges read the batcher's and the streams' load at scrape time; both exist only later.
            AtomicReference<Batcher> batcherRef = new AtomicReference<>();
            AtomicReference<GenerationStreams> streamsRef = new AtomicReference<>();
            PrometheusMetrics metrics = new PrometheusMetrics(
                    new PrometheusMetrics.Gauges(
                            () -> batcherRef.get().stats(),
                            () -> streamsRef.get() == null
                                    ? 0
                                    : streamsRef.get().openStreams().count(),
                            () -> waits.nanosPerUnit() / 1e9),
                    catalog.names());
            Batcher b =
                    new Batcher(stages(catalog), s.batcher(), output, new DeviceTime(metrics, waits), System::nanoTime);
            batcherRef.set(b);
            batcher = b;
            GenerationService service = new GenerationService(
                    catalog, b, new RequestValidator(s.limits()), SeedSource.random(), System::nanoTime, waits);
            RequestLog metricsLog = metrics.requestLog();
            RequestLog requestLog = new RequestLogger((r, code, t, message) -> {
                metricsLog.finished(r, code, t, message);
                observer.finished(r, code, t, message);
            });
            GenerationStreams streams =
                    new GenerationStreams(service, codec, output, requestLog, s.streamLimits(), timer);
            streamsRef.set(streams);
            edge = transport.open(s.edge(), streams);
            if (s.http() != null) {
                http = new HttpEdge(s.http(), streams);
            }
            if (s.metricsPort() >= 0) {
                endpoint = MetricsEndpoint.start(metrics, s.metricsHost(), s.metricsPort());
            }
            b.start();
            edge.start();
            if (http != null) {
                http.start();
            }
            StrobeServer server =
                    new StrobeServer(s, models, b, output, service, streams, timer, edge, http, metrics, endpoint);
            if (s.warmup()) {
                Warmup.run(service, catalog, codec, Duration.ofMinutes(5));
            }
            edge.setServing(true);
            if (http != null) {
                http.setServing(true);
            }
            log.info(
                    "strobe serving {} on port {}{}{} (default model {})",
                    catalog.names(),
                    edge.port(),
                    http != null ? ", HTTP on port " + http.port() : "",
                    endpoint != null ? ", metrics on port " + endpoint.port() : "",
                    catalog.defaultModel());
            return server;
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (http != null) {
                http.close();
            }
            if (edge != null) {
                edge.close();
            }
            if (endpoint != null) {
                endpoint.close();
            }
            if (batcher != null) {
                batcher.close();
            }
            timer.close();
            output.shutdownNow();
            models.close();
            throw e;
        }
    }

    public int port() {
        return edge.port();
    }

    /** The HTTP frontend's bound port, or -1 when it is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The stream core both frontends share. */
    public GenerationStreams streams() {
        return streams;
    }

    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    public GenerationService service() {
        return service;
    }

    public PrometheusMetrics metrics() {
        return metrics;
    }

    /** {@link #drainAndStop(Duration)} with the configured {@code --drain-delay}. */
    public boolean drainAndStop() throws InterruptedException {
        return drainAndStop(settings.drainDelay());
    }

    /**
     * Graceful shutdown, in this order: every health name NOT_SERVING for good and the listening
     * socket closed (new connections are refused, so proxies try another replica); for
     * {@code delay}, requests arriving on open connections are still admitted (clients that watch
     * health move away meanwhile, none is refused); then new Generate calls are refused with
     * UNAVAILABLE; the batcher finishes what it admitted and every open stream sends its last event,
     * within the drain timeout (counted after the delay); the gRPC server stops taking calls and
     * finishes the ones left (at most 5 s, health watchers included); then everything is closed and
     * calls still open are cut.
     *
     * @param delay how long to keep admitting after health turned NOT_SERVING (--drain-delay)
     * @return true when every stream in flight finished within the drain timeout
     */
    public boolean drainAndStop(Duration delay) throws InterruptedException {
        log.info(
                "draining: health NOT_SERVING, readiness off, listening socket closed{}",
                delay.isZero() ? "" : ", still admitting for " + delay);
        edge.drainStarted();
        if (http != null) {
            http.drainStarted();
        }
        if (!delay.isZero()) {
            Thread.sleep(delay.toMillis());
        }
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        log.info(
                "refusing new requests, waiting up to {} for {} streams in flight",
                settings.drainTimeout(),
                streams.openStreams().count());
        boolean drained = batcher.drain(settings.drainTimeout())
                && streams.openStreams().awaitNone(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        edge.shutdown();
        long left = Math.max(TimeUnit.SECONDS.toNanos(1), deadline - System.nanoTime());
        edge.awaitTermination(Math.min(left, TimeUnit.SECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
        close();
        if (drained) {
            log.info("stopped: every stream finished");
        } else {
            log.warn(
                    "stopped: the drain timeout passed, {} streams were cut",
                    streams.openStreams().count());
        }
        return drained;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (http != null) {
            http.close();
        }
        edge.close();
        batcher.close();
        streamTimer.close();
        output.shutdownNow();
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        models.close();
    }

    private static Map<String, ModelStages> stages(ModelCatalog catalog) {
        Map<String, ModelStages> out = new LinkedHashMap<>();
        for (ServedModel m : catalog.all()) {
            out.put(m.info().name(), m.stages());
        }
        return out;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
