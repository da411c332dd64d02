package dev.strobe.grpc;

import dev.strobe.server.StrobeServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract over Netty on a free port, as real clients see it. */
class NettyGenerateContractTest extends GenerateContractTest {
    /** HTTP/2 receive window of the stalling channel: the server may send this much unread. */
    private static final int STALLING_WINDOW_BYTES = 8 * 1024;

    private static StrobeServer server;
    private static ManagedChannel channel;
    private static ManagedChannel stalling;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(null, TestServers.contractSettings());
        channel = NettyChannelBuilder.forAddress("localhost", server.port())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        // A fixed small window (no automatic window growth) like a client on a slow link.
        stalling = NettyChannelBuilder.forAddress("localhost", server.port())
                .usePlaintext()
                .flowControlWindow(STALLING_WINDOW_BYTES)
                .maxInboundMessageSize(64 << 20)
                .build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        stalling.shutdownNow();
        server.close();
    }

    @Override
    ManagedChannel channel() {
        return channel;
    }

    @Override
    ManagedChannel stallingChannel() {
        return stalling;
    }

    @Override
    StrobeServer server() {
        return server;
    }

    /** Previews in the client's window and the server's transport buffer, plus the newest one. */
    @Override
    int previewsPerImageForAStalledReader() {
        return 4;
    }
}
