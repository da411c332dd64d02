package dev.strobe.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.strobe.engine.build.OnnxInputs;
import dev.strobe.sdxl.SdxlTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What an optimum ONNX export of an SDXL pipeline holds, read and checked: the pipeline class from
 * {@code model_index.json}, the sampling facts of {@code scheduler/scheduler_config.json}, the
 * padding tokens of {@code tokenizer/} and {@code tokenizer_2/}, and the inputs and outputs of
 * each component's ONNX file (read without loading weights). {@link OptimumImport} turns it into
 * a {@code model.json}.
 *
 * <p>Layout (optimum's {@code export_models} for a diffusers pipeline): each component in its
 * folder as {@code model.onnx} (+ {@code model.onnx_data} above 2 GB) and {@code config.json},
 * {@code scheduler/}, {@code tokenizer/}, {@code tokenizer_2/}, and the pipeline's
 * {@code model_index.json} at the top. Immutable once read.
 */
public final class OptimumFolder {
    public static final String MODEL_INDEX = "model_index.json";
    public static final String SCHEDULER_CONFIG = "scheduler/scheduler_config.json";
    public static final String TEXT_ENCODER_FILE = "text_encoder/model.onnx";
    public static final String TEXT_ENCODER_2_FILE = "text_encoder_2/model.onnx";
    public static final String UNET_FILE = "unet/model.onnx";
    public static final String VAE_DECODER_FILE = "vae_decoder/model.onnx";
    public static final String VAE_DECODER_CONFIG = "vae_decoder/config.json";
    /** The UNet inputs of optimum's SDXL export (UNetOnnxConfig with addition_embed_type text_time). */
    public static final List<String> UNET_INPUTS = SdxlTensors.UNET_INPUTS;

    /** The scheduler settings strobe uses, as diffusers names them. */
    public record SchedulerConfig(
            String className,
            String predictionType,
            String timestepSpacing,
            int numTrainTimesteps,
            double betaStart,
            double betaEnd,
            String betaSchedule) {}

    private final Path dir;
    private final String pipelineClass;
    private final SchedulerConfig scheduler;
    private final String padToken;
    private final String padToken2;
    private final OnnxInputs.Graph textEncoder;
    private final OnnxInputs.Graph textEncoder2;
    private final Optional<OnnxInputs.Graph> unet;
    private final OnnxInputs.Graph vaeDecoder;
    private final OptionalDouble vaeScalingFactor;
    private final OptionalInt vaeScaleFactor;
    private final OptionalInt vaeLatentChannels;

    private OptimumFolder(
            Path dir,
            String pipelineClass,
            SchedulerConfig scheduler,
            String padToken,
            String padToken2,
            OnnxInputs.Graph textEncoder,
            OnnxInputs.Graph textEncoder2,
            Optional<OnnxInputs.Graph> unet,
            OnnxInputs.Graph vaeDecoder,
            OptionalDouble vaeScalingFactor,
            OptionalInt vaeScaleFactor,
            OptionalInt vaeLatentChannels) {
        this.dir = dir;
        this.pipelineClass = pipelineClass;
        this.scheduler = scheduler;
        this.padToken = padToken;
        this.padToken2 = padToken2;
        this.textEncoder = textEncoder;
        this.textEncoder2 = textEncoder2;
        this.unet = unet;
        this.vaeDecoder = vaeDecoder;
        this.vaeScalingFactor = vaeScalingFactor;
        this.vaeScaleFactor = vaeScaleFactor;
        this.vaeLatentChannels = vaeLatentChannels;
    }

    /**
     * Reads and checks {@code dir}.
     *
     * @param unetFile the UNet file relative to {@code dir} (an ONNX file, or an engine plan built
     *     from {@code unet/model.onnx}, whose interface is then read from that ONNX if present)
     * @throws OptimumImportException when the folder is not an SDXL export; the message lists
     *     everything missing
     * @throws IOException when a present file cannot be read
     */
    public static OptimumFolder read(Path dir, String unetFile) throws OptimumImportException, IOException {
        if (!Files.isDirectory(dir)) {
            throw new OptimumImportException(dir + " is not a folder");
        }
        List<String> missing = new ArrayList<>();
        for (String f : List.of(
                MODEL_INDEX,
                SCHEDULER_CONFIG,
                "tokenizer/vocab.json",
                "tokenizer/merges.txt",
                "tokenizer_2/vocab.json",
                "tokenizer_2/merges.txt",
                TEXT_ENCODER_FILE,
                TEXT_ENCODER_2_FILE,
                unetFile,
                VAE_DECODER_FILE)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                missing.add(f);
            }
        }
        for (String t : List.of("tokenizer", "tokenizer_2")) {
            if (!Files.isRegularFile(dir.resolve(t).resolve("tokenizer_config.json"))
                    && !Files.isRegularFile(dir.resolve(t).resolve("special_tokens_map.json"))) {
                missing.add(t + "/tokenizer_config.json");
            }
        }
        if (!missing.isEmpty()) {
            String hint = Files.isRegularFile(dir.resolve("unet/diffusion_pytorch_model.safetensors"))
                            || Files.isRegularFile(dir.resolve("unet/diffusion_pytorch_model.fp16.safetensors"))
                    ? " (this looks like a diffusers PyTorch folder: export it first with optimum-cli export onnx)"
                    : "";
            throw new OptimumImportException(
                    dir + " is not an optimum ONNX export of SDXL: missing " + String.join(", ", missing) + hint);
        }
        String pipelineClass = string(json(dir, MODEL_INDEX), "_class_name", MODEL_INDEX);
        if (!pipelineClass.contains("StableDiffusionXL")) {
            throw new OptimumImportException(dir + "/" + MODEL_INDEX + " describes a " + pipelineClass
                    + ", not an SDXL pipeline (StableDiffusionXLPipeline); strobe serves SDXL models");
        }
        SchedulerConfig scheduler = scheduler(json(dir, SCHEDULER_CONFIG));
        String pad1 = padToken(dir, "tokenizer");
        String pad2 = padToken(dir, "tokenizer_2");
        OnnxInputs.Graph te1 = onnx(dir, TEXT_ENCODER_FILE);
        OnnxInputs.Graph te2 = onnx(dir, TEXT_ENCODER_2_FILE);
        Optional<OnnxInputs.Graph> unet = unetFile.endsWith(".onnx")
                ? Optional.of(onnx(dir, unetFile))
                : Files.isRegularFile(dir.resolve(UNET_FILE)) ? Optional.of(onnx(dir, UNET_FILE)) : Optional.empty();
        OnnxInputs.Graph vae = onnx(dir, VAE_DECODER_FILE);
        JsonObject vaeConfig =
                Files.isRegularFile(dir.resolve(VAE_DECODER_CONFIG)) ? json(dir, VAE_DECODER_CONFIG) : new JsonObject();
        OptionalDouble scalingFactor;
        OptionalInt scaleFactor;
        OptionalInt latentChannels;
        try {
            scalingFactor = vaeScalingFactor(vaeConfig);
            scaleFactor = vaeScaleFactor(vaeConfig);
            latentChannels = vaeLatentChannels(vaeConfig);
        } catch (RuntimeException e) { // Gson's NumberFormatException for "scaling_factor": "0.1x"
            throw new OptimumImportException(
                    dir + "/" + VAE_DECODER_CONFIG
                            + " has a value of the wrong type (scaling_factor, block_out_channels and latent_channels"
                            + " are numbers): " + oneLine(e),
                    e);
        }
        OptimumFolder f = new OptimumFolder(
                dir,
                pipelineClass,
                scheduler,
                pad1,
                pad2,
                te1,
                te2,
                unet,
                vae,
                scalingFactor,
                scaleFactor,
                latentChannels);
        f.checkInterfaces();
        return f;
    }

    private void checkInterfaces() throws OptimumImportException {
        List<String> p = new ArrayList<>();
        requireInput(p, TEXT_ENCODER_FILE, textEncoder, SdxlTensors.INPUT_IDS);
        requireInput(p, TEXT_ENCODER_2_FILE, textEncoder2, SdxlTensors.INPUT_IDS);
        if (penultimateLayer(textEncoder).isEmpty()) {
            p.add(TEXT_ENCODER_FILE + " has no hidden_states.N outputs (optimum exports them for SDXL)");
        }
        if (penultimateLayer(textEncoder2).isEmpty()) {
            p.add(TEXT_ENCODER_2_FILE + " has no hidden_states.N outputs (optimum exports them for SDXL)");
        }
        requireOutput(p, TEXT_ENCODER_2_FILE, textEncoder2, SdxlTensors.TEXT_EMBEDS);
        if (unet.isPresent()) {
            OnnxInputs.Graph u = unet.get();
            for (String in : UNET_INPUTS) {
                requireInput(p, UNET_FILE, u, in);
            }
            for (OnnxInputs.Input in : u.inputs()) {
                if (!UNET_INPUTS.contains(in.name())) {
                    p.add(UNET_FILE + " takes an input '" + in.name() + "' that SDXL-Lightning does not use");
                }
            }
            requireOutput(p, UNET_FILE, u, SdxlTensors.OUT_SAMPLE);
        }
        requireInput(p, VAE_DECODER_FILE, vaeDecoder, SdxlTensors.LATENT_SAMPLE);
        requireOutput(p, VAE_DECODER_FILE, vaeDecoder, SdxlTensors.VAE_SAMPLE);
        if (!p.isEmpty()) {
            throw new OptimumImportException(dir + " is not an SDXL export strobe can serve: " + String.join("; ", p));
        }
    }

    public Path dir() {
        return dir;
    }

    /** model_index.json's {@code _class_name}, e.g. StableDiffusionXLPipeline. */
    public String pipelineClass() {
        return pipelineClass;
    }

    public SchedulerConfig scheduler() {
        return scheduler;
    }

    /** tokenizer/'s padding token ("<|endoftext|>" for SDXL). */
    public String padToken() {
        return padToken;
    }

    /** tokenizer_2/'s padding token ("!" for SDXL). */
    public String padToken2() {
        return padToken2;
    }

    public OnnxInputs.Graph textEncoder() {
        return textEncoder;
    }

    public OnnxInputs.Graph textEncoder2() {
        return textEncoder2;
    }

    /** The UNet's ONNX interface; empty when only an engine plan is present. */
    public Optional<OnnxInputs.Graph> unet() {
        return unet;
    }

    public OnnxInputs.Graph vaeDecoder() {
        return vaeDecoder;
    }

    /** vae_decoder/config.json's {@code scaling_factor}, when the file has one. */
    public OptionalDouble vaeScalingFactor() {
        return vaeScalingFactor;
    }

    /**
     * Pixels per latent pixel, 2^(levels - 1) for the {@code block_out_channels} levels of
     * vae_decoder/config.json (diffusers' {@code vae_scale_factor}: 8 for SDXL's 4 levels).
     */
    public OptionalInt vaeScaleFactor() {
        return vaeScaleFactor;
    }

    /** vae_decoder/config.json's {@code latent_channels}, when the file has one. */
    public OptionalInt vaeLatentChannels() {
        return vaeLatentChannels;
    }

    /**
     * The penultimate layer's output name, {@code hidden_states.(N-1)} for outputs
     * {@code hidden_states.0..N}: 11 for CLIP ViT-L, 31 for OpenCLIP bigG.
     */
    public static Optional<String> penultimateLayer(OnnxInputs.Graph g) {
        int last = -1;
        for (String out : g.outputs()) {
            if (out.startsWith(SdxlTensors.HIDDEN_STATES_PREFIX)) {
                try {
                    last = Math.max(last, Integer.parseInt(out.substring(SdxlTensors.HIDDEN_STATES_PREFIX.length())));
                } catch (NumberFormatException e) {
                    // another output that happens to share the prefix
                }
            }
        }
        return last >= 1 ? Optional.of(SdxlTensors.hiddenStates(last - 1)) : Optional.empty();
    }

    public static Optional<OnnxInputs.Input> input(OnnxInputs.Graph g, String name) {
        return g.inputs().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    private static void requireInput(List<String> problems, String file, OnnxInputs.Graph g, String name) {
        if (input(g, name).isEmpty()) {
            problems.add(file + " has no input '" + name + "'");
        }
    }

    private static void requireOutput(List<String> problems, String file, OnnxInputs.Graph g, String name) {
        if (!g.outputs().contains(name)) {
            problems.add(file + " has no output '" + name + "'");
        }
    }

    private static OnnxInputs.Graph onnx(Path dir, String file) throws OptimumImportException, IOException {
        try {
            return OnnxInputs.read(dir.resolve(file));
        } catch (IOException e) {
            if (Files.isReadable(dir.resolve(file))) {
                throw new OptimumImportException(e.getMessage(), e);
            }
            throw e;
        }
    }

    private static SchedulerConfig scheduler(JsonObject o) throws OptimumImportException {
        TrainingSchedule.Config d = new TrainingSchedule.Config();
        try {
            return new SchedulerConfig(
                    o.has("_class_name") ? o.get("_class_name").getAsString() : "",
                    o.has("prediction_type") ? o.get("prediction_type").getAsString() : "epsilon",
                    o.has("timestep_spacing") ? o.get("timestep_spacing").getAsString() : "linspace",
                    o.has("num_train_timesteps") ? o.get("num_train_timesteps").getAsInt() : d.numTrainTimesteps,
                    o.has("beta_start") ? o.get("beta_start").getAsDouble() : d.betaStart,
                    o.has("beta_end") ? o.get("beta_end").getAsDouble() : d.betaEnd,
                    o.has("beta_schedule") ? o.get("beta_schedule").getAsString() : d.betaSchedule);
        } catch (RuntimeException e) {
            throw new OptimumImportException(SCHEDULER_CONFIG + " has a value of the wrong type: " + oneLine(e), e);
        }
    }

    /**
     * The padding token of a CLIPTokenizer folder: {@code pad_token} of tokenizer_config.json, or
     * of special_tokens_map.json; a plain string or, in older files, an AddedToken object with
     * {@code content}.
     */
    private static String padToken(Path dir, String tokenizer) throws OptimumImportException, IOException {
        for (String file : List.of("tokenizer_config.json", "special_tokens_map.json")) {
            String relative = tokenizer + "/" + file;
            if (!Files.isRegularFile(dir.resolve(relative))) {
                continue;
            }
            JsonElement pad = json(dir, relative).get("pad_token");
            if (pad != null && pad.isJsonPrimitive()) {
                return pad.getAsString();
            }
            JsonElement content =
                    pad != null && pad.isJsonObject() ? pad.getAsJsonObject().get("content") : null;
            if (content != null && content.isJsonPrimitive()) {
                return content.getAsString();
            }
        }
        throw new OptimumImportException(
                dir + "/" + tokenizer + " names no pad_token in tokenizer_config.json or special_tokens_map.json");
    }

    private static OptionalDouble vaeScalingFactor(JsonObject config) {
        JsonElement s = config.get("scaling_factor");
        return s != null && s.isJsonPrimitive() ? OptionalDouble.of(s.getAsDouble()) : OptionalDouble.empty();
    }

    private static OptionalInt vaeScaleFactor(JsonObject config) {
        JsonElement b = config.get("block_out_channels");
        return b != null
                        && b.isJsonArray()
                        && !b.getAsJsonArray().isEmpty()
                        && b.getAsJsonArray().size() <= 8
                ? OptionalInt.of(1 << (b.getAsJsonArray().size() - 1))
                : OptionalInt.empty();
    }

    private static OptionalInt vaeLatentChannels(JsonObject config) {
        JsonElement c = config.get("latent_channels");
        return c != null && c.isJsonPrimitive() && c.getAsJsonPrimitive().isNumber()
                ? OptionalInt.of(c.getAsInt())
                : OptionalInt.empty();
    }

    private static JsonObject json(Path dir, String relative) throws OptimumImportException, IOException {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(dir.resolve(relative)));
            if (!e.isJsonObject()) {
                throw new OptimumImportException(dir + "/" + relative + " is not a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new OptimumImportException(dir + "/" + relative + " is not valid JSON: " + oneLine(e), e);
        }
    }

    private static String oneLine(RuntimeException e) {
        return String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip();
    }

    private static String string(JsonObject o, String key, String file) throws OptimumImportException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            throw new OptimumImportException(file + " has no " + key);
        }
        return e.getAsString();
    }
}
