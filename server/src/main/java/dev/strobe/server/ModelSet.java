package dev.strobe.server;

import dev.strobe.engine.EngineException;
import dev.strobe.engine.Engines;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.model.ModelRepository;
import dev.strobe.pipeline.LoadedModel;
import dev.strobe.pipeline.ModelLoader;
import dev.strobe.pipeline.ModelPipeline;
import dev.strobe.scheduler.BatcherConfig;
import dev.strobe.service.ModelCatalog;
import dev.strobe.service.ModelInfo;
import dev.strobe.service.ServedModel;
import dev.strobe.tiny.TinyModelSet;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every model of the repository (generating the embedded tiny models first when the folder
 * has none and that is allowed), applying the engine choice and its fallback rule. Runs once at
 * start-up on the main thread.
 */
final class ModelSet implements AutoCloseable {
    static final String PREFERRED_DEFAULT = "tiny-lightning-4step";
    static final long TINY_SEED = 42;
    private static final Logger log = LoggerFactory.getLogger(ModelSet.class);

    private final List<LoadedModel> models;

    private ModelSet(List<LoadedModel> models) {
        this.models = models;
    }

    /**
     * @throws InterruptedException when the thread was interrupted (SIGTERM during start-up);
     *     its message says what was interrupted, and the models loaded so far are closed
     */
    static ModelSet load(ServerSettings s, Engines engines) throws IOException, InterruptedException {
        ModelRepository repo = new ModelRepository(s.modelsDir());
        if (s.generateTinyModels() && (!Files.isDirectory(s.modelsDir()) || scanQuietly(repo).isEmpty())) {
            log.info("no models in {}: generating the embedded tiny models (seed {})", s.modelsDir(), TINY_SEED);
            TinyModelSet.writeAll(s.modelsDir(), TINY_SEED);
            if (Thread.interrupted()) {
                throw new InterruptedException("generating the embedded tiny models in " + s.modelsDir());
            }
        }
        List<ModelRepository.Entry> entries = repo.scan();
        if (entries.isEmpty()) {
            throw new IOException("no model folders with a model.json in " + s.modelsDir());
        }
        ModelLoader loader = new ModelLoader(engines, s.engine());
        List<LoadedModel> loaded = new ArrayList<>();
        try {
            for (ModelRepository.Entry e : entries) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("loading the models: " + loaded.size() + " of " + entries.size()
                            + " loaded, " + e.manifest().name + " next");
                }
                log.info("loading model {} ({} of {})", e.manifest().name, loaded.size() + 1, entries.size());
                loaded.add(loadOne(e, loader, engines, s));
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("loading the models: all " + entries.size() + " loaded");
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            loaded.forEach(m -> m.pipeline().close());
            throw e;
        }
        return new ModelSet(loaded);
    }

    private static LoadedModel loadOne(ModelRepository.Entry e, ModelLoader loader, Engines engines, ServerSettings s)
            throws IOException {
        try {
            return loader.load(e);
        } catch (EngineException ex) {
            boolean canFallBack = ex.kind() == EngineException.Kind.MISSING_LIBRARY
                    && s.allowFallback()
                    && !OnnxRuntimeProvider.NAME.equals(s.engine());
            if (!canFallBack) {
                throw ex;
            }
            log.warn("{}: {}; falling back to ONNX Runtime as --allow-fallback permits", e.manifest().name,
                    ex.getMessage());
            return ModelLoader.fallingBackTo(engines, OnnxRuntimeProvider.NAME).load(e);
        }
    }

    private static List<ModelRepository.Entry> scanQuietly(ModelRepository repo) {
        try {
            return repo.scan();
        } catch (IOException e) {
            return List.of();
        }
    }

    List<LoadedModel> models() {
        return models;
    }

    /** The catalog the service validates against, with max batch as the batcher will apply it. */
    ModelCatalog catalog(ServerSettings s) {
        List<ServedModel> served = new ArrayList<>();
        for (LoadedModel m : models) {
            served.add(new ServedModel(info(m, s.batcher()), m.tokenizer(), m.pipeline()));
        }
        String def = s.defaultModel();
        if (def == null || def.isEmpty()) {
            def = models.stream().anyMatch(m -> m.manifest().name.equals(PREFERRED_DEFAULT))
                    ? PREFERRED_DEFAULT
                    : models.get(0).manifest().name;
        }
        return new ModelCatalog(served, def);
    }

    Map<String, dev.strobe.pipeline.ModelStages> stages() {
        Map<String, dev.strobe.pipeline.ModelStages> out = new LinkedHashMap<>();
        for (LoadedModel m : models) {
            out.put(m.manifest().name, m.pipeline());
        }
        return out;
    }

    private static ModelInfo info(LoadedModel m, BatcherConfig b) {
        var man = m.manifest();
        ModelPipeline p = m.pipeline();
        var sizes = m.sizes();
        return new ModelInfo(man.name, man.family, man.steps, man.predictionType, man.timestepSpacing,
                sizes.min(), sizes.max(), man.resolution.multiple, sizes.defaultWidth(),
                sizes.defaultHeight(), Math.min(b.denoise().maxBatch(), p.limits().denoiseMaxBatch()),
                p.unetBackend(), sizes.limitedBy());
    }

    @Override
    public void close() {
        models.forEach(m -> m.pipeline().close());
    }
}
