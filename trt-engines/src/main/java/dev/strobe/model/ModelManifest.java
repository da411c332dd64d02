package dev.strobe.model;

import dev.strobe.json.JsonFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code model.json} of a served model folder: what the model is, how to sample it, and which
 * file and engine serve each component. Components sit in optimum's layout ({@code text_encoder/},
 * {@code text_encoder_2/}, {@code unet/}, {@code vae_decoder/}, {@code tokenizer/},
 * {@code tokenizer_2/}), so a real SDXL-Lightning export drops in beside the embedded tiny model.
 *
 * <p>Field names in JSON are snake_case. {@link #validate()} explains every problem in one message.
 */
public final class ModelManifest {
    public static final String FILE_NAME = "model.json";
    public static final int FORMAT = 1;

    public int format = FORMAT;
    public String name;
    public String family = "sdxl-lightning";
    public String description = "";
    /** The step count the checkpoint was distilled for. */
    public int steps;
    /** "epsilon" or "sample". */
    public String predictionType = "epsilon";
    /** "trailing" (diffusers) or "sgm_uniform" (ComfyUI). */
    public String timestepSpacing = "trailing";

    public Resolution resolution = new Resolution();
    public int latentChannels = 4;
    /** Pixels per latent pixel along each side. */
    public int vaeScaleFactor = 8;
    /** The VAE's latent scaling factor: the decoder gets latent / this. */
    public double vaeScalingFactor = 0.13025;

    public TrainingSchedule.Config schedule = new TrainingSchedule.Config();
    public Map<String, TokenizerSpec> tokenizers = new LinkedHashMap<>();
    public Map<String, ComponentSpec> components = new LinkedHashMap<>();

    /** Width and height limits, in pixels. */
    public static final class Resolution {
        public int min = 256;
        public int max = 2048;
        public int multiple = 64;
        public int defaultWidth = 1024;
        public int defaultHeight = 1024;
    }

    /** A CLIP BPE tokenizer in optimum's layout: {@code dir/vocab.json} and {@code dir/merges.txt}. */
    public static final class TokenizerSpec {
        public String dir;
        /** The padding token, as text: "<|endoftext|>" for CLIP ViT-L, "!" for OpenCLIP bigG. */
        public String padToken = "<|endoftext|>";

        public int maxLength = 77;

        public TokenizerSpec() {}

        public TokenizerSpec(String dir, String padToken) {
            this.dir = dir;
            this.padToken = padToken;
        }
    }

    /** One model component: its file, the engine that runs it, and engine options. */
    public static final class ComponentSpec {
        public String file;
        public String engine = "onnxruntime";
        /** Roles to output names, e.g. hidden -> hidden_states.11, pooled -> text_embeds. */
        public Map<String, String> outputs = new LinkedHashMap<>();
        /** Backend options, e.g. max_batch, intra_op_threads, execution_provider. */
        public Map<String, String> options = new LinkedHashMap<>();

        public ComponentSpec() {}

        public ComponentSpec(String file) {
            this.file = file;
        }

        public ComponentSpec output(String role, String name) {
            outputs.put(role, name);
            return this;
        }

        public ComponentSpec option(String key, String value) {
            options.put(key, value);
            return this;
        }
    }

    public static final String TEXT_ENCODER = "text_encoder";
    public static final String TEXT_ENCODER_2 = "text_encoder_2";
    public static final String UNET = "unet";
    public static final String VAE_DECODER = "vae_decoder";
    public static final String TOKENIZER = "tokenizer";
    public static final String TOKENIZER_2 = "tokenizer_2";

    public static ModelManifest read(Path file) throws IOException {
        return JsonFiles.read(file, ModelManifest.class, "model manifest");
    }

    public void write(Path file) throws IOException {
        JsonFiles.write(file, this);
    }

    public String toJson() {
        return JsonFiles.toJson(this);
    }

    public boolean predictsSample() {
        return "sample".equals(predictionType);
    }

    /** Checks the manifest; returns the problems found (empty when the manifest is usable). */
    public List<String> validate() {
        List<String> p = new ArrayList<>();
        if (format != FORMAT) {
            p.add("format " + format + " is not supported (this server reads format " + FORMAT + ")");
        }
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            p.add("name must be 1-100 letters, digits, '.', '_' or '-', got " + JsonFiles.quoted(name));
        }
        if (steps < 1 || steps > 50) {
            p.add("steps must be 1..50, got " + steps);
        }
        if (!List.of("epsilon", "sample").contains(predictionType)) {
            p.add("prediction_type must be epsilon or sample, got " + JsonFiles.quoted(predictionType));
        }
        if (!List.of("trailing", "sgm_uniform").contains(timestepSpacing)) {
            p.add("timestep_spacing must be trailing or sgm_uniform, got " + JsonFiles.quoted(timestepSpacing));
        }
        Resolution r = resolution;
        if (r == null
                || r.multiple < 8
                || r.min < r.multiple
                || r.max < r.min
                || r.min % r.multiple != 0
                || r.max % r.multiple != 0
                || r.defaultWidth < r.min
                || r.defaultWidth > r.max
                || r.defaultWidth % r.multiple != 0
                || r.defaultHeight < r.min
                || r.defaultHeight > r.max
                || r.defaultHeight % r.multiple != 0) {
            p.add("resolution must have multiple >= 8, min <= default <= max, all multiples of multiple");
        }
        // A file may say "components": null; that is a missing section, not a crash.
        Map<String, ComponentSpec> components = this.components == null ? Map.of() : this.components;
        Map<String, TokenizerSpec> tokenizers = this.tokenizers == null ? Map.of() : this.tokenizers;
        for (String c : List.of(TEXT_ENCODER, TEXT_ENCODER_2, UNET, VAE_DECODER)) {
            ComponentSpec s = components.get(c);
            if (s == null || s.file == null) {
                p.add("components." + c + ".file is missing");
            }
        }
        for (String t : List.of(TOKENIZER, TOKENIZER_2)) {
            TokenizerSpec s = tokenizers.get(t);
            if (s == null || s.dir == null) {
                p.add("tokenizers." + t + ".dir is missing");
            }
        }
        return p;
    }
}
