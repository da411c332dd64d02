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
        server = TestServers.start(InProcessServerBuilder.forName(name), TestServers.contractSettings());
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

    /** In-process flow control counts messages: a client that requested none is never ready. */
    @Override
    ManagedChannel stallingChannel() {
        return channel;
    }

    @Override
    StrobeServer server() {
        return server;
    }

    /** Nothing was taken by a transport: only the newest preview per image is left. */
    @Override
    int previewsPerImageForAStalledReader() {
        return 1;
    }
}
