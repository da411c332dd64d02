package dev.strobe.grpc;

import dev.strobe.service.stream.GenerationStreams;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server of strobe: ImageGenerator, grpc.health.v1.Health (overall, per service and per
 * model), server reflection (v1 and v1alpha, for grpcurl, ghz and GUI clients), optional token
 * authentication. Takes a {@link ServerBuilder} so tests can hand it an in-process builder;
 * {@link #netty} makes the production one with TLS, limits and keepalive. Every service is wrapped
 * by {@link CallGuard}, so no call ends with UNKNOWN.
 *
 * <p>Health names: "" (the whole server), "strobe.v1.ImageGenerator", and
 * "strobe.v1.ImageGenerator/&lt;model&gt;" per model. All are NOT_SERVING until the models are
 * loaded and warmed, and again (for good) once draining starts. A model folder that did not load
 * keeps its name NOT_SERVING (ListModels says why). With the Netty server of
 * {@link #netty}, draining also closes the listening socket (see {@link ListeningSockets}).
 *
 * <p>Threads: built and started on the main thread; {@link #setServing} and {@link #drainStarted}
 * may be called from any thread.
 */
public final class GrpcEdge implements AutoCloseable {
    public static final String SERVICE = "strobe.v1.ImageGenerator";

    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final List<String> models;
    /** Models found but not loaded: their health names answer NOT_SERVING for good, not NOT_FOUND. */
    private final List<String> unavailable;
    /** The sockets of a {@link #netty} builder; null for builders strobe does not own (in-process). */
    private final ListeningSockets sockets;

    /** @param streams the transport-free stream core every frontend shares */
    public GrpcEdge(ServerBuilder<?> builder, EdgeSettings settings, GenerationStreams streams) {
        this(builder, settings, streams, null);
    }

    /**
     * @param streams the transport-free stream core every frontend shares
     * @param sockets the listening sockets {@code builder} was made with by {@link #netty}, closed when
     *     draining starts and released in {@link #close}; null when strobe does not own them
     */
    public GrpcEdge(
            ServerBuilder<?> builder, EdgeSettings settings, GenerationStreams streams, ListeningSockets sockets) {
        this.models = streams.service().catalog().names();
        this.unavailable = streams.service().unavailableModels().stream()
                .map(dev.strobe.service.UnavailableModel::name)
                .filter(n -> !models.contains(n))
                .toList();
        this.sockets = sockets;
        BindableService endpoint = new ImageGeneratorEndpoint(streams);
        builder.maxInboundMessageSize(settings.maxInboundMessageBytes());
        List<ServerServiceDefinition> services = List.of(
                endpoint.bindService(),
                health.getHealthService().bindService(),
                ProtoReflectionServiceV1.newInstance().bindService(),
                ProtoReflectionService.newInstance().bindService());
        TokenAuthInterceptor auth = settings.tokens() == null
                ? null
                : new TokenAuthInterceptor(settings.tokens(), settings.protectHealthAndReflection());
        for (ServerServiceDefinition s : services) {
            ServerServiceDefinition d = auth == null ? s : ServerInterceptors.intercept(s, auth);
            builder.addService(CallGuard.guard(d));
        }
        this.server = builder.build();
        setServing(false);
    }

    /** A Netty server builder with the settings' port, TLS, stream limit and keepalive policy. */
    public static ServerBuilder<?> netty(EdgeSettings s) throws IOException {
        return nettyBuilder(s);
    }

    /** Like {@link #netty(EdgeSettings)}, on event loops and listening sockets owned by {@code sockets}. */
    public static ServerBuilder<?> netty(EdgeSettings s, ListeningSockets sockets) throws IOException {
        return sockets.applyTo(nettyBuilder(s));
    }

    private static NettyServerBuilder nettyBuilder(EdgeSettings s) throws IOException {
        ServerCredentials creds = InsecureServerCredentials.create();
        if (s.tlsCert() != null) {
            TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
                    .keyManager(s.tlsCert().toFile(), s.tlsKey().toFile());
            if (s.tlsClientCa() != null) {
                tls.trustManager(s.tlsClientCa().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            creds = tls.build();
        }
        NettyServerBuilder b = NettyServerBuilder.forAddress(new java.net.InetSocketAddress(s.host(), s.port()), creds);
        return b.maxConcurrentCallsPerConnection(s.maxConcurrentStreamsPerConnection())
                .keepAliveTime(s.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(s.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveTime(s.permitKeepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConnectionIdle(s.maxConnectionIdle().toNanos(), TimeUnit.NANOSECONDS);
    }

    public GrpcEdge start() throws IOException {
        server.start();
        return this;
    }

    /** The bound port (for port 0). */
    public int port() {
        return server.getPort();
    }

    /** Sets every health name to SERVING or NOT_SERVING (ignored once draining started). */
    public void setServing(boolean serving) {
        ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
        health.setStatus(SERVICE, status);
        for (String m : models) {
            health.setStatus(SERVICE + "/" + m, status);
        }
        for (String m : unavailable) {
            health.setStatus(SERVICE + "/" + m, ServingStatus.NOT_SERVING);
        }
    }

    /**
     * Draining: every health name NOT_SERVING for good and, when strobe owns the listening socket,
     * that socket closed, so new connections are refused (balancers and proxies move on); calls and
     * connections already open go on.
     */
    public void drainStarted() {
        // The socket first: whoever sees NOT_SERVING can rely on new connections being refused.
        if (sockets != null) {
            sockets.closeListeners();
        }
        setServing(false);
        health.enterTerminalState();
    }

    /** Stops accepting new calls; calls in flight go on. */
    public void shutdown() {
        server.shutdown();
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return server.awaitTermination(timeout, unit);
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (sockets != null) {
                sockets.close();
            }
        }
    }
}
