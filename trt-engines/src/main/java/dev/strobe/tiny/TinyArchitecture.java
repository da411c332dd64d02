package dev.strobe.tiny;

/**
 * The sizes and constants of strobe's tiny SDXL-Lightning stand-in, shared by the ONNX graph writers
 * ({@code dev.strobe.tiny.onnx}), the plain-Java reference ({@link TinyModelReference}) and tests.
 * Interface sizes (77 tokens, 768/1280/2048 channels, 4 latent channels, x8 VAE) are SDXL's; the
 * internal widths are chosen so that the UNet and VAE run in tens of milliseconds on two CPU cores.
 */
public final class TinyArchitecture {
    private TinyArchitecture() {}

    // ---- interface sizes (SDXL's) ----
    public static final int SEQUENCE_LENGTH = 77;
    /** {@code <|endoftext|>}, the largest id of CLIP's vocabulary: ArgMax over input_ids finds it. */
    public static final int END_OF_TEXT_ID = 49407;

    public static final int TEXT1_WIDTH = 768;
    public static final int TEXT1_LAYERS = 12;
    public static final int TEXT2_WIDTH = 1280;
    public static final int TEXT2_LAYERS = 32;
    /** hidden_states index the pipeline reads from text_encoder (penultimate of 12). */
    public static final int TEXT1_HIDDEN_LAYER = TEXT1_LAYERS - 1;
    /** hidden_states index the pipeline reads from text_encoder_2 (penultimate of 32). */
    public static final int TEXT2_HIDDEN_LAYER = TEXT2_LAYERS - 1;

    public static final int ENCODER_HIDDEN_WIDTH = TEXT1_WIDTH + TEXT2_WIDTH;
    public static final int TEXT_EMBEDS_WIDTH = TEXT2_WIDTH;
    public static final int TIME_IDS = 6;
    public static final int LATENT_CHANNELS = 4;
    public static final int VAE_SCALE_FACTOR = 8;
    public static final float VAE_SCALING_FACTOR = 0.13025f;

    // ---- text encoders ----
    /** Rank of the factorised pooled projections (pooler_output, text_embeds). */
    public static final int POOL_RANK = 64;
    /** Epsilon of the text encoders' final LayerNorm and the UNet's InstanceNorm. */
    public static final float NORM_EPSILON = 1e-5f;

    // ---- UNet: the clean-latent network ----
    /** Random Fourier features of the normalised pixel position. */
    public static final int POSITION_FEATURES = 16;
    /** Width of attention queries and keys (one head). */
    public static final int ATTENTION_WIDTH = 32;
    /** Width of attention values and of the convolutions that follow. */
    public static final int FEATURE_WIDTH = 32;
    /** time_ids are divided by this before FiLM (pixel sizes become about 1). */
    public static final float TIME_ID_SCALE = 1f / 1024f;
    /** The clean latent is LATENT_BOUND * tanh(network output). */
    public static final float LATENT_BOUND = 1.5f;

    // ---- UNet: the analytic denoiser ----
    /** s in kappa(sigma) = s^2 / (s^2 + sigma^2): the prior std of the ideal Gaussian denoiser. */
    public static final float PRIOR_STD = 0.3f;
    /** beta(sigma) = clamp((sigma - BLUR_SIGMA_LOW) / BLUR_SIGMA_SPAN, 0, 1) for epsilon models. */
    public static final float BLUR_SIGMA_LOW = 1.7f;

    public static final float BLUR_SIGMA_SPAN = (float) (6.0 - 1.7);
    /** Side of the average-pool cells of the preview blur, in latent pixels. */
    public static final int BLUR_CELL = 8;

    // ---- UNet: the residual network ----
    public static final int RESIDUAL_WIDTH = 64;
    /** Number of RESIDUAL_WIDTH -> RESIDUAL_WIDTH 3x3 convolutions (each ~1.2 GFLOP at 128x128). */
    public static final int RESIDUAL_DEPTH = 4;

    public static final int TIME_FREQUENCIES = 16;
    public static final int TIME_HIDDEN = 64;
    /** residual = RESIDUAL_SCALE * tanh(R). */
    public static final float RESIDUAL_SCALE = 1e-4f;

    // ---- VAE decoder ----
    /** Channels of the latent-resolution detail branch. */
    public static final int VAE_DETAIL_WIDTH = 8;
    /** Channels of the full-resolution refinement convolution. */
    public static final int VAE_PIXEL_WIDTH = 32;

    /**
     * ComfyUI's SDXL latent-to-RGB factors (docs/design/REFERENCE.md section 5): rgb[k] = sum_c latent[c] *
     * F[c][k] + bias[k]. Row c is latent channel c.
     */
    public static final float[][] LATENT_RGB_FACTORS = {
        {0.3651f, 0.4232f, 0.4341f},
        {-0.2533f, -0.0042f, 0.1068f},
        {0.1076f, 0.1111f, -0.0362f},
        {-0.3165f, -0.2492f, -0.2188f},
    };

    public static final float[] LATENT_RGB_BIAS = {0.1084f, -0.0175f, -0.0011f};
}
