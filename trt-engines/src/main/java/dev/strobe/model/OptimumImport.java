package dev.strobe.model;

import dev.strobe.engine.build.OnnxInputs;
import dev.strobe.model.ModelManifest.ComponentSpec;
import dev.strobe.model.ModelManifest.TokenizerSpec;
import dev.strobe.sdxl.SdxlTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns an optimum ONNX export of an SDXL(-Lightning) pipeline into a strobe model folder by
 * writing its {@code model.json}: nothing else in the folder changes. What the export records is
 * taken from it (prediction type, timestep spacing and training schedule from
 * scheduler_config.json, padding tokens from the tokenizer configs, the penultimate hidden-state
 * outputs from the text encoders' ONNX interfaces, the VAE scaling factor from its config.json);
 * what it does not record comes from {@link Options}: the step count the UNet was distilled for
 * (a Lightning export does not say), the engine and the resolution range.
 *
 * <p>Called by {@link ImportOptimumMain} and tests; stateless.
 */
public final class OptimumImport {
    public static final String ONNXRUNTIME = "onnxruntime";
    public static final String TENSORRT = "tensorrt";
    /** Where build-engine writes the UNet plan by default. */
    public static final String TENSORRT_UNET_FILE = "unet/engine.plan";

    /**
     * What the import cannot read from the export.
     *
     * @param name model name; null takes the folder's name
     * @param steps the step count the UNet was distilled for
     * @param prediction "epsilon" or "sample"; null takes scheduler_config.json's prediction_type
     * @param timestepSpacing "trailing" or "sgm_uniform"; null takes scheduler_config.json's
     * @param unetEngine engine of the UNet: onnxruntime or tensorrt (the other components run on
     *     onnxruntime)
     * @param unetFile the UNet file in the folder; null: unet/model.onnx, or unet/engine.plan for
     *     tensorrt
     * @param minSize smallest width and height served, in pixels
     * @param defaultSize width and height of requests that give none
     * @param maxSize largest width and height served
     * @param tensorrtComponents other components served as TensorRT plans ({@code <component>/engine.plan}):
     *     text_encoder, text_encoder_2, vae_decoder
     */
    public record Options(
            String name,
            int steps,
            String prediction,
            String timestepSpacing,
            String unetEngine,
            String unetFile,
            int minSize,
            int defaultSize,
            int maxSize,
            List<String> tensorrtComponents) {

        public Options {
            tensorrtComponents = tensorrtComponents == null ? List.of() : List.copyOf(tensorrtComponents);
        }

        /** SDXL's range: 1024 by default, 512 to 2048, on ONNX Runtime. */
        public static Options sdxl(String name, int steps) {
            return new Options(name, steps, null, null, ONNXRUNTIME, null, 512, 1024, 2048, List.of());
        }

        public Options withPrediction(String p) {
            return new Options(
                    name,
                    steps,
                    p,
                    timestepSpacing,
                    unetEngine,
                    unetFile,
                    minSize,
                    defaultSize,
                    maxSize,
                    tensorrtComponents);
        }

        public Options withTimestepSpacing(String s) {
            return new Options(
                    name,
                    steps,
                    prediction,
                    s,
                    unetEngine,
                    unetFile,
                    minSize,
                    defaultSize,
                    maxSize,
                    tensorrtComponents);
        }

        public Options withUnet(String engine, String file) {
            return new Options(
                    name,
                    steps,
                    prediction,
                    timestepSpacing,
                    engine,
                    file,
                    minSize,
                    defaultSize,
                    maxSize,
                    tensorrtComponents);
        }

        public Options withSizes(int min, int def, int max) {
            return new Options(
                    name, steps, prediction, timestepSpacing, unetEngine, unetFile, min, def, max, tensorrtComponents);
        }

        /** Serves these components (besides the UNet) as TensorRT plans; "unet" in the list means --engine tensorrt. */
        public Options withTensorrt(List<String> components) {
            boolean unet = components.contains(ModelManifest.UNET);
            List<String> others = components.stream()
                    .filter(c -> !ModelManifest.UNET.equals(c))
                    .toList();
            return new Options(
                    name,
                    steps,
                    prediction,
                    timestepSpacing,
                    unet ? TENSORRT : unetEngine,
                    unetFile,
                    minSize,
                    defaultSize,
                    maxSize,
                    others);
        }

        /** The UNet file this import points the manifest at. */
        public String resolvedUnetFile() {
            if (unetFile != null && !unetFile.isBlank()) {
                return unetFile;
            }
            return TENSORRT.equals(unetEngine) ? TENSORRT_UNET_FILE : OptimumFolder.UNET_FILE;
        }
    }

    /** The written manifest and where it went. */
    public record Result(Path manifestFile, ModelManifest manifest, OptimumFolder export) {}

    /**
     * Reads {@code dir}, builds its manifest and writes {@code dir/model.json}.
     *
     * @param force replace a model.json that exists already
     * @throws OptimumImportException when the folder is not an SDXL export, an option does not fit
     *     it, or model.json exists and {@code force} is false
     * @throws IOException when a file cannot be read or model.json cannot be written
     */
    public Result importFolder(Path dir, Options options, boolean force) throws OptimumImportException, IOException {
        engine(options); // an unknown engine is refused before anything is read
        Path target = dir.resolve(ModelManifest.FILE_NAME);
        if (Files.exists(target) && !force) {
            throw new OptimumImportException(target + " exists already; pass --force to replace it");
        }
        List<String> missingPlans = new java.util.ArrayList<>();
        List<String> plans = options.tensorrtComponents(); // the UNet plan is checked by OptimumFolder
        for (String c : plans) {
            if (!Files.isRegularFile(dir.resolve(c).resolve(EngineFiles.PLAN))) {
                missingPlans.add(c + "/" + EngineFiles.PLAN + " ("
                        + EngineFiles.buildCommand(c, dir.resolve(c).resolve(EngineFiles.ONNX)) + ")");
            }
        }
        if (!missingPlans.isEmpty()) {
            throw new OptimumImportException(
                    dir + ": the TensorRT plans asked for are missing: " + String.join("; ", missingPlans));
        }
        OptimumFolder export = OptimumFolder.read(dir, options.resolvedUnetFile());
        ModelManifest m = manifest(export, options);
        Path partial = dir.resolve("." + ModelManifest.FILE_NAME + ".partial");
        m.write(partial);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Result(target, m, export);
    }

    /** The manifest of {@code export}; it passes {@link ModelManifest#validate()}. */
    public ModelManifest manifest(OptimumFolder export, Options o) throws OptimumImportException {
        OptimumFolder.SchedulerConfig s = export.scheduler();
        ModelManifest m = new ModelManifest();
        m.name = o.name() != null && !o.name().isBlank()
                ? o.name()
                : export.dir().toAbsolutePath().normalize().getFileName().toString();
        m.steps = o.steps();
        m.predictionType = prediction(o, s);
        m.timestepSpacing = spacing(o, s);
        m.description = description(export, o);
        m.schedule.numTrainTimesteps = s.numTrainTimesteps();
        m.schedule.betaStart = s.betaStart();
        m.schedule.betaEnd = s.betaEnd();
        m.schedule.betaSchedule = s.betaSchedule();
        if (!"scaled_linear".equals(s.betaSchedule())) {
            throw new OptimumImportException(OptimumFolder.SCHEDULER_CONFIG + " has beta_schedule " + s.betaSchedule()
                    + "; strobe samples SDXL's scaled_linear schedule only");
        }
        m.resolution.min = o.minSize();
        m.resolution.max = o.maxSize();
        m.resolution.defaultWidth = o.defaultSize();
        m.resolution.defaultHeight = o.defaultSize();
        m.resolution.multiple = 64;
        m.latentChannels = latentChannels(export);
        m.vaeScaleFactor = export.vaeScaleFactor().orElse(8);
        m.vaeScalingFactor = export.vaeScalingFactor().orElse(0.13025);
        m.tokenizers.put(ModelManifest.TOKENIZER, new TokenizerSpec("tokenizer", export.padToken()));
        m.tokenizers.put(ModelManifest.TOKENIZER_2, new TokenizerSpec("tokenizer_2", export.padToken2()));
        m.components.put(
                ModelManifest.TEXT_ENCODER,
                new ComponentSpec(OptimumFolder.TEXT_ENCODER_FILE)
                        .output(
                                "hidden",
                                OptimumFolder.penultimateLayer(export.textEncoder())
                                        .orElseThrow()));
        m.components.put(
                ModelManifest.TEXT_ENCODER_2,
                new ComponentSpec(OptimumFolder.TEXT_ENCODER_2_FILE)
                        .output(
                                "hidden",
                                OptimumFolder.penultimateLayer(export.textEncoder2())
                                        .orElseThrow())
                        .output("pooled", SdxlTensors.TEXT_EMBEDS));
        ComponentSpec unet = new ComponentSpec(o.resolvedUnetFile()).output("out", SdxlTensors.OUT_SAMPLE);
        unet.engine = engine(o);
        m.components.put(ModelManifest.UNET, unet);
        m.components.put(
                ModelManifest.VAE_DECODER,
                new ComponentSpec(OptimumFolder.VAE_DECODER_FILE).output("image", SdxlTensors.VAE_SAMPLE));
        for (String c : o.tensorrtComponents()) {
            ComponentSpec spec = m.components.get(c);
            if (spec == null) {
                throw new OptimumImportException("--tensorrt-components " + c + " is not a component (text_encoder,"
                        + " text_encoder_2, unet, vae_decoder)");
            }
            spec.file = c + "/" + EngineFiles.PLAN; // build-engine's default output beside model.onnx
            spec.engine = TENSORRT;
        }
        List<String> problems = m.validate();
        if (!problems.isEmpty()) {
            String hint = o.name() == null && problems.stream().anyMatch(p -> p.startsWith("name"))
                    ? " (the name comes from the folder; pass --name)"
                    : "";
            throw new OptimumImportException(
                    "cannot import " + export.dir() + ": " + String.join("; ", problems) + hint);
        }
        return m;
    }

    private static String prediction(Options o, OptimumFolder.SchedulerConfig s) throws OptimumImportException {
        String p = o.prediction() != null ? o.prediction() : s.predictionType();
        if (!List.of("epsilon", "sample").contains(p)) {
            throw new OptimumImportException((o.prediction() != null
                            ? "--prediction "
                            : OptimumFolder.SCHEDULER_CONFIG + " has prediction_type ")
                    + p + "; strobe serves epsilon and sample models"
                    + " (pass --prediction epsilon|sample if the config is wrong)");
        }
        return p;
    }

    /**
     * SDXL-Lightning samples with "trailing" timesteps; an export of the base pipeline keeps SDXL's
     * "leading", which would sample a Lightning UNet at the wrong timesteps, so it is refused
     * rather than silently changed.
     */
    private static String spacing(Options o, OptimumFolder.SchedulerConfig s) throws OptimumImportException {
        String t = o.timestepSpacing() != null ? o.timestepSpacing() : s.timestepSpacing();
        if (!List.of("trailing", "sgm_uniform").contains(t)) {
            throw new OptimumImportException((o.timestepSpacing() != null
                            ? "--timestep-spacing "
                            : OptimumFolder.SCHEDULER_CONFIG + " has timestep_spacing ")
                    + t
                    + "; SDXL-Lightning needs trailing (pass --timestep-spacing trailing)");
        }
        return t;
    }

    private static String engine(Options o) throws OptimumImportException {
        String e = o.unetEngine() == null ? ONNXRUNTIME : o.unetEngine();
        if (!List.of(ONNXRUNTIME, TENSORRT).contains(e)) {
            throw new OptimumImportException("--engine " + e + " is not onnxruntime or tensorrt");
        }
        return e;
    }

    private static int latentChannels(OptimumFolder export) {
        return export.unet()
                .flatMap(u -> OptimumFolder.input(u, SdxlTensors.SAMPLE))
                .map(OnnxInputs.Input::shape)
                .filter(shape -> shape.length == 4 && shape[1] > 0)
                .map(shape -> (int) shape[1])
                .orElseGet(() -> export.vaeLatentChannels().orElse(4));
    }

    private static String description(OptimumFolder export, Options o) {
        Optional<OnnxInputs.Input> t = export.unet().flatMap(u -> OptimumFolder.input(u, SdxlTensors.TIMESTEP));
        Optional<OnnxInputs.Input> sample = export.unet().flatMap(u -> OptimumFolder.input(u, SdxlTensors.SAMPLE));
        String unet = sample.map(s -> s.elementType() + " UNet").orElse("UNet")
                + t.map(ts -> ", "
                                + (ts.rank() == 0
                                        ? "scalar"
                                        : ts.rank() == 1 && ts.shape()[0] == 1 ? "single" : "per-sample")
                                + " " + ts.elementType() + " timestep")
                        .orElse("");
        return String.format(
                Locale.ROOT,
                "imported from an optimum export (%s): %s on %s",
                export.pipelineClass(),
                unet,
                engineName(o));
    }

    private static String engineName(Options o) {
        return o.unetEngine() == null ? ONNXRUNTIME : o.unetEngine();
    }
}
