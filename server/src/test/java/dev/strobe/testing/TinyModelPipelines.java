package dev.strobe.testing;

import dev.strobe.model.ModelRepository;
import dev.strobe.pipeline.LoadedModel;
import dev.strobe.pipeline.ModelLoader;
import dev.strobe.server.StrobeServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The four tiny models loaded through the production loader, once per test JVM. */
public final class TinyModelPipelines {
    private static Map<String, LoadedModel> models;

    private TinyModelPipelines() {}

    public static synchronized LoadedModel get(String name) {
        if (models == null) {
            models = new LinkedHashMap<>();
            try {
                ModelLoader loader = new ModelLoader(StrobeServer.engines(), "");
                for (ModelRepository.Entry e : new ModelRepository(TinyModels.dir()).scan()) {
                    models.put(e.manifest().name, loader.load(e));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return models.get(name);
    }
}
