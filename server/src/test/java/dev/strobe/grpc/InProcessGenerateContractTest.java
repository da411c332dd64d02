package dev.strobe.grpc;

import dev.strobe.server.StrobeServer;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract over the in-process transport. */
class InProcessGenerateContractTest extends GenerateContractTest {
    private static StrobeServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = TestServers.start(InProcessServerBuilder.forName(name), TestServers.settings(0));
        channel = InProcessChannelBuilder.forName(name).build();
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
