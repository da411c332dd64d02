package dev.strobe.grpc;

import dev.strobe.service.stream.GenerationStreams;
import io.grpc.ServerBuilder;
import java.io.IOException;

/**
 * Where the gRPC frontend listens: on the network with Netty (the settings' host, port, TLS and
 * connection limits, on sockets strobe owns so that draining can close them), or on a server
 * builder a caller made (an in-process one in tests). Keeps gRPC's types inside this package: the
 * composition root only picks one.
 */
public final class GrpcTransport {
    private final ServerBuilder<?> builder;

    private GrpcTransport(ServerBuilder<?> builder) {
        this.builder = builder;
    }

    /** Netty, per the edge settings. */
    public static GrpcTransport netty() {
        return new GrpcTransport(null);
    }

    /** A server builder made by the caller (for example {@code InProcessServerBuilder.forName(...)}). */
    public static GrpcTransport using(ServerBuilder<?> builder) {
        if (builder == null) {
            throw new IllegalArgumentException(
                    "a gRPC server builder is required; use GrpcTransport.netty() for Netty");
        }
        return new GrpcTransport(builder);
    }

    /** Builds the (not yet started) frontend over {@code streams}. */
    public GrpcEdge open(EdgeSettings settings, GenerationStreams streams) throws IOException {
        if (builder != null) {
            return new GrpcEdge(builder, settings, streams, null);
        }
        ListeningSockets sockets = new ListeningSockets();
        try {
            return new GrpcEdge(GrpcEdge.netty(settings, sockets), settings, streams, sockets);
        } catch (IOException | RuntimeException e) {
            sockets.close();
            throw e;
        }
    }
}
