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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a model folder (a {@code model.json} and its components in optimum's layout) through the
 * engines its manifest names: the embedded tiny models and a real SDXL-Lightning export go through
 * this same code. Checks that every component has the inputs and outputs the pipeline needs and
 * says precisely what is missing. Called at start-up, on the main thread.
 */
public final class ModelLoader {
    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);
    private static final List<String> UNET_INPUTS =
            List.of("sample", "timestep", "encoder_hidden_states", "text_embeds", "time_ids");

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
            Engine te1 = component(entry, ModelManifest.TEXT_ENCODER, loaded);
            Engine te2 = component(entry, ModelManifest.TEXT_ENCODER_2, loaded);
            Engine unet = component(entry, ModelManifest.UNET, loaded);
            Engine vae = component(entry, ModelManifest.VAE_DECODER, loaded);
            requireInputs(m.name, "text_encoder", te1, List.of("input_ids"));
            requireInputs(m.name, "text_encoder_2", te2, List.of("input_ids"));
            requireInputs(m.name, "unet", unet, UNET_INPUTS);
            requireInputs(m.name, "vae_decoder", vae, List.of("latent_sample"));
            requireOutput(m.name, "text_encoder", te1, config.hidden1());
            requireOutput(m.name, "text_encoder_2", te2, config.hidden2());
            requireOutput(m.name, "text_encoder_2", te2, config.pooled2());
            requireOutput(m.name, "unet", unet, config.unetOutput());
            requireOutput(m.name, "vae_decoder", vae, config.vaeOutput());
            TensorSpec t = unet.info().input("timestep").orElseThrow();
            if (!t.dataType().isFloating() && spacing == TimestepSpacing.SGM_UNIFORM) {
                throw new EngineException(EngineException.Kind.INVALID_MODEL, m.name
                        + ": the UNet takes integer timesteps but sgm_uniform needs fractional ones;"
                        + " set timestep_spacing to trailing");
            }
            ServedSizes sizes = ServedSizes.reconcile(m.name, m.resolution, m.vaeScaleFactor, java.util.Map.of(
                    ModelManifest.TEXT_ENCODER, te1.info(), ModelManifest.TEXT_ENCODER_2, te2.info(),
                    ModelManifest.UNET, unet.info(), ModelManifest.VAE_DECODER, vae.info()));
            if (!sizes.note().isEmpty()) {
                log.warn("{}", sizes.note());
            }
            ModelPipeline pipeline = new ModelPipeline(config, te1, te2, unet, vae);
            log.info("model {} ready: {} steps, {} prediction, {} spacing, UNet on {} (max batch {}, {} timestep)",
                    m.name, m.steps, m.predictionType, m.timestepSpacing, unet.info().backend(),
                    unet.info().maxBatch(),
                    t.isScalar() ? "scalar" : ModelPipeline.sharesTimestep(t) ? "single-element" : "per-sample");
            return new LoadedModel(entry.dir(), m, tokenizer, pipeline, sizes);
        } catch (RuntimeException e) {
            loaded.forEach(Engine::close);
            throw e;
        }
    }

    private Engine component(ModelRepository.Entry entry, String name, List<Engine> loaded) {
        ModelManifest.ComponentSpec c = entry.manifest().components.get(name);
        String backend = engineOverride.isEmpty() ? c.engine : engineFor(name, c.engine);
        // the file the chosen engine loads: an override must not hand TensorRT an ONNX file, nor
        // ONNX Runtime a plan
        EngineFiles.Choice file = EngineFiles.choose(entry, entry.manifest().name, name, c, backend);
        Engine e = engines.load(backend, file.file(), file.options());
        loaded.add(e);
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

    private static ClipTokenizer clip(ModelRepository.Entry entry, ModelManifest.TokenizerSpec spec) throws IOException {
        Path dir = entry.resolve(spec.dir);
        ClipBpeFiles files = Files.isRegularFile(dir.resolve("vocab.json"))
                ? ClipBpeFiles.fromFolder(dir)
                : ClipBpeFiles.builtin();
        return ClipTokenizer.of(files, spec.padToken);
    }

    private static void requireInputs(String model, String component, Engine e, List<String> names) {
        for (String n : names) {
            if (e.info().input(n).isEmpty()) {
                throw new EngineException(EngineException.Kind.INVALID_MODEL, model + ": " + component
                        + " has no input '" + n + "'; it has " + e.info().inputs());
            }
        }
    }

    private static void requireOutput(String model, String component, Engine e, String name) {
        if (e.info().output(name).isEmpty()) {
            throw new EngineException(EngineException.Kind.INVALID_MODEL, model + ": " + component
                    + " has no output '" + name + "' (set its role in model.json); it has " + e.info().outputs());
        }
    }
}
