package dev.strobe.pipeline;

import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.Engines;
import dev.strobe.engine.TensorSpec;
import dev.strobe.model.ClipBpeFiles;
import dev.strobe.model.EngineFiles;
import dev.strobe.model.ModelManifest;
import dev.strobe.model.ModelRepository;
import dev.strobe.model.TrainingSchedule;
import dev.strobe.pipeline.schedule.EulerSchedule;
import dev.strobe.pipeline.schedule.TimestepSpacing;
import dev.strobe.pipeline.text.ClipTokenizer;
import dev.strobe.sdxl.SdxlTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a model folder (a {@code model.json} and its components in optimum's layout) through the
 * engines its manifest names: the embedded tiny models and a real SDXL-Lightning export go through
 * this same code. Checks each file before its engine loads it ({@link ComponentFiles}) and the
 * components' interfaces after ({@link ModelInterfaceCheck}); a problem is a {@link ModelProblem}
 * naming the folder, the file and what is wrong. Called at start-up, on the main thread.
 */
public final class ModelLoader {
    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);

    private final Engines engines;
    /** Engine override ("" = as the manifest says), e.g. from --engine. */
    private final String engineOverride;
    /** Whether the override applies to every component (a fall-back) or to the UNet only (--engine). */
    private final boolean everyComponent;

    /** @param engineOverride the UNet's engine instead of the manifest's ("" or null: as the manifest says) */
    public ModelLoader(Engines engines, String engineOverride) {
        this(engines, engineOverride, false);
    }

    private ModelLoader(Engines engines, String engineOverride, boolean everyComponent) {
        this.engines = engines;
        this.engineOverride = engineOverride == null ? "" : engineOverride;
        this.everyComponent = everyComponent;
    }

    /**
     * A loader that runs every component on {@code engine} (the fall-back to ONNX Runtime when a
     * native library is missing), each from the file that engine loads.
     */
    public static ModelLoader fallingBackTo(Engines engines, String engine) {
        return new ModelLoader(engines, engine, true);
    }

    public LoadedModel load(ModelRepository.Entry entry) throws IOException {
        ModelManifest m = entry.manifest();
        TimestepSpacing spacing = TimestepSpacing.parse(m.timestepSpacing);
        EulerSchedule schedule = EulerSchedule.of(new TrainingSchedule(m.schedule), m.steps, spacing);
        PipelineConfig config = PipelineConfig.from(m, schedule);
        PromptTokenizer tokenizer = tokenizer(entry, m);
        List<Engine> loaded = new ArrayList<>();
        try {
            Map<String, ModelInterfaceCheck.Component> checked = new LinkedHashMap<>();
            Engine te1 = component(entry, ModelManifest.TEXT_ENCODER, loaded, checked);
            Engine te2 = component(entry, ModelManifest.TEXT_ENCODER_2, loaded, checked);
            Engine unet = component(entry, ModelManifest.UNET, loaded, checked);
            Engine vae = component(entry, ModelManifest.VAE_DECODER, loaded, checked);
            ModelInterfaceCheck.check(entry.dir(), config, checked);
            TensorSpec t = unet.info().input(SdxlTensors.TIMESTEP).orElseThrow();
            if (!t.dataType().isFloating() && spacing == TimestepSpacing.SGM_UNIFORM) {
                throw new EngineException(
                        EngineException.Kind.INVALID_MODEL,
                        m.name
                                + ": the UNet takes integer timesteps but sgm_uniform needs fractional ones;"
                                + " set timestep_spacing to trailing");
            }
            ServedSizes sizes = ServedSizes.reconcile(
                    m.name,
                    m.resolution,
                    m.vaeScaleFactor,
                    java.util.Map.of(
                            ModelManifest.TEXT_ENCODER,
                            te1.info(),
                            ModelManifest.TEXT_ENCODER_2,
                            te2.info(),
                            ModelManifest.UNET,
                            unet.info(),
                            ModelManifest.VAE_DECODER,
                            vae.info()));
            if (!sizes.note().isEmpty()) {
                log.warn("{}", sizes.note());
            }
            ModelPipeline pipeline = new ModelPipeline(config, te1, te2, unet, vae);
            log.info(
                    "model {} ready: {} steps, {} prediction, {} spacing, UNet on {} (max batch {}, {} timestep)",
                    m.name,
                    m.steps,
                    m.predictionType,
                    m.timestepSpacing,
                    unet.info().backend(),
                    unet.info().maxBatch(),
                    t.isScalar() ? "scalar" : ModelPipeline.sharesTimestep(t) ? "single-element" : "per-sample");
            return new LoadedModel(entry.dir(), m, tokenizer, pipeline, sizes);
        } catch (RuntimeException e) {
            loaded.forEach(Engine::close);
            throw e;
        }
    }

    private Engine component(
            ModelRepository.Entry entry,
            String name,
            List<Engine> loaded,
            Map<String, ModelInterfaceCheck.Component> checked) {
        ModelManifest.ComponentSpec c = entry.manifest().components.get(name);
        String backend = engineOverride.isEmpty() ? c.engine : engineFor(name, c.engine);
        // the file the chosen engine loads: an override must not hand TensorRT an ONNX file, nor
        // ONNX Runtime a plan
        EngineFiles.Choice file = EngineFiles.choose(entry, entry.manifest().name, name, c, backend);
        Engine e = ComponentFiles.load(engines, backend, entry.dir(), name, file);
        loaded.add(e);
        checked.put(
                name,
                new ModelInterfaceCheck.Component(name, ComponentFiles.relative(entry.dir(), file.file()), e.info()));
        return e;
    }

    /** --engine applies to the UNet; a fall-back to every component; others keep their manifest's engine. */
    private String engineFor(String component, String manifestEngine) {
        return everyComponent || ModelManifest.UNET.equals(component) ? engineOverride : manifestEngine;
    }

    private static PromptTokenizer tokenizer(ModelRepository.Entry entry, ModelManifest m) throws IOException {
        ClipTokenizer t1 = clip(entry, m.tokenizers.get(ModelManifest.TOKENIZER));
        ClipTokenizer t2 = clip(entry, m.tokenizers.get(ModelManifest.TOKENIZER_2));
        return new DualClipTokenizer(t1, t2);
    }

    private static ClipTokenizer clip(ModelRepository.Entry entry, ModelManifest.TokenizerSpec spec)
            throws IOException {
        Path dir = entry.resolve(spec.dir);
        ClipBpeFiles files =
                Files.isRegularFile(dir.resolve("vocab.json")) ? ClipBpeFiles.fromFolder(dir) : ClipBpeFiles.builtin();
        return ClipTokenizer.of(files, spec.padToken);
    }
}
