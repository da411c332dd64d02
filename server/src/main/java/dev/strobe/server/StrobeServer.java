package dev.strobe.server;

import dev.strobe.engine.Engines;
import dev.strobe.engine.djltrt.DjlTensorRt;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.engine.tensorrt.TensorRtAvailability;
import dev.strobe.engine.tensorrt.TensorRtProvider;
import dev.strobe.grpc.GrpcEdge;
import dev.strobe.grpc.RequestLog;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.pipeline.PipelineImageCodec;
import dev.strobe.scheduler.Batcher;
import dev.strobe.service.GenerationService;
import dev.strobe.service.ModelCatalog;
import dev.strobe.service.RequestValidator;
import dev.strobe.service.SeedSource;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running strobe server: models loaded, batcher started, gRPC edge serving, metrics exported.
 * The wiring of the whole process lives here (constructor injection everywhere below it).
 *
 * <p>Start-up order: load models, start the batcher, start the edge with health NOT_SERVING, warm
 * every model with one small generation, then SERVING. Shutdown order: health NOT_SERVING, stop
 * admitting, let streams in flight finish (up to the drain timeout), stop the edge, stop the
 * batcher, close the engines.
 */
public final class StrobeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StrobeServer.class);

    private final ServerSettings settings;
    private final ModelSet models;
    private final Batcher batcher;
    private final ExecutorService output;
    private final GenerationService service;
    private final GrpcEdge edge;
    private final PrometheusMetrics metrics;
    private final MetricsEndpoint metricsEndpoint;

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
        ModelSet models = ModelSet.load(s, engines());
        ExecutorService output = Executors.newFixedThreadPool(s.outputThreads(), named("strobe-output"));
        Batcher batcher = null;
        MetricsEndpoint endpoint = null;
        try {
            ModelCatalog catalog = models.catalog(s);
            ImageCodec codec = new PipelineImageCodec();
            // The metrics read the batcher's load at scrape time; the batcher reports into the metrics.
            AtomicReference<Batcher> ref = new AtomicReference<>();
            PrometheusMetrics metrics = new PrometheusMetrics(() -> ref.get().stats());
            Batcher b = new Batcher(models.stages(), s.batcher(), codec, output, metrics, System::nanoTime);
            ref.set(b);
            batcher = b;
            GenerationService service = new GenerationService(
                    catalog, b, new RequestValidator(s.limits()), SeedSource.random(), System::nanoTime);
            RequestLog requestLog = new RequestLogger(metrics.requestLog());
            ServerBuilder<?> sb = builder != null ? builder : GrpcEdge.netty(s.edge());
            GrpcEdge edge = new GrpcEdge(sb, s.edge(), service, codec, output, requestLog);
            if (s.metricsPort() >= 0) {
                endpoint = MetricsEndpoint.start(metrics, s.metricsHost(), s.metricsPort());
            }
            b.start();
            edge.start();
            StrobeServer server = new StrobeServer(s, models, b, output, service, edge, metrics, endpoint);
            if (s.warmup()) {
                Warmup.run(service, catalog, Duration.ofMinutes(5));
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

    /**
     * Graceful shutdown: NOT_SERVING, refuse new calls, let streams finish within the drain
     * timeout, then stop everything.
     *
     * @return true when every stream in flight finished in time
     */
    public boolean drainAndStop() throws InterruptedException {
        log.info("draining: health NOT_SERVING, refusing new requests, waiting up to {} for streams in flight",
                settings.drainTimeout());
        edge.setServing(false);
        boolean drained = batcher.drain(settings.drainTimeout());
        // Let the last events (done) reach the wire before the transport stops.
        output.shutdown();
        output.awaitTermination(5, TimeUnit.SECONDS);
        edge.shutdown();
        edge.awaitTermination(5, TimeUnit.SECONDS);
        close();
        log.info("stopped ({})", drained ? "all streams finished" : "drain timeout: unfinished streams were cut");
        return drained;
    }

    @Override
    public void close() {
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
