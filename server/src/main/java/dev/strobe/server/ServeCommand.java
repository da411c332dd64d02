package dev.strobe.server;

import dev.strobe.engine.EngineException;
import dev.strobe.grpc.GrpcTransport;
import dev.strobe.scheduler.BatcherConfig;
import dev.strobe.scheduler.DenoiseOrder;
import dev.strobe.scheduler.StagePolicy;
import dev.strobe.service.Limits;
import dev.strobe.service.auth.AuthTokens;
import dev.strobe.service.stream.StreamLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strobe serve}: starts the server (gRPC, and HTTP unless --http-port -1 or --no-http) and
 * runs until SIGTERM/SIGINT, then drains (health NOT_SERVING and no new gRPC connections,
 * admitting for --drain-delay, then new calls UNAVAILABLE, streams in flight finish within
 * --drain-timeout) and exits 0. A signal during start-up stops it and exits 0; a second signal
 * stops at once with 128 + its number ({@link ShutdownControl}).
 * Every option also reads STROBE_&lt;OPTION&gt; from the environment and a --config file.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Serve SDXL-Lightning image generation over gRPC.")
public final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    /** How long start-up may take to stop after SIGTERM before the process stops anyway. */
    private static final Duration STARTUP_STOP_GRACE = Duration.ofSeconds(10);

    @Option(
            names = "--config",
            description = "Properties file with option defaults (key = option name without dashes).")
    Path config;

    @Option(
            names = "--port",
            defaultValue = "50051",
            description = "gRPC port (0 = any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--host",
            defaultValue = "0.0.0.0",
            description = "Address to bind (gRPC and HTTP). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description =
                    "HTTP port of the OpenAI-compatible API and the web page (0 = any free port, -1 = off). Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(
            names = "--http",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Serve the HTTP frontend (default: on; --no-http turns it off, like --http-port -1).")
    boolean http;

    @Option(
            names = "--sse-heartbeat",
            defaultValue = "15s",
            converter = DurationConverter.class,
            description =
                    "An event stream with nothing to send for this long gets a comment line, so proxies keep it. Default: ${DEFAULT-VALUE}.")
    Duration sseHeartbeat;

    @Option(
            names = "--http-idle-timeout",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "HTTP connections with no traffic for this long are closed. Default: ${DEFAULT-VALUE}.")
    Duration httpIdleTimeout;

    @Option(
            names = "--max-stream-age",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description =
                    "A stream still open this long after admission ends with DEADLINE_EXCEEDED. Default: ${DEFAULT-VALUE}.")
    Duration maxStreamAge;

    @Option(
            names = "--finished-stream-timeout",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "A finished stream whose client took nothing for this long ends with ABORTED. Default: ${DEFAULT-VALUE}.")
    Duration finishedStreamTimeout;

    @Option(
            names = "--models",
            defaultValue = "models",
            description = "Model repository folder. Default: ${DEFAULT-VALUE}.")
    Path models;

    @Option(
            names = "--generate-models",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Generate the embedded tiny models when the models folder has none (default: on).")
    boolean generateModels;

    @Option(
            names = "--default-model",
            description = "Model for requests that name none (default: tiny-lightning-4step or the first).")
    String defaultModel;

    @Option(
            names = "--engine",
            defaultValue = "",
            description = "UNet engine for every model: onnxruntime, tensorrt, ... (default: as each model.json says).")
    String engine;

    @Option(
            names = "--allow-fallback",
            defaultValue = "false",
            description = "Fall back to ONNX Runtime when the chosen engine cannot run here.")
    boolean allowFallback;

    @Option(
            names = "--queue-size",
            defaultValue = "64",
            description = "Requests waiting to start; one more gets RESOURCE_EXHAUSTED. Default: ${DEFAULT-VALUE}.")
    int queueSize;

    @Option(
            names = "--max-active-images",
            defaultValue = "32",
            description = "Images between text encoding and delivery. Default: ${DEFAULT-VALUE}.")
    int maxActiveImages;

    @Option(
            names = "--max-batch",
            defaultValue = "8",
            description = "Images per UNet call (the engine may allow fewer). Default: ${DEFAULT-VALUE}.")
    int maxBatch;

    @Option(
            names = "--max-wait",
            defaultValue = "0ms",
            converter = DurationConverter.class,
            description = "How long a UNet batch may wait to fill up. Default: ${DEFAULT-VALUE} (never wait).")
    Duration maxWait;

    @Option(
            names = "--denoise-order",
            defaultValue = "first-step",
            description = "Who fills a full UNet call: first-step (new images get up to half of it, so their first"
                    + " preview comes at the next call) or oldest (oldest requests first). Default: ${DEFAULT-VALUE}.")
    String denoiseOrder;

    @Option(
            names = "--decode-yield-min",
            defaultValue = "25ms",
            converter = DurationConverter.class,
            description = "Under first-step, a request that arrives during a UNet call takes its first step before"
                    + " the VAE decodes only when that decode is expected to take at least this long (0ms: always)."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration decodeYieldMin;

    @Option(
            names = "--encode-max-batch",
            defaultValue = "8",
            description = "Prompts per text-encoder call. Default: ${DEFAULT-VALUE}.")
    int encodeMaxBatch;

    @Option(
            names = "--encode-max-wait",
            defaultValue = "0ms",
            converter = DurationConverter.class,
            description = "How long a text-encoder batch may wait to fill up. Default: ${DEFAULT-VALUE}.")
    Duration encodeMaxWait;

    @Option(
            names = "--decode-max-batch",
            defaultValue = "2",
            description = "Images per VAE call. Default: ${DEFAULT-VALUE}.")
    int decodeMaxBatch;

    @Option(
            names = "--decode-max-wait",
            defaultValue = "0ms",
            converter = DurationConverter.class,
            description = "How long a VAE batch may wait to fill up. Default: ${DEFAULT-VALUE}.")
    Duration decodeMaxWait;

    @Option(
            names = "--output-threads",
            defaultValue = "0",
            description = "Threads encoding images and sending events (0 = number of cores, at least 2).")
    int outputThreads;

    @Option(
            names = "--metrics-port",
            defaultValue = "-1",
            description = "Prometheus /metrics port (-1 = off, 0 = any free port).")
    int metricsPort;

    @Option(
            names = "--metrics-host",
            defaultValue = "0.0.0.0",
            description = "Address of the metrics endpoint. Default: ${DEFAULT-VALUE}.")
    String metricsHost;

    @Option(names = "--tls-cert", description = "Server certificate chain (PEM); enables TLS.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "Server private key (PEM, PKCS#8).")
    Path tlsKey;

    @Option(names = "--tls-client-ca", description = "CA for client certificates; enables mutual TLS.")
    Path tlsClientCa;

    @Option(names = "--auth-tokens-file", description = "Bearer tokens, one per line ('TOKEN' or 'TOKEN models=a,b').")
    Path authTokensFile;

    @Option(
            names = "--auth-tokens",
            description = "Comma-separated bearer tokens (prefer STROBE_AUTH_TOKENS or a file).")
    String authTokens;

    @Option(
            names = "--auth-health",
            defaultValue = "false",
            description = "Require tokens for health and reflection too.")
    boolean authHealth;

    @Option(
            names = "--max-message-bytes",
            defaultValue = "4194304",
            description = "Largest request message. Default: ${DEFAULT-VALUE}.")
    int maxMessageBytes;

    @Option(
            names = "--max-prompt-chars",
            defaultValue = "10000",
            description = "Longest prompt in characters. Default: ${DEFAULT-VALUE}.")
    int maxPromptChars;

    @Option(
            names = "--max-streams-per-connection",
            defaultValue = "100",
            description = "Concurrent streams per HTTP/2 connection. Default: ${DEFAULT-VALUE}.")
    int maxStreams;

    @Option(
            names = "--keepalive-time",
            defaultValue = "2m",
            converter = DurationConverter.class,
            description = "Ping idle connections after. Default: ${DEFAULT-VALUE}.")
    Duration keepAliveTime;

    @Option(
            names = "--keepalive-timeout",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description = "Close when a ping is unanswered for. Default: ${DEFAULT-VALUE}.")
    Duration keepAliveTimeout;

    @Option(
            names = "--permit-keepalive-time",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description = "Minimum interval of client pings. Default: ${DEFAULT-VALUE}.")
    Duration permitKeepAliveTime;

    @Option(
            names = "--max-connection-idle",
            defaultValue = "30m",
            converter = DurationConverter.class,
            description = "Close idle connections after. Default: ${DEFAULT-VALUE}.")
    Duration maxConnectionIdle;

    @Option(
            names = "--drain-timeout",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Time streams in flight get on shutdown. Default: ${DEFAULT-VALUE}.")
    Duration drainTimeout;

    @Option(
            names = "--drain-delay",
            defaultValue = "0s",
            converter = DurationConverter.class,
            description =
                    "After SIGTERM, keep admitting requests on open connections this long while health says NOT_SERVING. Default: ${DEFAULT-VALUE}.")
    Duration drainDelay;

    @Option(
            names = "--deadline-estimate-factor",
            defaultValue = "1.0",
            description =
                    "Refuse a request at once with DEADLINE_EXCEEDED when factor x the estimated time to finish exceeds its deadline (0 = never). Default: ${DEFAULT-VALUE}.")
    double deadlineEstimateFactor;

    @Option(
            names = "--warmup",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Run one small generation per model before reporting SERVING (default: on).")
    boolean warmup;

    ServerSettings settings() throws java.io.IOException {
        if (authTokensFile != null && authTokens != null && !authTokens.isBlank()) {
            throw new IllegalArgumentException(
                    "both --auth-tokens-file and --auth-tokens (or STROBE_AUTH_TOKENS) are" + " set; use one of them");
        }
        AuthTokens tokens = null;
        if (authTokensFile != null) {
            tokens = AuthTokens.fromFile(authTokensFile);
        } else if (authTokens != null && !authTokens.isBlank()) {
            tokens = AuthTokens.fromList(authTokens);
        }
        BatcherConfig batcher = new BatcherConfig(
                queueSize,
                maxActiveImages,
                new StagePolicy(encodeMaxBatch, encodeMaxWait),
                new StagePolicy(maxBatch, maxWait),
                new StagePolicy(decodeMaxBatch, decodeMaxWait),
                DenoiseOrder.parse(denoiseOrder),
                decodeYieldMin);
        return ServerSettings.builder()
                .modelsDir(models)
                .generateTinyModels(generateModels)
                .defaultModel(defaultModel)
                .engine(engine, allowFallback)
                .batcher(batcher)
                .limits(new Limits(maxPromptChars, 4, 128))
                .outputThreads(outputThreads)
                .host(host)
                .port(port)
                .httpPort(http ? httpPort : -1)
                .tls(tlsCert, tlsKey, tlsClientCa)
                .tokens(tokens, authHealth)
                .maxMessageBytes(maxMessageBytes)
                .maxStreamsPerConnection(maxStreams)
                .keepAlive(keepAliveTime, keepAliveTimeout, permitKeepAliveTime)
                .maxConnectionIdle(maxConnectionIdle)
                .sseHeartbeat(sseHeartbeat)
                .httpIdleTimeout(httpIdleTimeout)
                .metrics(metricsHost, metricsPort)
                .drainDelay(drainDelay)
                .drainTimeout(drainTimeout)
                .warmup(warmup)
                .deadlineEstimateFactor(deadlineEstimateFactor)
                .streamLimits(new StreamLimits(maxStreamAge, finishedStreamTimeout))
                .build();
    }

    @Override
    public Integer call() throws Exception {
        ServerSettings s;
        try {
            s = settings();
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("strobe: " + e.getMessage());
            return 2;
        }
        // Signals are handled from before start-up on: a SIGTERM while the models load stops cleanly.
        ShutdownControl control = new ShutdownControl(
                Thread.currentThread(),
                STARTUP_STOP_GRACE,
                status -> Runtime.getRuntime().halt(status));
        control.install();
        StrobeServer server;
        try {
            server = StrobeServer.start(s, GrpcTransport.netty());
        } catch (java.io.IOException | RuntimeException | InterruptedException e) {
            Signals.Received stop = control.stopSignal();
            if (stop != null) {
                log.info("{} during start-up: interrupted {}; exiting with status 0", stop.name(), interrupted(e));
                return 0;
            }
            if (e instanceof InterruptedException) {
                throw e;
            }
            if (e instanceof EngineException ee) {
                System.err.println("strobe: " + e.getMessage());
                log.debug("start-up failed", e);
                return ee.kind() == EngineException.Kind.MISSING_LIBRARY ? 3 : 1;
            }
            System.err.println("strobe: cannot start: " + e.getMessage());
            log.debug("start-up failed", e);
            return 1;
        }
        if (!control.startupFinished(server)) {
            log.info(
                    "{} during start-up: it arrived as the start-up finished; closing without serving, exiting with"
                            + " status 0",
                    control.stopSignal().name());
            server.close();
            return 0;
        }
        if (server.httpPort() >= 0) {
            System.out.println("strobe http listening on port " + server.httpPort());
        }
        System.out.println("strobe listening on port " + server.port()
                + (server.metricsPort() >= 0 ? " (metrics on port " + server.metricsPort() + ")" : ""));
        System.out.flush();
        control.awaitStopped();
        return 0;
    }

    /** What a start-up stopped by a signal was doing, from the exception it ended with. */
    private static String interrupted(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return "the start-up (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + ")";
    }
}
