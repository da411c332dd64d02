package dev.strobe.grpc;

import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import dev.strobe.testing.TinyModels;
import io.grpc.ServerBuilder;

/** Starts strobe servers on the tiny models for tests. */
final class TestServers {
    private TestServers() {}

    static StrobeServer start(ServerBuilder<?> builder, ServerSettings settings) throws Exception {
        return StrobeServer.start(settings, builder);
    }

    static ServerSettings settings(int port) {
        return ServerSettings.forModels(TinyModels.dir(), port);
    }
}
