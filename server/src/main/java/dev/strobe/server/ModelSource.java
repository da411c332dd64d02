package dev.strobe.server;

import dev.strobe.service.ModelCatalog;
import java.io.IOException;

/**
 * Where a server's models come from: the model folders of {@code --models-dir} ({@link #DISK}),
 * or models a test builds in memory.
 */
@FunctionalInterface
public interface ModelSource {
    /** Every model folder of the settings' models directory, on the engines of this build. */
    ModelSource DISK = s -> ModelSet.load(s, StrobeServer.engines());

    /**
     * Loads the models to serve.
     *
     * @throws IOException when no model, or not the default model, can be served
     */
    Loaded load(ServerSettings s) throws IOException, InterruptedException;

    /** Models ready to serve: the catalog requests resolve against; closing releases their engines. */
    interface Loaded extends AutoCloseable {
        ModelCatalog catalog();

        @Override
        void close();
    }
}
