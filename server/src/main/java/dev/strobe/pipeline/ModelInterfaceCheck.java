package dev.strobe.pipeline;

import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.TensorSpec;
import dev.strobe.model.ModelManifest;
import dev.strobe.sdxl.SdxlTensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks that the four loaded components of a model fit together the way the SDXL pipeline calls
 * them, before the first request finds out: each has the inputs and outputs the pipeline feeds and
 * reads, the UNet takes SDXL's added conditioning ({@code text_embeds}, {@code time_ids}), and the
 * widths agree where the graphs fix them (the two encoders' hidden states side by side are the
 * UNet's {@code encoder_hidden_states}; the second encoder's pooled output is its
 * {@code text_embeds}; latent channels match model.json). Dynamic dimensions are not compared.
 *
 * <p>Each failure is a {@link ModelProblem} naming the folder, the component's file and what is
 * wrong. Stateless; called while models load, on the main thread.
 */
final class ModelInterfaceCheck {
    static final List<String> UNET_INPUTS = SdxlTensors.UNET_INPUTS;
    /** SDXL's time ids: original size, crop offset, target size. */
    private static final int TIME_IDS = 6;

    private ModelInterfaceCheck() {}

    /** A loaded component: the file it came from (relative to the model folder) and what it takes. */
    record Component(String name, String file, EngineInfo info) {}

    /**
     * @param components by manifest name (text_encoder, text_encoder_2, unet, vae_decoder)
     * @throws ModelProblem at the first problem found
     */
    static void check(Path folder, PipelineConfig config, Map<String, Component> components) {
        Component te1 = components.get(ModelManifest.TEXT_ENCODER);
        Component te2 = components.get(ModelManifest.TEXT_ENCODER_2);
        Component unet = components.get(ModelManifest.UNET);
        Component vae = components.get(ModelManifest.VAE_DECODER);
        requireInput(folder, te1, SdxlTensors.INPUT_IDS, "a CLIP text encoder", "");
        requireInput(folder, te2, SdxlTensors.INPUT_IDS, "a CLIP text encoder", "");
        for (String in : UNET_INPUTS) {
            requireInput(
                    folder,
                    unet,
                    in,
                    "an SDXL UNet",
                    in.equals(SdxlTensors.TEXT_EMBEDS) || in.equals(SdxlTensors.TIME_IDS)
                            ? " (SDXL's added text-time conditioning; an SD 1.x/2.x UNet cannot be served)"
                            : "");
        }
        requireInput(folder, vae, SdxlTensors.LATENT_SAMPLE, "a VAE decoder", "");
        TensorSpec hidden1 = requireOutput(folder, te1, config.hidden1(), "hidden");
        TensorSpec hidden2 = requireOutput(folder, te2, config.hidden2(), "hidden");
        TensorSpec pooled = requireOutput(folder, te2, config.pooled2(), "pooled");
        requireOutput(folder, unet, config.unetOutput(), "out");
        requireOutput(folder, vae, config.vaeOutput(), "image");

        TensorSpec context =
                unet.info().input(SdxlTensors.ENCODER_HIDDEN_STATES).orElseThrow();
        long w1 = last(hidden1);
        long w2 = last(hidden2);
        long wc = last(context);
        if (w1 > 0 && w2 > 0 && wc > 0 && w1 + w2 != wc) {
            throw new ModelProblem(
                    folder,
                    unet.file() + " takes encoder_hidden_states " + wc + " wide, but the text"
                            + " encoders give " + w1 + " (" + te1.file() + " " + hidden1.name() + ") + " + w2 + " ("
                            + te2.file() + " " + hidden2.name() + ") = " + (w1 + w2)
                            + "; the encoders and the UNet must come"
                            + " from the same SDXL checkpoint");
        }
        TensorSpec textEmbeds = unet.info().input(SdxlTensors.TEXT_EMBEDS).orElseThrow();
        long wp = last(pooled);
        long wt = last(textEmbeds);
        if (wp > 0 && wt > 0 && wp != wt) {
            throw new ModelProblem(
                    folder,
                    unet.file() + " takes text_embeds " + wt + " wide, but " + te2.file() + " "
                            + pooled.name() + " is " + wp
                            + " wide; the encoders and the UNet must come from the same SDXL"
                            + " checkpoint");
        }
        long ids = last(unet.info().input(SdxlTensors.TIME_IDS).orElseThrow());
        if (ids > 0 && ids != TIME_IDS) {
            throw new ModelProblem(
                    folder,
                    unet.file() + " takes time_ids " + ids + " wide; SDXL's are " + TIME_IDS
                            + " (original size, crop, target size)");
        }
        requireChannels(folder, unet, unet.info().input(SdxlTensors.SAMPLE).orElseThrow(), config.latentChannels());
        requireChannels(
                folder, vae, vae.info().input(SdxlTensors.LATENT_SAMPLE).orElseThrow(), config.latentChannels());
    }

    private static void requireInput(Path folder, Component c, String name, String what, String why) {
        if (c.info().input(name).isEmpty()) {
            throw new ModelProblem(
                    folder,
                    c.file() + " has no input '" + name + "'" + why + "; its inputs are "
                            + names(c.info().inputs()) + ", and strobe needs " + what + " with optimum's input names");
        }
    }

    private static TensorSpec requireOutput(Path folder, Component c, String name, String role) {
        Optional<TensorSpec> out = c.info().output(name);
        if (out.isEmpty()) {
            throw new ModelProblem(
                    folder,
                    c.file() + " has no output '" + name + "' (its outputs are "
                            + names(c.info().outputs()) + "); set components." + c.name() + ".outputs." + role
                            + " in model.json to one of them");
        }
        return out.get();
    }

    private static void requireChannels(Path folder, Component c, TensorSpec in, int channels) {
        if (in.rank() == 4 && in.shape()[1] > 0 && in.shape()[1] != channels) {
            throw new ModelProblem(
                    folder,
                    c.file() + " takes " + in.name() + " with " + in.shape()[1]
                            + " channels, but model.json says latent_channels " + channels);
        }
    }

    private static long last(TensorSpec t) {
        return t.rank() == 0 ? -1 : t.shape()[t.rank() - 1];
    }

    private static String names(List<TensorSpec> specs) {
        if (specs.isEmpty()) {
            return "none";
        }
        String all = specs.stream().map(TensorSpec::name).collect(Collectors.joining(", "));
        return all.length() > 300 ? all.substring(0, 300) + ", ..." : all;
    }
}
