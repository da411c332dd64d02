package dev.strobe.tiny;

import dev.strobe.model.ModelManifest;
import dev.strobe.model.ModelManifest.ComponentSpec;
import dev.strobe.model.ModelManifest.TokenizerSpec;
import dev.strobe.sdxl.SdxlTensors;

/** Builds the {@code model.json} of one tiny model. Called by {@link TinyModelGenerator}. */
public final class TinyManifest {
    /** Path of each ONNX file inside a model folder (optimum's layout). */
    public static final String TEXT_ENCODER_FILE = "text_encoder/model.onnx";

    public static final String TEXT_ENCODER_2_FILE = "text_encoder_2/model.onnx";
    public static final String UNET_FILE = "unet/model.onnx";
    public static final String VAE_DECODER_FILE = "vae_decoder/model.onnx";

    private TinyManifest() {}

    /** The manifest of {@code spec} generated from {@code seed}; it passes {@link ModelManifest#validate()}. */
    public static ModelManifest of(TinyModelSpec spec, long seed) {
        ModelManifest m = new ModelManifest();
        m.name = spec.name();
        m.description = "strobe's embedded tiny SDXL-Lightning stand-in (seed " + seed + "): SDXL's exact"
                + " component interfaces around an analytic denoiser; draws smooth colour fields, not pictures";
        m.steps = spec.steps();
        m.predictionType = spec.predictionType();
        m.timestepSpacing = "trailing";
        m.resolution.min = 256;
        m.resolution.max = 2048;
        m.resolution.multiple = 64;
        m.resolution.defaultWidth = 1024;
        m.resolution.defaultHeight = 1024;
        m.latentChannels = TinyArchitecture.LATENT_CHANNELS;
        m.vaeScaleFactor = TinyArchitecture.VAE_SCALE_FACTOR;
        m.vaeScalingFactor = 0.13025;
        m.tokenizers.put(ModelManifest.TOKENIZER, new TokenizerSpec("tokenizer", "<|endoftext|>"));
        m.tokenizers.put(ModelManifest.TOKENIZER_2, new TokenizerSpec("tokenizer_2", "!"));
        m.components.put(
                ModelManifest.TEXT_ENCODER,
                new ComponentSpec(TEXT_ENCODER_FILE)
                        .output("hidden", SdxlTensors.hiddenStates(TinyArchitecture.TEXT1_HIDDEN_LAYER))
                        .option("max_batch", "8"));
        m.components.put(
                ModelManifest.TEXT_ENCODER_2,
                new ComponentSpec(TEXT_ENCODER_2_FILE)
                        .output("hidden", SdxlTensors.hiddenStates(TinyArchitecture.TEXT2_HIDDEN_LAYER))
                        .output("pooled", SdxlTensors.TEXT_EMBEDS)
                        .option("max_batch", "8"));
        m.components.put(
                ModelManifest.UNET,
                new ComponentSpec(UNET_FILE)
                        .output("out", SdxlTensors.OUT_SAMPLE)
                        .option("max_batch", "8"));
        m.components.put(
                ModelManifest.VAE_DECODER,
                new ComponentSpec(VAE_DECODER_FILE)
                        .output("image", SdxlTensors.VAE_SAMPLE)
                        .option("max_batch", "2"));
        return m;
    }
}
