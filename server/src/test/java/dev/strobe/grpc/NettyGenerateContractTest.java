package dev.strobe.grpc;

import dev.strobe.server.StrobeServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract over Netty on a free port, as real clients see it. */
class NettyGenerateContractTest extends GenerateContractTest {
    private static StrobeServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(null, TestServers.settings(0));
        channel = NettyChannelBuilder.forAddress("localhost", server.port()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    @Override
    ManagedChannel channel() {
        return channel;
    }
}
