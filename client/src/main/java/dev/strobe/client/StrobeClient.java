package dev.strobe.client;

import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.client.balancing.ChannelTarget;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ManagedChannelRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The Java client of a strobe server: generates images (blocking, or streaming every event to a
 * listener) and lists the served models, with deadlines, retries before the first event, TLS and a
 * bearer token.
 *
 * <pre>{@code
 * try (StrobeClient client = StrobeClient.builder().target("localhost:50051").build()) {
 *   GenerationResult result = client.generate(GenerateRequest.newBuilder().setPrompt("a red fox").build());
 *   Files.write(Path.of("fox.png"), result.images().get(0).data().toByteArray());
 * }
 * }</pre>
 *
 * <p>Several replicas: give the target as {@code host:port,host:port,...} or {@code dns:///name:port}
 * and calls are spread with gRPC's {@code round_robin} over the replicas whose health service says
 * SERVING ({@link ChannelTarget}); a retry is a new pick, so a request that a full replica refused
 * usually lands on another one.
 *
 * <p>Thread-safe: one client (one HTTP/2 connection per replica) serves any number of concurrent calls
 * from any threads. Create it once and {@link #close()} it at the end.
 */
public final class StrobeClient implements AutoCloseable {

    /** Largest message accepted from the server: final PNGs of large images exceed gRPC's 4 MiB default. */
    static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

    private final ManagedChannel ownedChannel;
    private final ImageGeneratorGrpc.ImageGeneratorStub asyncStub;
    private final ImageGeneratorGrpc.ImageGeneratorBlockingStub blockingStub;
    private final Duration defaultDeadline;
    private final RetryPolicy retryPolicy;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final DoubleSupplier random;

    private StrobeClient(Builder b, Channel channel, ManagedChannel ownedChannel) {
        this.ownedChannel = ownedChannel;
        CallCredentials credentials = b.token == null ? null : new BearerTokenCredentials(b.token);
        ImageGeneratorGrpc.ImageGeneratorStub async =
                ImageGeneratorGrpc.newStub(channel).withMaxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
        ImageGeneratorGrpc.ImageGeneratorBlockingStub blocking =
                ImageGeneratorGrpc.newBlockingStub(channel).withMaxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
        if (credentials != null) {
            async = async.withCallCredentials(credentials);
            blocking = blocking.withCallCredentials(credentials);
        }
        this.asyncStub = async;
        this.blockingStub = blocking;
        this.defaultDeadline = b.defaultDeadline;
        this.retryPolicy = b.retryPolicy;
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = ownsScheduler
                ? Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "strobe-client-retry");
                    t.setDaemon(true);
                    return t;
                })
                : b.scheduler;
        this.random = b.random;
    }

    /** A builder with no target yet, plaintext, no token, no deadline and {@link RetryPolicy#defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Generates and waits for the whole stream, with the client's default deadline.
     *
     * @throws StrobeException when the call fails after any retries ({@link DeadlineExceededException}
     *     for deadlines); CANCELLED when the waiting thread is interrupted
     */
    public GenerationResult generate(GenerateRequest request) {
        return generate(request, defaultDeadline);
    }

    /**
     * Generates and waits for the whole stream.
     *
     * @param deadline time allowed for the whole call including retries; null means none
     */
    public GenerationResult generate(GenerateRequest request, Duration deadline) {
        CollectingListener collector = new CollectingListener();
        GenerationHandle handle = generate(request, deadline, collector);
        try {
            handle.completion().get();
        } catch (InterruptedException e) {
            handle.cancel("the waiting thread was interrupted");
            Thread.currentThread().interrupt();
            throw StrobeException.of(
                    Status.CANCELLED.withDescription("interrupted while waiting for the server"), handle.attempts());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StrobeException se) {
                throw se;
            }
            throw StrobeException.of(Status.fromThrowable(e.getCause()), handle.attempts());
        }
        return collector.result(handle.attempts());
    }

    /**
     * Starts a generation and streams its events to {@code listener}, with the default deadline.
     * Returns at once; the handle cancels the call or waits for its end.
     */
    public GenerationHandle generate(GenerateRequest request, GenerationListener listener) {
        return generate(request, defaultDeadline, listener);
    }

    /**
     * Starts a generation and streams its events to {@code listener}.
     *
     * @param deadline time allowed for the whole call including retries; null means none
     */
    public GenerationHandle generate(GenerateRequest request, Duration deadline, GenerationListener listener) {
        if (request == null || listener == null) {
            throw new NullPointerException("request and listener are required");
        }
        StreamingGeneration call = new StreamingGeneration(
                asyncStub, request, toDeadline(deadline), retryPolicy, scheduler, random, listener);
        call.start();
        return call;
    }

    /**
     * Lists the served models and their limits, retrying like {@code generate} with the default deadline.
     *
     * @throws StrobeException when the call fails after any retries
     */
    public ListModelsResponse listModels() {
        Deadline deadline = toDeadline(defaultDeadline);
        ImageGeneratorGrpc.ImageGeneratorBlockingStub stub =
                deadline == null ? blockingStub : blockingStub.withDeadline(deadline);
        for (int attempt = 1; ; attempt++) {
            try {
                return stub.listModels(ListModelsRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                Status status = e.getStatus();
                if (!retryPolicy.isRetryable(status.getCode()) || attempt >= retryPolicy.maxAttempts()) {
                    throw StrobeException.of(status, attempt);
                }
                Duration backoff = retryPolicy.backoffBeforeRetry(attempt, random.getAsDouble());
                if (deadline != null && deadline.timeRemaining(TimeUnit.NANOSECONDS) <= backoff.toNanos()) {
                    throw StrobeException.of(status, attempt);
                }
                try {
                    Thread.sleep(backoff.toMillis(), (int) (backoff.toNanos() % 1_000_000));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw StrobeException.of(
                            Status.CANCELLED.withDescription("interrupted while waiting to retry"), attempt);
                }
            }
        }
    }

    /** The deadline used when a call names none; null means calls have no deadline. */
    public Duration defaultDeadline() {
        return defaultDeadline;
    }

    /** Closes the connection (if the client opened it) and the retry scheduler (if it made it). */
    @Override
    public void close() {
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        if (ownedChannel != null) {
            ownedChannel.shutdown();
            try {
                if (!ownedChannel.awaitTermination(5, TimeUnit.SECONDS)) {
                    ownedChannel.shutdownNow();
                }
            } catch (InterruptedException e) {
                ownedChannel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Deadline toDeadline(Duration deadline) {
        return deadline == null ? null : Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Configures a {@link StrobeClient}. Not thread-safe; use it on one thread and call {@link #build()}.
     */
    public static final class Builder {

        private String target;
        private Channel channel;
        private TlsOptions tls;
        private String token;
        private Duration defaultDeadline;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private ScheduledExecutorService scheduler;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        private Builder() {}

        /**
         * The server address, {@code host:port} (any gRPC target URI works); several replicas as
         * {@code host:port,host:port,...} or {@code dns:///name:port}, balanced with {@code round_robin}
         * and health checks (see {@link ChannelTarget}).
         */
        public Builder target(String target) {
            this.target = target;
            return this;
        }

        /**
         * Uses an existing channel instead of opening one (in-process servers in tests, shared channels).
         * The client does not close it. Excludes {@link #target} and {@link #tls}.
         */
        public Builder channel(Channel channel) {
            this.channel = channel;
            return this;
        }

        /** Connects with TLS; null (the default) connects in plaintext. */
        public Builder tls(TlsOptions tls) {
            this.tls = tls;
            return this;
        }

        /** Sends {@code authorization: Bearer <token>} with every call; null sends nothing. */
        public Builder bearerToken(String token) {
            this.token = token;
            return this;
        }

        /** Deadline of calls that name none; null (the default) means no deadline. */
        public Builder defaultDeadline(Duration deadline) {
            if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
                throw new ClientConfigurationException("the default deadline must be positive, got " + deadline);
            }
            this.defaultDeadline = deadline;
            return this;
        }

        /** When to retry; {@link RetryPolicy#noRetries()} turns retries off. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Scheduler for retry backoffs; by default the client makes (and closes) one daemon thread. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Source of the backoff jitter, uniform in [0, 1); tests pin it. */
        public Builder jitterSource(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Builds the client; opens the channel lazily (the first call connects).
         *
         * @throws ClientConfigurationException when the settings contradict each other or files are missing
         */
        public StrobeClient build() {
            if (channel != null) {
                if (target != null || tls != null) {
                    throw new ClientConfigurationException(
                            "give either an existing channel or a target (with optional TLS), not both");
                }
                return new StrobeClient(this, channel, null);
            }
            ChannelTarget resolved = ChannelTarget.parse(target);
            if (token != null) {
                Tokens.requireValid(token);
            }
            ChannelCredentials credentials = tls == null ? InsecureChannelCredentials.create() : tls.toCredentials();
            ManagedChannelBuilder<?> channelBuilder;
            try {
                channelBuilder = resolved.registry() == null
                        ? Grpc.newChannelBuilder(resolved.target(), credentials)
                        : Grpc.newChannelBuilder(resolved.target(), credentials, resolved.registry());
            } catch (ManagedChannelRegistry.ProviderNotFoundException e) {
                // Netty parses the PEM files here; a file that is no certificate or key ends up in this message.
                throw new ClientConfigurationException(
                        "cannot connect to '" + target + "' with these settings: " + e.getMessage(), e);
            }
            channelBuilder.maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
            if (resolved.balanced()) {
                channelBuilder.defaultServiceConfig(resolved.serviceConfig());
            }
            if (tls != null && tls.authorityOverride() != null) {
                channelBuilder.overrideAuthority(tls.authorityOverride());
            }
            ManagedChannel managed;
            try {
                managed = channelBuilder.build();
            } catch (IllegalArgumentException e) {
                throw new ClientConfigurationException(
                        "the target '" + target + "' is not a valid gRPC address (expected host:port): "
                                + e.getMessage(),
                        e);
            }
            return new StrobeClient(this, managed, managed);
        }
    }
}
