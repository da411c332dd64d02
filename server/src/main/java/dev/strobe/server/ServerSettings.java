package dev.strobe.server;

import dev.strobe.grpc.EdgeSettings;
import dev.strobe.http.HttpSettings;
import dev.strobe.scheduler.BatcherConfig;
import dev.strobe.service.Limits;
import dev.strobe.service.auth.AuthTokens;
import dev.strobe.service.stream.StreamLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@link StrobeServer} needs, resolved from flags, environment and config file by
 * {@link ServeCommand}, or built by tests; made only by {@link Builder#build}, which checks every
 * value and their combinations and says what is wrong in one sentence. docs/CONFIGURATION.md
 * describes each option.
 *
 * @param modelsDir the model repository
 * @param generateTinyModels write the embedded tiny models into modelsDir when it has no model
 * @param defaultModel model for requests without one; null picks tiny-lightning-4step or the first
 * @param engine UNet engine for every model ("" = as each manifest says)
 * @param allowFallback when the chosen engine cannot run here, fall back to ONNX Runtime
 * @param outputThreads threads that render images and write stream events
 * @param edge the gRPC frontend's transport settings
 * @param http the HTTP frontend's settings, null when it is off (same TLS files and tokens as gRPC)
 * @param metricsPort Prometheus port, -1 for none
 * @param drainDelay after SIGTERM, how long requests on open connections are still admitted
 * @param drainTimeout how long streams in flight may take to finish on shutdown
 * @param warmup run one small generation per model before reporting SERVING
 * @param deadlineEstimateFactor multiplies the estimated time to finish before it is compared with
 *     a request's deadline at admission; 0 turns early DEADLINE_EXCEEDED refusals off
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
        HttpSettings http,
        String metricsHost,
        int metricsPort,
        Duration drainDelay,
        Duration drainTimeout,
        boolean warmup,
        double deadlineEstimateFactor,
        StreamLimits streamLimits) {

    /** Settings with every option at its documented default. */
    public static Builder builder() {
        return new Builder();
    }

    /** For tests and tools: the given models, gRPC on {@code port}, the HTTP frontend off, no metrics. */
    public static ServerSettings forModels(Path modelsDir, int port) {
        return builder().modelsDir(modelsDir).port(port).httpPort(-1).build();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelsDir = modelsDir;
        b.generateTinyModels = generateTinyModels;
        b.defaultModel = defaultModel;
        b.engine = engine;
        b.allowFallback = allowFallback;
        b.batcher = batcher;
        b.limits = limits;
        b.outputThreads = outputThreads;
        b.host = edge.host();
        b.port = edge.port();
        b.tlsCert = edge.tlsCert();
        b.tlsKey = edge.tlsKey();
        b.tlsClientCa = edge.tlsClientCa();
        b.tokens = edge.tokens();
        b.protectHealth = edge.protectHealthAndReflection();
        b.maxMessageBytes = edge.maxInboundMessageBytes();
        b.maxStreamsPerConnection = edge.maxConcurrentStreamsPerConnection();
        b.keepAliveTime = edge.keepAliveTime();
        b.keepAliveTimeout = edge.keepAliveTimeout();
        b.permitKeepAliveTime = edge.permitKeepAliveTime();
        b.maxConnectionIdle = edge.maxConnectionIdle();
        b.httpPort = http == null ? -1 : http.port();
        if (http != null) {
            b.sseHeartbeat = http.heartbeat();
            b.httpIdleTimeout = http.idleTimeout();
        }
        b.metricsHost = metricsHost;
        b.metricsPort = metricsPort;
        b.drainDelay = drainDelay;
        b.drainTimeout = drainTimeout;
        b.warmup = warmup;
        b.deadlineEstimateFactor = deadlineEstimateFactor;
        b.streamLimits = streamLimits;
        return b;
    }

    /**
     * Collects the settings; {@link #build} checks them. Defaults are those of {@code strobe serve}.
     * Not thread-safe (one thread builds).
     */
    public static final class Builder {
        private Path modelsDir = Path.of("models");
        private boolean generateTinyModels = true;
        private String defaultModel;
        private String engine = "";
        private boolean allowFallback;
        private BatcherConfig batcher = BatcherConfig.defaults();
        private Limits limits = Limits.defaults();
        private int outputThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private String host = "0.0.0.0";
        private int port = 50051;
        private int httpPort = 8080;
        private Path tlsCert;
        private Path tlsKey;
        private Path tlsClientCa;
        private AuthTokens tokens;
        private boolean protectHealth;
        private int maxMessageBytes = 4 << 20;
        private int maxStreamsPerConnection = 100;
        private Duration keepAliveTime = Duration.ofMinutes(2);
        private Duration keepAliveTimeout = Duration.ofSeconds(20);
        private Duration permitKeepAliveTime = Duration.ofSeconds(20);
        private Duration maxConnectionIdle = Duration.ofMinutes(30);
        private Duration sseHeartbeat = Duration.ofSeconds(15);
        private Duration httpIdleTimeout = Duration.ofMinutes(5);
        private String metricsHost = "0.0.0.0";
        private int metricsPort = -1;
        private Duration drainDelay = Duration.ZERO;
        private Duration drainTimeout = Duration.ofSeconds(30);
        private boolean warmup = true;
        private double deadlineEstimateFactor = 1.0;
        private StreamLimits streamLimits = StreamLimits.defaults();

        private Builder() {}

        public Builder modelsDir(Path d) {
            modelsDir = d;
            return this;
        }

        public Builder generateTinyModels(boolean g) {
            generateTinyModels = g;
            return this;
        }

        public Builder defaultModel(String m) {
            defaultModel = m;
            return this;
        }

        /** @param fallback fall back to ONNX Runtime when {@code e}'s library is missing */
        public Builder engine(String e, boolean fallback) {
            engine = e == null ? "" : e;
            allowFallback = fallback;
            return this;
        }

        public Builder batcher(BatcherConfig b) {
            batcher = b;
            return this;
        }

        public Builder limits(Limits l) {
            limits = l;
            return this;
        }

        /** @param threads 0 means the number of cores, at least 2 */
        public Builder outputThreads(int threads) {
            outputThreads = threads == 0 ? Math.max(2, Runtime.getRuntime().availableProcessors()) : threads;
            return this;
        }

        /** The address both frontends bind. */
        public Builder host(String h) {
            host = h;
            return this;
        }

        /** The gRPC port, 0 for any free port. */
        public Builder port(int p) {
            port = p;
            return this;
        }

        /** The HTTP port, 0 for any free port, -1 for no HTTP frontend. */
        public Builder httpPort(int p) {
            httpPort = p;
            return this;
        }

        /** TLS for both frontends; {@code clientCa} (may be null) turns on mutual TLS. */
        public Builder tls(Path cert, Path key, Path clientCa) {
            tlsCert = cert;
            tlsKey = key;
            tlsClientCa = clientCa;
            return this;
        }

        /**
         * Bearer tokens for both frontends (null: no authentication).
         *
         * @param protectHealth require them for health, reflection and the HTTP probes too
         */
        public Builder tokens(AuthTokens t, boolean protectHealth) {
            tokens = t;
            this.protectHealth = protectHealth;
            return this;
        }

        /** Largest gRPC request message and HTTP request body. */
        public Builder maxMessageBytes(int bytes) {
            maxMessageBytes = bytes;
            return this;
        }

        public Builder maxStreamsPerConnection(int streams) {
            maxStreamsPerConnection = streams;
            return this;
        }

        public Builder keepAlive(Duration time, Duration timeout, Duration permitTime) {
            keepAliveTime = time;
            keepAliveTimeout = timeout;
            permitKeepAliveTime = permitTime;
            return this;
        }

        public Builder maxConnectionIdle(Duration d) {
            maxConnectionIdle = d;
            return this;
        }

        public Builder sseHeartbeat(Duration d) {
            sseHeartbeat = d;
            return this;
        }

        public Builder httpIdleTimeout(Duration d) {
            httpIdleTimeout = d;
            return this;
        }

        /** @param p the Prometheus port, 0 for any free port, -1 for none */
        public Builder metrics(String h, int p) {
            metricsHost = h;
            metricsPort = p;
            return this;
        }

        public Builder drainDelay(Duration d) {
            drainDelay = d;
            return this;
        }

        public Builder drainTimeout(Duration d) {
            drainTimeout = d;
            return this;
        }

        public Builder warmup(boolean w) {
            warmup = w;
            return this;
        }

        public Builder deadlineEstimateFactor(double f) {
            deadlineEstimateFactor = f;
            return this;
        }

        public Builder streamLimits(StreamLimits l) {
            streamLimits = l;
            return this;
        }

        /**
         * Checks every value and their combinations.
         *
         * @throws IllegalArgumentException one sentence naming the option and what it takes
         */
        public ServerSettings build() {
            port("--port", port, 0);
            port("--http-port", httpPort, -1);
            port("--metrics-port", metricsPort, -1);
            positive("--max-message-bytes", maxMessageBytes);
            positive("--max-streams-per-connection", maxStreamsPerConnection);
            positive("--output-threads", outputThreads);
            if (limits.maxPromptChars() < 0) {
                throw new IllegalArgumentException("--max-prompt-chars must be >= 0, got " + limits.maxPromptChars());
            }
            if (!(deadlineEstimateFactor >= 0) || Double.isInfinite(deadlineEstimateFactor)) {
                throw new IllegalArgumentException("--deadline-estimate-factor must be a number >= 0 (0 turns the"
                        + " early refusal off), got " + deadlineEstimateFactor);
            }
            notNegative("--drain-timeout", drainTimeout);
            notNegative("--drain-delay", drainDelay);
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            if (tlsClientCa != null && tlsCert == null) {
                throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
            }
            if (modelsDir == null) {
                throw new IllegalArgumentException("--models must name the model repository folder");
            }
            EdgeSettings edge = new EdgeSettings(
                    host,
                    port,
                    tlsCert,
                    tlsKey,
                    tlsClientCa,
                    tokens,
                    protectHealth,
                    maxMessageBytes,
                    maxStreamsPerConnection,
                    keepAliveTime,
                    keepAliveTimeout,
                    permitKeepAliveTime,
                    maxConnectionIdle);
            HttpSettings http = httpPort < 0
                    ? null
                    : new HttpSettings(
                            host,
                            httpPort,
                            tlsCert,
                            tlsKey,
                            tlsClientCa,
                            tokens,
                            protectHealth,
                            maxMessageBytes,
                            sseHeartbeat,
                            httpIdleTimeout);
            return new ServerSettings(
                    modelsDir,
                    generateTinyModels,
                    defaultModel,
                    engine,
                    allowFallback,
                    batcher,
                    limits,
                    outputThreads,
                    edge,
                    http,
                    metricsHost,
                    metricsPort,
                    drainDelay,
                    drainTimeout,
                    warmup,
                    deadlineEstimateFactor,
                    streamLimits);
        }

        private static void port(String option, int value, int lowest) {
            if (value < lowest || value > 65535) {
                throw new IllegalArgumentException(option + " must be " + (lowest < 0 ? "-1 (off), " : "")
                        + "0 (any free port) or 1..65535, got " + value);
            }
        }

        private static void positive(String option, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(option + " must be > 0, got " + value);
            }
        }

        private static void notNegative(String option, Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException(option + " must not be negative, got " + d);
            }
        }
    }
}
