package dev.strobe.grpc;

import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import dev.strobe.testing.TinyModels;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts strobe servers on the tiny models for tests. */
public final class TestServers {
    private TestServers() {}

    public static StrobeServer start(ServerBuilder<?> builder, ServerSettings settings) throws Exception {
        return StrobeServer.start(settings, builder == null ? GrpcTransport.netty() : GrpcTransport.using(builder));
    }

    public static ServerSettings settings(int port) {
        return ServerSettings.forModels(TinyModels.dir(), port);
    }

    /**
     * The contract servers: every tiny model, and no early deadline refusal, so that a request
     * whose deadline passes mid-stream can be observed.
     */
    public static ServerSettings contractSettings() {
        return contractSettings(TinyModels.dir());
    }

    /** The contract settings on the models of {@code modelsDir}. */
    public static ServerSettings contractSettings(Path modelsDir) {
        return ServerSettings.forModels(modelsDir, 0).toBuilder()
                .deadlineEstimateFactor(0)
                .build();
    }

    /**
     * A model repository with only some of the tiny models (links into {@link TinyModels#dir()}),
     * for servers whose tests do not need all four: they start faster.
     */
    public static Path modelsSubset(String... models) {
        Path dir = TinyModels.dir().resolveSibling("test-models-" + String.join("+", models));
        try {
            Files.createDirectories(dir);
            for (String m : models) {
                Path link = dir.resolve(m);
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, TinyModels.dir().resolve(m));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
