package dev.strobe.tiny;

import static dev.strobe.tiny.TinyArchitecture.END_OF_TEXT_ID;
import static dev.strobe.tiny.TinyArchitecture.SEQUENCE_LENGTH;

import dev.strobe.engine.Engine;
import dev.strobe.engine.Tensor;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.model.ModelManifest;
import dev.strobe.model.TrainingSchedule;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test harness: one generated tiny model loaded through {@link OnnxRuntimeProvider}, with the
 * SDXL-Lightning pipeline steps written out from docs/design/REFERENCE.md sections 2 and 3 (token padding,
 * conditioning, Euler trailing sampling, VAE scaling). Items are batched along the first axis.
 */
final class TinyPipeline implements AutoCloseable {
    static final long START = 49406;

    final ModelManifest manifest;
    final Engine textEncoder;
    final Engine textEncoder2;
    final Engine unet;
    final Engine vae;

    TinyPipeline(Path modelFolder) throws Exception {
        manifest = ModelManifest.read(modelFolder.resolve(ModelManifest.FILE_NAME));
        OnnxRuntimeProvider provider = new OnnxRuntimeProvider();
        textEncoder = provider.load(modelFolder.resolve(manifest.components.get("text_encoder").file), Map.of());
        textEncoder2 = provider.load(modelFolder.resolve(manifest.components.get("text_encoder_2").file), Map.of());
        unet = provider.load(modelFolder.resolve(manifest.components.get("unet").file), Map.of());
        vae = provider.load(modelFolder.resolve(manifest.components.get("vae_decoder").file), Map.of());
    }

    /** A tokenized prompt as the two tokenizers pad it (docs/design/REFERENCE.md section 3). */
    record Prompt(long[] ids1, long[] ids2) {}

    /** start, the given BPE ids, end, then padding: 49407 for tokenizer 1, 0 ("!") for tokenizer 2. */
    static Prompt prompt(long... bpeIds) {
        long[] ids1 = new long[SEQUENCE_LENGTH];
        long[] ids2 = new long[SEQUENCE_LENGTH];
        Arrays.fill(ids1, END_OF_TEXT_ID);
        ids1[0] = START;
        ids2[0] = START;
        for (int i = 0; i < bpeIds.length; i++) {
            ids1[i + 1] = bpeIds[i];
            ids2[i + 1] = bpeIds[i];
        }
        ids2[bpeIds.length + 1] = END_OF_TEXT_ID;
        return new Prompt(ids1, ids2);
    }

    /** "a photo of a cat" */
    static final Prompt CAT = prompt(320, 1125, 539, 320, 2368);
    /** "a photo of a dog" */
    static final Prompt DOG = prompt(320, 1125, 539, 320, 1929);
    /** "red apples in the garden" */
    static final Prompt APPLES = prompt(736, 14032, 530, 518, 2756);

    /** Conditioning for a batch: encoder_hidden_states [B,77,2048], text_embeds [B,1280], time_ids [B,6]. */
    record Conditioning(float[] encoderHiddenStates, float[] textEmbeds, float[] timeIds, int batch) {
        float[] item(float[] all, int b) {
            int n = all.length / batch;
            return Arrays.copyOfRange(all, b * n, (b + 1) * n);
        }
    }

    Conditioning encode(List<Prompt> prompts, int imageHeight, int imageWidth) {
        int b = prompts.size();
        long[] ids1 = new long[b * SEQUENCE_LENGTH];
        long[] ids2 = new long[b * SEQUENCE_LENGTH];
        for (int i = 0; i < b; i++) {
            System.arraycopy(prompts.get(i).ids1(), 0, ids1, i * SEQUENCE_LENGTH, SEQUENCE_LENGTH);
            System.arraycopy(prompts.get(i).ids2(), 0, ids2, i * SEQUENCE_LENGTH, SEQUENCE_LENGTH);
        }
        float[] h1 = textEncoder
                .run(Map.of("input_ids", Tensor.ofLongs(ids1, b, SEQUENCE_LENGTH)), Set.of("hidden_states.11"))
                .get("hidden_states.11")
                .floats();
        Map<String, Tensor> out2 = textEncoder2.run(
                Map.of("input_ids", Tensor.ofLongs(ids2, b, SEQUENCE_LENGTH)),
                Set.of("hidden_states.31", "text_embeds"));
        float[] h2 = out2.get("hidden_states.31").floats();
        float[] context = new float[b * SEQUENCE_LENGTH * 2048];
        for (int r = 0; r < b * SEQUENCE_LENGTH; r++) {
            System.arraycopy(h1, r * 768, context, r * 2048, 768);
            System.arraycopy(h2, r * 1280, context, r * 2048 + 768, 1280);
        }
        float[] timeIds = new float[b * 6];
        for (int i = 0; i < b; i++) {
            float[] t = {imageHeight, imageWidth, 0, 0, imageHeight, imageWidth};
            System.arraycopy(t, 0, timeIds, i * 6, 6);
        }
        return new Conditioning(context, out2.get("text_embeds").floats(), timeIds, b);
    }

    float[] unet(float[] sample, float[] timesteps, Conditioning c, int h, int w) {
        int b = c.batch();
        return unet.run(
                        Map.of(
                                "sample", Tensor.ofFloats(sample, b, 4, h, w),
                                "timestep", Tensor.ofFloats(timesteps, b),
                                "encoder_hidden_states",
                                        Tensor.ofFloats(c.encoderHiddenStates(), b, SEQUENCE_LENGTH, 2048),
                                "text_embeds", Tensor.ofFloats(c.textEmbeds(), b, 1280),
                                "time_ids", Tensor.ofFloats(c.timeIds(), b, 6)),
                        Set.of("out_sample"))
                .get("out_sample")
                .floats();
    }

    /** Trailing timesteps t_k = round(1000 - k * 1000 / n) - 1. */
    static int[] trailingTimesteps(int n) {
        int[] t = new int[n];
        for (int k = 0; k < n; k++) {
            t[k] = (int) Math.round(1000.0 - k * 1000.0 / n) - 1;
        }
        return t;
    }

    /** sigmas of the trailing timesteps, then 0. */
    static float[] trailingSigmas(int n) {
        TrainingSchedule s = TrainingSchedule.sdxl();
        int[] t = trailingTimesteps(n);
        float[] sigmas = new float[n + 1];
        for (int k = 0; k < n; k++) {
            sigmas[k] = s.sigma(t[k]);
        }
        return sigmas;
    }

    /** What an Euler run leaves behind: every step's x0 estimate and the latent each step started from. */
    record Run(float[][] x0, float[][] x) {
        float[] finalLatent() {
            return x0[x0.length - 1];
        }
    }

    /** Euler trailing sampling (docs/design/REFERENCE.md section 2) from x_0 = initialLatent, all items at once. */
    Run euler(float[] initialLatent, Conditioning c, int h, int w) {
        int n = manifest.steps;
        boolean sample = manifest.predictsSample();
        int[] timesteps = trailingTimesteps(n);
        float[] sigmas = trailingSigmas(n);
        float[][] x0s = new float[n][];
        float[][] xs = new float[n][];
        float[] x = initialLatent.clone();
        for (int k = 0; k < n; k++) {
            xs[k] = x.clone();
            float scale = (float) Math.sqrt(sigmas[k] * sigmas[k] + 1);
            float[] input = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                input[i] = x[i] / scale;
            }
            float[] t = new float[c.batch()];
            Arrays.fill(t, timesteps[k]);
            float[] out = unet(input, t, c, h, w);
            float[] x0 = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                x0[i] = sample ? out[i] : x[i] - sigmas[k] * out[i];
                x[i] = x[i] + (x[i] - x0[i]) / sigmas[k] * (sigmas[k + 1] - sigmas[k]);
            }
            x0s[k] = x0;
        }
        return new Run(x0s, xs);
    }

    /** The decoded image [3, 8h, 8w] of one latent item (decode(latent / 0.13025)). */
    float[] decode(float[] latent, int h, int w) {
        float[] scaled = new float[latent.length];
        for (int i = 0; i < latent.length; i++) {
            scaled[i] = latent[i] / (float) manifest.vaeScalingFactor;
        }
        return vae.run(Map.of("latent_sample", Tensor.ofFloats(scaled, 1, 4, h, w)), Set.of("sample"))
                .get("sample")
                .floats();
    }

    @Override
    public void close() {
        textEncoder.close();
        textEncoder2.close();
        unet.close();
        vae.close();
    }
}
