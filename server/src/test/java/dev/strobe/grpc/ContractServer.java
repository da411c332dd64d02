package dev.strobe.grpc;

import dev.strobe.server.ModelSource;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import dev.strobe.service.stream.RequestLog;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * A contract server (see {@link TestServers#contractSettings}) on the models of a source, with
 * its channels over one transport.
 *
 * @param stalling a channel whose flow control makes a client that reads nothing stall the
 *     server's sends quickly
 * @param previewsPerImageForAStalledReader how many previews per image a client that read nothing
 *     until its generation finished may still receive: those the transport had taken before
 *     isReady() turned false, plus the newest one kept in the outbox
 */
record ContractServer(
        StrobeServer server, ManagedChannel channel, ManagedChannel stalling, int previewsPerImageForAStalledReader)
        implements AutoCloseable {
    /** HTTP/2 receive window of the Netty stalling channel: the server may send this much unread. */
    private static final int STALLING_WINDOW_BYTES = 8 * 1024;

    /**
     * In-process: flow control counts messages, so a client that requested none is never ready and
     * nothing is taken by a transport (only the newest preview per image is left).
     */
    static ContractServer inProcess(ModelSource models, ServerSettings settings) throws Exception {
        String name = InProcessServerBuilder.generateName();
        StrobeServer server = StrobeServer.start(
                settings, models, GrpcTransport.using(InProcessServerBuilder.forName(name)), RequestLog.NONE);
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        return new ContractServer(server, channel, channel, 1);
    }

    /**
     * Netty on a free port, as real clients see it; the stalling channel has a fixed small window
     * (no automatic window growth) like a client on a slow link, so previews in the client's window
     * and the server's transport buffer arrive, plus the newest one.
     */
    static ContractServer netty(ModelSource models, ServerSettings settings) throws Exception {
        StrobeServer server = StrobeServer.start(settings, models, GrpcTransport.netty(), RequestLog.NONE);
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.port())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        ManagedChannel stalling = NettyChannelBuilder.forAddress("localhost", server.port())
                .usePlaintext()
                .flowControlWindow(STALLING_WINDOW_BYTES)
                .maxInboundMessageSize(64 << 20)
                .build();
        return new ContractServer(server, channel, stalling, 4);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        stalling.shutdownNow();
        server.close();
    }
}
