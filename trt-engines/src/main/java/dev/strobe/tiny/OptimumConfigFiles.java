package dev.strobe.tiny;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.strobe.model.TrainingSchedule;

/**
 * The JSON files of an optimum SDXL export, with the keys and values of the real SDXL files
 * (stable-diffusion-xl-base-1.0's model_index.json, scheduler, tokenizers; the components'
 * config.json reduced to the keys that describe their interface). Written by
 * {@link TinyOptimumExport}; stateless.
 */
final class OptimumConfigFiles {
    private static final Gson GSON = new GsonBuilder()
            .setPrettyPrinting()
            .serializeNulls()
            .disableHtmlEscaping()
            .create();

    /** The pipeline's model_index.json: class names per component, as diffusers saves it. */
    String modelIndex() {
        JsonObject o = new JsonObject();
        o.addProperty("_class_name", "StableDiffusionXLPipeline");
        o.addProperty("force_zeros_for_empty_prompt", true);
        o.add("scheduler", pair("diffusers", "EulerDiscreteScheduler"));
        o.add("text_encoder", pair("transformers", "CLIPTextModel"));
        o.add("text_encoder_2", pair("transformers", "CLIPTextModelWithProjection"));
        o.add("tokenizer", pair("transformers", "CLIPTokenizer"));
        o.add("tokenizer_2", pair("transformers", "CLIPTokenizer"));
        o.add("unet", pair("diffusers", "UNet2DConditionModel"));
        o.add("vae", pair("diffusers", "AutoencoderKL"));
        return GSON.toJson(o);
    }

    /**
     * SDXL's EulerDiscreteScheduler config with the changes SDXL-Lightning's model card asks for:
     * "trailing" timesteps, and "sample" prediction for the 1-step UNet.
     */
    String schedulerConfig(String predictionType) {
        TrainingSchedule.Config c = new TrainingSchedule.Config();
        JsonObject o = new JsonObject();
        o.addProperty("_class_name", "EulerDiscreteScheduler");
        o.addProperty("beta_end", c.betaEnd);
        o.addProperty("beta_schedule", c.betaSchedule);
        o.addProperty("beta_start", c.betaStart);
        o.addProperty("clip_sample", false);
        o.addProperty("interpolation_type", "linear");
        o.addProperty("num_train_timesteps", c.numTrainTimesteps);
        o.addProperty("prediction_type", predictionType);
        o.addProperty("sample_max_value", 1.0);
        o.addProperty("set_alpha_to_one", false);
        o.addProperty("skip_prk_steps", true);
        o.addProperty("steps_offset", 1);
        o.addProperty("timestep_spacing", "trailing");
        o.add("trained_betas", JsonNull.INSTANCE);
        o.addProperty("use_karras_sigmas", false);
        return GSON.toJson(o);
    }

    /** A CLIPTokenizer's tokenizer_config.json; SDXL's two differ only in the padding token. */
    String tokenizerConfig(String padToken) {
        JsonObject o = new JsonObject();
        o.addProperty("add_prefix_space", false);
        o.addProperty("bos_token", "<|startoftext|>");
        o.addProperty("clean_up_tokenization_spaces", true);
        o.addProperty("do_lower_case", true);
        o.addProperty("eos_token", "<|endoftext|>");
        o.addProperty("errors", "replace");
        o.addProperty("model_max_length", TinyArchitecture.SEQUENCE_LENGTH);
        o.addProperty("pad_token", padToken);
        o.addProperty("tokenizer_class", "CLIPTokenizer");
        o.addProperty("unk_token", "<|endoftext|>");
        return GSON.toJson(o);
    }

    String specialTokensMap(String padToken) {
        JsonObject o = new JsonObject();
        o.addProperty("bos_token", "<|startoftext|>");
        o.addProperty("eos_token", "<|endoftext|>");
        o.addProperty("pad_token", padToken);
        o.addProperty("unk_token", "<|endoftext|>");
        return GSON.toJson(o);
    }

    /** CLIP ViT-L (CLIPTextModel) or OpenCLIP bigG (CLIPTextModelWithProjection). */
    String textEncoder(boolean second, TinyOptimumExport.Precision precision) {
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add(second ? "CLIPTextModelWithProjection" : "CLIPTextModel");
        o.add("architectures", arch);
        o.addProperty("hidden_size", second ? TinyArchitecture.TEXT2_WIDTH : TinyArchitecture.TEXT1_WIDTH);
        o.addProperty("max_position_embeddings", TinyArchitecture.SEQUENCE_LENGTH);
        o.addProperty("model_type", "clip_text_model");
        o.addProperty("num_hidden_layers", second ? TinyArchitecture.TEXT2_LAYERS : TinyArchitecture.TEXT1_LAYERS);
        o.addProperty("output_hidden_states", true);
        o.addProperty("projection_dim", second ? TinyArchitecture.TEXT_EMBEDS_WIDTH : TinyArchitecture.TEXT1_WIDTH);
        o.addProperty("torch_dtype", precision == TinyOptimumExport.Precision.FP16 ? "float16" : "float32");
        o.addProperty("vocab_size", 49408);
        return GSON.toJson(o);
    }

    /** SDXL's UNet2DConditionModel interface keys. */
    String unet() {
        JsonObject o = new JsonObject();
        o.addProperty("_class_name", "UNet2DConditionModel");
        o.addProperty("addition_embed_type", "text_time");
        o.addProperty("addition_time_embed_dim", 256);
        o.addProperty("cross_attention_dim", TinyArchitecture.ENCODER_HIDDEN_WIDTH);
        o.addProperty("in_channels", TinyArchitecture.LATENT_CHANNELS);
        o.addProperty("out_channels", TinyArchitecture.LATENT_CHANNELS);
        o.addProperty(
                "projection_class_embeddings_input_dim",
                TinyArchitecture.TEXT_EMBEDS_WIDTH + TinyArchitecture.TIME_IDS * 256);
        o.addProperty("sample_size", 128);
        return GSON.toJson(o);
    }

    /** SDXL's AutoencoderKL keys that the decoder's interface depends on. */
    String vaeDecoder() {
        JsonObject o = new JsonObject();
        o.addProperty("_class_name", "AutoencoderKL");
        JsonArray blocks = new JsonArray();
        for (int c : new int[] {128, 256, 512, 512}) {
            blocks.add(c);
        }
        o.add("block_out_channels", blocks);
        o.addProperty("force_upcast", true);
        o.addProperty("latent_channels", TinyArchitecture.LATENT_CHANNELS);
        o.addProperty("sample_size", 1024);
        o.addProperty("scaling_factor", 0.13025); // SDXL VAE; the float constant would print 0.13025000095...
        return GSON.toJson(o);
    }

    private static JsonArray pair(String library, String className) {
        JsonArray a = new JsonArray();
        a.add(library);
        a.add(className);
        return a;
    }
}
