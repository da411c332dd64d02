package dev.strobe.sdxl;

import java.util.List;

/**
 * The tensor names of an SDXL pipeline exported to ONNX the way optimum exports it (and the way
 * the tiny models and {@code trt-engines/scripts/export_*.py} name them): the one place strobe
 * spells them. The text encoders' hidden states are {@code hidden_states.<layer>}; which layer
 * the pipeline reads is the model's (model.json), not a constant.
 */
public final class SdxlTensors {
    private SdxlTensors() {}

    // text_encoder and text_encoder_2
    public static final String INPUT_IDS = "input_ids";
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    public static final String POOLER_OUTPUT = "pooler_output";
    /** text_encoder_2's projected pooled output, and the UNet input it feeds. */
    public static final String TEXT_EMBEDS = "text_embeds";

    public static final String HIDDEN_STATES_PREFIX = "hidden_states.";

    // unet
    public static final String SAMPLE = "sample";
    public static final String TIMESTEP = "timestep";
    public static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
    public static final String TIME_IDS = "time_ids";
    public static final String OUT_SAMPLE = "out_sample";
    /** Every input of an SDXL UNet, in optimum's order. */
    public static final List<String> UNET_INPUTS =
            List.of(SAMPLE, TIMESTEP, ENCODER_HIDDEN_STATES, TEXT_EMBEDS, TIME_IDS);

    // vae_decoder
    public static final String LATENT_SAMPLE = "latent_sample";
    /** The VAE decoder's output (optimum names it "sample", like the UNet's input). */
    public static final String VAE_SAMPLE = "sample";

    /** The hidden_states output of one encoder layer. */
    public static String hiddenStates(int layer) {
        return HIDDEN_STATES_PREFIX + layer;
    }
}
