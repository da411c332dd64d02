package dev.strobe.server;

import dev.strobe.grpc.EdgeSettings;
import dev.strobe.http.HttpSettings;
import dev.strobe.scheduler.BatcherConfig;
import dev.strobe.service.Limits;
import dev.strobe.service.stream.StreamLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@link StrobeServer} needs, resolved from flags, environment and config file by
 * {@link ServeCommand} (or built directly by tests). docs/CONFIGURATION.md describes each option.
 *
 * @param modelsDir the model repository
 * @param generateTinyModels write the embedded tiny models into modelsDir when it has no model
 * @param defaultModel model for requests without one; null picks tiny-lightning-4step or the first
 * @param engine UNet engine for every model ("" = as each manifest says)
 * @param allowFallback when the chosen engine cannot run here, fall back to ONNX Runtime
 * @param outputThreads threads that encode images and send stream events
 * @param metricsPort Prometheus port, -1 for none
 * @param drainTimeout how long streams in flight may take to finish on shutdown
 * @param warmup run one small generation per model before reporting SERVING
 * @param deadlineEstimateFactor multiplies the estimated time to finish before it is compared with
 *     a request's deadline at admission; 0 turns early DEADLINE_EXCEEDED refusals off
 * @param http the HTTP frontend's settings, null when it is off
 * @param streamLimits how long any stream may hold server memory, whatever its client does
 */
public record ServerSettings(
        Path modelsDir,
        boolean generateTinyModels,
        String defaultModel,
        String engine,
        boolean allowFallback,
        BatcherConfig batcher,
        Limits limits,
        int outputThreads,
        EdgeSettings edge,
        String metricsHost,
        int metricsPort,
        Duration drainTimeout,
        boolean warmup,
        double deadlineEstimateFactor,
        HttpSettings http,
        StreamLimits streamLimits) {

    /** Defaults for tests: plaintext on the given port, no metrics endpoint. */
    public static ServerSettings forModels(Path modelsDir, int port) {
        return new ServerSettings(modelsDir, true, null, "", false, BatcherConfig.defaults(), Limits.defaults(),
                Math.max(2, Runtime.getRuntime().availableProcessors()), EdgeSettings.plaintext(port),
                "0.0.0.0", -1, Duration.ofSeconds(30), true, 1.0, null, StreamLimits.defaults());
    }

    public ServerSettings withBatcher(BatcherConfig b) {
        return new ServerSettings(modelsDir, generateTinyModels, defaultModel, engine, allowFallback, b, limits,
                outputThreads, edge, metricsHost, metricsPort, drainTimeout, warmup, deadlineEstimateFactor, http, streamLimits);
    }

    public ServerSettings withEdge(EdgeSettings e) {
        return new ServerSettings(modelsDir, generateTinyModels, defaultModel, engine, allowFallback, batcher, limits,
                outputThreads, e, metricsHost, metricsPort, drainTimeout, warmup, deadlineEstimateFactor, http, streamLimits);
    }

    public ServerSettings withMetricsPort(int port) {
        return new ServerSettings(modelsDir, generateTinyModels, defaultModel, engine, allowFallback, batcher, limits,
                outputThreads, edge, metricsHost, port, drainTimeout, warmup, deadlineEstimateFactor, http, streamLimits);
    }

    public ServerSettings withEngine(String e, boolean fallback) {
        return new ServerSettings(modelsDir, generateTinyModels, defaultModel, e, fallback, batcher, limits,
                outputThreads, edge, metricsHost, metricsPort, drainTimeout, warmup, deadlineEstimateFactor, http, streamLimits);
    }

    public ServerSettings withLimits(Limits l) {
        return new ServerSettings(modelsDir, generateTinyModels, defaultModel, engine, allowFallback, batcher, l,
                outputThreads, edge, metricsHost, metricsPort, drainTimeout, warmup, deadlineEstimateFactor, http, streamLimits);
    }

    public ServerSettings withWarmup(boolean w) {
        return new ServerSettings(modelsDir, generateTinyModels, defaultModel, engine, allowFallback, batcher, limits,
                outputThreads, edge, metricsHost, metricsPort, drainTimeout, w, deadlineEstimateFactor, http, streamLimits);
    }

    public ServerSettings withDeadlineEstimateFactor(double f) {
        return new ServerSettings(modelsDir, generateTinyModels, defaultModel, engine, allowFallback, batcher, limits,
                outputThreads, edge, metricsHost, metricsPort, drainTimeout, warmup, f, http, streamLimits);
    }

    public ServerSettings withHttp(HttpSettings h) {
        return new ServerSettings(modelsDir, generateTinyModels, defaultModel, engine, allowFallback, batcher, limits,
                outputThreads, edge, metricsHost, metricsPort, drainTimeout, warmup, deadlineEstimateFactor, h,
                streamLimits);
    }

    public ServerSettings withStreamLimits(StreamLimits l) {
        return new ServerSettings(modelsDir, generateTinyModels, defaultModel, engine, allowFallback, batcher, limits,
                outputThreads, edge, metricsHost, metricsPort, drainTimeout, warmup, deadlineEstimateFactor, http, l);
    }

    public ServerSettings withDrainTimeout(Duration d) {
        return new ServerSettings(modelsDir, generateTinyModels, defaultModel, engine, allowFallback, batcher, limits,
                outputThreads, edge, metricsHost, metricsPort, d, warmup, deadlineEstimateFactor, http, streamLimits);
    }
}
