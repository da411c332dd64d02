package dev.strobe.server;

import dev.strobe.engine.EngineException;
import dev.strobe.engine.Engines;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.model.ModelRepository;
import dev.strobe.pipeline.LoadedModel;
import dev.strobe.pipeline.ModelLoader;
import dev.strobe.pipeline.ModelPipeline;
import dev.strobe.pipeline.ModelProblem;
import dev.strobe.scheduler.BatcherConfig;
import dev.strobe.service.ModelCatalog;
import dev.strobe.service.ModelInfo;
import dev.strobe.service.ServedModel;
import dev.strobe.service.UnavailableModel;
import dev.strobe.tiny.TinyModelSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every model of the repository (generating the embedded tiny models first when the folder
 * has none and that is allowed), applying the engine choice and its fallback rule, and keeps the
 * folders that did not load as unavailable, each with one sentence saying why: one broken folder
 * does not stop the others from being served. Runs once at start-up on the main thread.
 */
final class ModelSet implements ModelSource.Loaded {
    static final String PREFERRED_DEFAULT = "tiny-lightning-4step";
    static final long TINY_SEED = 42;
    private static final Logger log = LoggerFactory.getLogger(ModelSet.class);

    private final ServerSettings settings;
    private final List<LoadedModel> models;
    private final List<UnavailableModel> unavailable;

    private ModelSet(ServerSettings settings, List<LoadedModel> models, List<UnavailableModel> unavailable) {
        this.settings = settings;
        this.models = models;
        this.unavailable = List.copyOf(unavailable);
    }

    /**
     * Loads every model folder it can. A folder that fails (an invalid or missing model.json, a
     * missing or corrupt component, components that do not fit together) is logged and kept as
     * unavailable with its one-sentence reason; the others are served.
     *
     * @throws IOException when no model loads (the message lists every folder's reason), or when
     *     the {@code --default-model} named is among those that did not load
     * @throws EngineException MISSING_LIBRARY, with the same list, when no model loads because a
     *     native library is missing for every one
     * @throws InterruptedException when the thread was interrupted (SIGTERM during start-up);
     *     its message says what was interrupted, and the models loaded so far are closed
     */
    static ModelSet load(ServerSettings s, Engines engines) throws IOException, InterruptedException {
        ModelRepository repo = new ModelRepository(s.modelsDir());
        if (s.generateTinyModels() && (!Files.isDirectory(s.modelsDir()) || noModelFolders(repo))) {
            log.info("no models in {}: generating the embedded tiny models (seed {})", s.modelsDir(), TINY_SEED);
            TinyModelSet.writeAll(s.modelsDir(), TINY_SEED);
            if (Thread.interrupted()) {
                throw new InterruptedException("generating the embedded tiny models in " + s.modelsDir());
            }
        }
        ModelRepository.Scan scan = repo.scanAll();
        List<UnavailableModel> unavailable = new ArrayList<>();
        for (ModelRepository.Unreadable u : scan.unreadable()) {
            unavailable(unavailable, u.dir().getFileName().toString(), u.dir(), u.problem());
        }
        List<ModelRepository.Entry> entries = scan.entries();
        if (entries.isEmpty() && unavailable.isEmpty()) {
            throw new IOException("no model folders with a model.json in " + s.modelsDir());
        }
        ModelLoader loader = new ModelLoader(engines, s.engine());
        List<LoadedModel> loaded = new ArrayList<>();
        Map<String, Path> folderOfName = new LinkedHashMap<>();
        int missingLibrary = 0;
        try {
            for (ModelRepository.Entry e : entries) {
                String name = e.manifest().name;
                if (Thread.interrupted()) {
                    throw new InterruptedException("loading the models: " + loaded.size() + " of " + entries.size()
                            + " loaded, " + name + " next");
                }
                Path other = folderOfName.putIfAbsent(name, e.dir());
                if (other != null) {
                    unavailable(
                            unavailable,
                            name,
                            e.dir(),
                            "model folder " + e.dir() + ": model.json names the model '" + name + "', which the folder "
                                    + other + " already has; give one of them another name");
                    continue;
                }
                log.info("loading model {} ({} of {})", name, entries.indexOf(e) + 1, entries.size());
                try {
                    loaded.add(loadOne(e, loader, engines, s));
                } catch (IOException | RuntimeException ex) {
                    if (ex instanceof EngineException ee && ee.kind() == EngineException.Kind.MISSING_LIBRARY) {
                        missingLibrary++;
                    }
                    unavailable(unavailable, name, e.dir(), ModelProblem.describe(e.dir(), ex));
                    log.debug("{} did not load", e.dir(), ex);
                }
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("loading the models: all " + entries.size() + " loaded");
            }
            unavailable.sort(Comparator.comparing(UnavailableModel::folder));
            requireServable(s, loaded, unavailable, missingLibrary == unavailable.size());
        } catch (IOException | RuntimeException | InterruptedException e) {
            loaded.forEach(m -> m.pipeline().close());
            throw e;
        }
        if (!unavailable.isEmpty()) {
            log.warn(
                    "serving {} of {} models; unavailable: {}",
                    loaded.size(),
                    loaded.size() + unavailable.size(),
                    unavailable.stream().map(UnavailableModel::name).toList());
        }
        return new ModelSet(
                s,
                loaded,
                unavailable.stream().map(u -> forClients(s.modelsDir(), u)).toList());
    }

    private static void unavailable(List<UnavailableModel> out, String name, Path dir, String reason) {
        log.error("model {} is unavailable: {}", name, reason);
        out.add(new UnavailableModel(name, dir.toString(), reason));
    }

    /**
     * An unavailable model as clients see it (ListModels, GET /v1/models, NOT_FOUND): its folder
     * and every path in its reason relative to the models directory, so that the server's own
     * file layout stays in its log and start-up errors.
     */
    static UnavailableModel forClients(Path modelsDir, UnavailableModel u) {
        Path root = modelsDir.toAbsolutePath().normalize();
        Path dir = Path.of(u.folder()).toAbsolutePath().normalize();
        String folder = dir.startsWith(root) && !dir.equals(root)
                ? root.relativize(dir).toString()
                : String.valueOf(dir.getFileName());
        String reason = u.reason()
                .replace(u.folder(), folder)
                .replace(root + java.io.File.separator, "")
                .replace(modelsDir + java.io.File.separator, "");
        return new UnavailableModel(u.name(), folder, reason);
    }

    /** The server starts when at least one model, and the configured default model, loaded. */
    private static void requireServable(
            ServerSettings s, List<LoadedModel> loaded, List<UnavailableModel> unavailable, boolean allMissingLibraries)
            throws IOException {
        if (loaded.isEmpty()) {
            StringBuilder b = new StringBuilder("no model in " + s.modelsDir() + " loaded");
            for (int i = 0; i < unavailable.size(); i++) {
                b.append(i == 0 ? ": " : "; ")
                        .append('(')
                        .append(i + 1)
                        .append(") ")
                        .append(unavailable.get(i).reason());
            }
            if (allMissingLibraries) {
                // every model needs a library this machine lacks: serve's exit status 3 says so
                throw new EngineException(EngineException.Kind.MISSING_LIBRARY, b.toString());
            }
            throw new IOException(b.toString());
        }
        String def = s.defaultModel();
        if (def != null && !def.isEmpty()) {
            for (UnavailableModel u : unavailable) {
                if (u.name().equals(def)) {
                    throw new IOException(
                            "the default model " + def + " (--default-model) did not load: " + u.reason());
                }
            }
        }
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
            log.warn(
                    "{}: {}; falling back to ONNX Runtime as --allow-fallback permits",
                    e.manifest().name,
                    ex.getMessage());
            return ModelLoader.fallingBackTo(engines, OnnxRuntimeProvider.NAME).load(e);
        }
    }

    /** Whether the repository has no model folder at all, usable or not (then the tiny models may be generated). */
    private static boolean noModelFolders(ModelRepository repo) {
        try {
            ModelRepository.Scan scan = repo.scanAll();
            return scan.entries().isEmpty() && scan.unreadable().isEmpty();
        } catch (IOException e) {
            return true;
        }
    }

    List<LoadedModel> models() {
        return models;
    }

    /** The model folders found but not loaded, with their reasons. */
    List<UnavailableModel> unavailable() {
        return unavailable;
    }

    /** The catalog the service validates against, with max batch as the batcher will apply it. */
    @Override
    public ModelCatalog catalog() {
        List<ServedModel> served = new ArrayList<>();
        for (LoadedModel m : models) {
            served.add(new ServedModel(info(m, settings.batcher()), m.tokenizer(), m.pipeline()));
        }
        String def = settings.defaultModel();
        if (def == null || def.isEmpty()) {
            def = models.stream().anyMatch(m -> m.manifest().name.equals(PREFERRED_DEFAULT))
                    ? PREFERRED_DEFAULT
                    : models.get(0).manifest().name;
        }
        return new ModelCatalog(served, def, unavailable);
    }

    private static ModelInfo info(LoadedModel m, BatcherConfig b) {
        var man = m.manifest();
        ModelPipeline p = m.pipeline();
        var sizes = m.sizes();
        return new ModelInfo(
                man.name,
                man.family,
                man.steps,
                man.predictionType,
                man.timestepSpacing,
                sizes.min(),
                sizes.max(),
                man.resolution.multiple,
                sizes.defaultWidth(),
                sizes.defaultHeight(),
                Math.min(b.denoise().maxBatch(), p.limits().denoiseMaxBatch()),
                p.unetBackend(),
                sizes.limitedBy());
    }

    @Override
    public void close() {
        models.forEach(m -> m.pipeline().close());
    }
}
