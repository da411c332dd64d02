package dev.strobe.server;

import dev.strobe.engine.Engines;
import dev.strobe.engine.djltrt.DjlTensorRt;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.engine.tensorrt.TensorRtAvailability;
import dev.strobe.engine.tensorrt.TensorRtProvider;
import dev.strobe.grpc.GrpcEdge;
import dev.strobe.grpc.ListeningSockets;
import dev.strobe.grpc.RequestLog;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.pipeline.PipelineImageCodec;
import dev.strobe.scheduler.Batcher;
import dev.strobe.service.GenerationService;
import dev.strobe.service.ModelCatalog;
import dev.strobe.service.RequestValidator;
import dev.strobe.service.SeedSource;
import dev.strobe.service.WaitEstimator;
import dev.strobe.server.metrics.MetricsEndpoint;
import dev.strobe.server.metrics.PrometheusMetrics;
import dev.strobe.server.metrics.RequestLogger;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.time.Duration;
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
 * A running strobe server: models loaded, batcher started, gRPC edge serving, metrics exported.
 * The wiring of the whole process lives here (constructor injection everywhere below it).
 *
 * <p>Start-up order: load models, start the batcher, start the edge with health NOT_SERVING, warm
 * every model with one small generation, then SERVING. Shutdown order: health NOT_SERVING and the
 * listening socket closed, an optional delay that still admits, stop admitting, let streams in
 * flight finish (up to the drain timeout), stop the edge, stop the batcher, close the engines.
 */
public final class StrobeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StrobeServer.class);
    /** Weight of each completed request in the deadline estimate's average. */
    private static final double ESTIMATE_ALPHA = 0.1;

    private final ServerSettings settings;
    private final ModelSet models;
    private final Batcher batcher;
    private final ExecutorService output;
    private final GenerationService service;
    private final GrpcEdge edge;
    private final PrometheusMetrics metrics;
    private final MetricsEndpoint metricsEndpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StrobeServer(ServerSettings settings, ModelSet models, Batcher batcher, ExecutorService output,
            GenerationService service, GrpcEdge edge, PrometheusMetrics metrics, MetricsEndpoint metricsEndpoint) {
        this.settings = settings;
        this.models = models;
        this.batcher = batcher;
        this.output = output;
        this.service = service;
        this.edge = edge;
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
     * @param builder the gRPC server builder (in-process in tests); null for Netty per the settings
     */
    public static StrobeServer start(ServerSettings s, ServerBuilder<?> builder) throws IOException, InterruptedException {
        return start(s, builder, RequestLog.NONE);
    }

    /**
     * Builds and starts a server whose request log also reports to {@code observer} (tests).
     *
     * @param builder the gRPC server builder (in-process in tests); null for Netty per the settings
     */
    public static StrobeServer start(ServerSettings s, ServerBuilder<?> builder, RequestLog observer)
            throws IOException, InterruptedException {
        ModelSet models = ModelSet.load(s, engines());
        ExecutorService output = Executors.newFixedThreadPool(s.outputThreads(), named("strobe-output"));
        Batcher batcher = null;
        MetricsEndpoint endpoint = null;
        ListeningSockets sockets = builder != null ? null : new ListeningSockets();
        try {
            ModelCatalog catalog = models.catalog(s);
            ImageCodec codec = new PipelineImageCodec();
            WaitEstimator waits = new WaitEstimator(s.deadlineEstimateFactor(), ESTIMATE_ALPHA);
            // The gauges read the batcher's and the edge's load at scrape time; both exist only later.
            AtomicReference<Batcher> batcherRef = new AtomicReference<>();
            AtomicReference<GrpcEdge> edgeRef = new AtomicReference<>();
            PrometheusMetrics metrics = new PrometheusMetrics(new PrometheusMetrics.Gauges(
                    () -> batcherRef.get().stats(),
                    () -> edgeRef.get() == null ? 0 : edgeRef.get().streams().count(),
                    () -> waits.nanosPerUnit() / 1e9), catalog.names());
            Batcher b = new Batcher(models.stages(), s.batcher(), codec, output, new DeviceTime(metrics, waits),
                    System::nanoTime);
            batcherRef.set(b);
            batcher = b;
            GenerationService service = new GenerationService(catalog, b, new RequestValidator(s.limits()),
                    SeedSource.random(), System::nanoTime, waits);
            RequestLog metricsLog = metrics.requestLog();
            RequestLog requestLog = new RequestLogger((r, code, t, message) -> {
                metricsLog.finished(r, code, t, message);
                observer.finished(r, code, t, message);
            });
            ServerBuilder<?> sb = builder != null ? builder : GrpcEdge.netty(s.edge(), sockets);
            GrpcEdge edge = new GrpcEdge(sb, s.edge(), service, codec, output, requestLog, sockets);
            edgeRef.set(edge);
            if (s.metricsPort() >= 0) {
                endpoint = MetricsEndpoint.start(metrics, s.metricsHost(), s.metricsPort());
            }
            b.start();
            edge.start();
            StrobeServer server = new StrobeServer(s, models, b, output, service, edge, metrics, endpoint);
            if (s.warmup()) {
                Warmup.run(service, catalog, codec, Duration.ofMinutes(5));
            }
            edge.setServing(true);
            log.info("strobe serving {} on port {}{} (default model {})", catalog.names(), edge.port(),
                    endpoint != null ? ", metrics on port " + endpoint.port() : "", catalog.defaultModel());
            return server;
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (endpoint != null) {
                endpoint.close();
            }
            if (batcher != null) {
                batcher.close();
            }
            if (sockets != null) {
                sockets.close();
            }
            output.shutdownNow();
            models.close();
            throw e;
        }
    }

    public int port() {
        return edge.port();
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

    /** {@link #drainAndStop(Duration)} without a delay: admission stops as soon as the drain starts. */
    public boolean drainAndStop() throws InterruptedException {
        return drainAndStop(Duration.ZERO);
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
        log.info("draining: health NOT_SERVING, listening socket closed{}", delay.isZero() ? ""
                : ", still admitting for " + delay);
        edge.drainStarted();
        if (!delay.isZero()) {
            Thread.sleep(delay.toMillis());
        }
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        log.info("refusing new requests, waiting up to {} for {} streams in flight",
                settings.drainTimeout(), edge.streams().count());
        boolean drained = batcher.drain(settings.drainTimeout())
                && edge.streams().awaitNone(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        edge.shutdown();
        long left = Math.max(TimeUnit.SECONDS.toNanos(1), deadline - System.nanoTime());
        edge.awaitTermination(Math.min(left, TimeUnit.SECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
        close();
        if (drained) {
            log.info("stopped: every stream finished");
        } else {
            log.warn("stopped: the drain timeout passed, {} streams were cut", edge.streams().count());
        }
        return drained;
    }

    /** True while new Generate calls are admitted (false once draining started). */
    public boolean accepting() {
        return batcher.accepting();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        edge.close();
        batcher.close();
        output.shutdownNow();
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        models.close();
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
