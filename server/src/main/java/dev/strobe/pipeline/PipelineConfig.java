package dev.strobe.pipeline;

import dev.strobe.model.ModelManifest;
import dev.strobe.pipeline.schedule.EulerSchedule;
import dev.strobe.pipeline.schedule.PredictionType;
import dev.strobe.sdxl.SdxlTensors;

/**
 * The sampling facts of one model, resolved from its manifest: output names per role, prediction
 * type, the Euler schedule, latent geometry.
 */
public record PipelineConfig(
        String name,
        PredictionType prediction,
        EulerSchedule schedule,
        int latentChannels,
        int vaeScaleFactor,
        double vaeScalingFactor,
        String hidden1,
        String hidden2,
        String pooled2,
        String unetOutput,
        String vaeOutput) {

    /** Output roles in the manifest and their defaults (optimum's names). */
    public static PipelineConfig from(ModelManifest m, EulerSchedule schedule) {
        return new PipelineConfig(
                m.name,
                m.predictsSample() ? PredictionType.SAMPLE : PredictionType.EPSILON,
                schedule,
                m.latentChannels,
                m.vaeScaleFactor,
                m.vaeScalingFactor,
                role(m, ModelManifest.TEXT_ENCODER, "hidden", SdxlTensors.hiddenStates(11)),
                role(m, ModelManifest.TEXT_ENCODER_2, "hidden", SdxlTensors.hiddenStates(31)),
                role(m, ModelManifest.TEXT_ENCODER_2, "pooled", SdxlTensors.TEXT_EMBEDS),
                role(m, ModelManifest.UNET, "out", SdxlTensors.OUT_SAMPLE),
                role(m, ModelManifest.VAE_DECODER, "image", SdxlTensors.VAE_SAMPLE));
    }

    private static String role(ModelManifest m, String component, String role, String fallback) {
        ModelManifest.ComponentSpec c = m.components.get(component);
        return c == null ? fallback : c.outputs.getOrDefault(role, fallback);
    }
}
