package dev.strobe.tiny.onnx;

import static dev.strobe.tiny.TinyArchitecture.ATTENTION_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.BLUR_CELL;
import static dev.strobe.tiny.TinyArchitecture.BLUR_SIGMA_LOW;
import static dev.strobe.tiny.TinyArchitecture.BLUR_SIGMA_SPAN;
import static dev.strobe.tiny.TinyArchitecture.ENCODER_HIDDEN_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.FEATURE_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.LATENT_BOUND;
import static dev.strobe.tiny.TinyArchitecture.LATENT_CHANNELS;
import static dev.strobe.tiny.TinyArchitecture.NORM_EPSILON;
import static dev.strobe.tiny.TinyArchitecture.POSITION_FEATURES;
import static dev.strobe.tiny.TinyArchitecture.PRIOR_STD;
import static dev.strobe.tiny.TinyArchitecture.RESIDUAL_SCALE;
import static dev.strobe.tiny.TinyArchitecture.RESIDUAL_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.SEQUENCE_LENGTH;
import static dev.strobe.tiny.TinyArchitecture.TEXT_EMBEDS_WIDTH;
import static dev.strobe.tiny.TinyArchitecture.TIME_IDS;
import static dev.strobe.tiny.TinyArchitecture.TIME_ID_SCALE;
import static dev.strobe.tiny.onnx.OnnxGraphBuilder.FLOAT;

import dev.strobe.sdxl.SdxlTensors;
import dev.strobe.tiny.onnx.OnnxGraphBuilder.Attr;
import dev.strobe.tiny.weights.SigmaTable;
import dev.strobe.tiny.weights.UnetWeights;
import java.util.List;

/**
 * Writes the tiny UNet as ONNX with SDXL's UNet interface and a per-sample [B] timestep. The math
 * (and its Java twin) is documented on {@code dev.strobe.tiny.reference.UnetMath} (test sources: the reference only tests use); node order here
 * follows it line by line so that float rounding matches closely.
 */
public final class UnetGraph {

    private UnetGraph() {}

    /**
     * @param predictsSample true: out_sample is the x0 estimate; false: it is epsilon
     * @param previewBlur whether high sigmas blend the x0 estimate towards an 8x8-cell blur
     */
    public static byte[] build(UnetWeights w, SigmaTable table, boolean predictsSample, boolean previewBlur) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("tiny_unet");
        String sample = g.input(SdxlTensors.SAMPLE, FLOAT, "batch", LATENT_CHANNELS, "height", "width");
        String timestep = g.input(SdxlTensors.TIMESTEP, FLOAT, "batch");
        String context =
                g.input(SdxlTensors.ENCODER_HIDDEN_STATES, FLOAT, "batch", SEQUENCE_LENGTH, ENCODER_HIDDEN_WIDTH);
        String textEmbeds = g.input(SdxlTensors.TEXT_EMBEDS, FLOAT, "batch", TEXT_EMBEDS_WIDTH);
        String timeIds = g.input(SdxlTensors.TIME_IDS, FLOAT, "batch", TIME_IDS);

        // sigma(t) = sigma[lo] * exp((t - lo) * dlog[lo]), lo = floor(clamp(t))
        String t = g.clip(timestep, 0f, table.size() - 1);
        String lo = g.unary("Floor", t);
        String index = g.op("Cast", List.of(lo), Attr.i("to", OnnxGraphBuilder.INT64.getNumber()));
        String sigmaLo = g.op("Gather", List.of(g.floats("sigma_table", table.sigmas(), table.size()), index));
        String logStep = g.op("Gather", List.of(g.floats("log_sigma_step", table.logSteps(), table.size()), index));
        String sigma1 = g.mul(sigmaLo, g.unary("Exp", g.mul(g.sub(t, lo), logStep)));
        String sigma = g.reshape(sigma1, -1, 1, 1, 1);
        String sigmaSq = g.mul(sigma, sigma);

        // x = sample * sqrt(sigma^2 + 1), kappa = s^2 / (s^2 + sigma^2)
        String x = g.mul(sample, g.unary("Sqrt", g.add(sigmaSq, g.scalar(1f))));
        String priorVar = g.scalar(PRIOR_STD * PRIOR_STD);
        String kappa = g.div(priorVar, g.add(priorVar, sigmaSq));

        String clean = cleanLatent(g, w, sample, context, textEmbeds, timeIds);
        String target = g.add(clean, g.mul(kappa, g.sub(x, clean)));
        if (previewBlur) {
            String beta = g.clip(g.div(g.sub(sigma, g.scalar(BLUR_SIGMA_LOW)), g.scalar(BLUR_SIGMA_SPAN)), 0f, 1f);
            String cells = g.op(
                    "AveragePool",
                    List.of(clean),
                    Attr.ints("kernel_shape", BLUR_CELL, BLUR_CELL),
                    Attr.ints("strides", BLUR_CELL, BLUR_CELL));
            String blur = g.op(
                    "Resize",
                    List.of(cells, "", g.floats("blur_scales", new float[] {1, 1, BLUR_CELL, BLUR_CELL}, 4)),
                    Attr.s("mode", "nearest"),
                    Attr.s("coordinate_transformation_mode", "asymmetric"),
                    Attr.s("nearest_mode", "floor"));
            target = g.add(target, g.mul(beta, g.sub(blur, clean)));
        }
        String residual = residual(g, w, sample, t);
        String out = predictsSample ? g.add(target, residual) : g.add(g.div(g.sub(x, target), sigma), residual);
        g.output(SdxlTensors.OUT_SAMPLE, out, FLOAT, "batch", LATENT_CHANNELS, "height", "width");
        return g.toBytes();
    }

    /** The prompt-dependent clean latent x* [B,4,H,W]. */
    private static String cleanLatent(
            OnnxGraphBuilder g, UnetWeights w, String sample, String context, String textEmbeds, String timeIds) {
        String shape = g.op("Shape", List.of(sample));
        String h = g.op("Gather", List.of(shape, g.scalar(2L)));
        String wd = g.op("Gather", List.of(shape, g.scalar(3L)));
        String hf = g.op("Cast", List.of(h), Attr.i("to", FLOAT.getNumber()));
        String wf = g.op("Cast", List.of(wd), Attr.i("to", FLOAT.getNumber()));
        String half = g.scalar(0.5f);
        String rows = g.op("Range", List.of(g.scalar(0f), hf, g.scalar(1f)));
        String cols = g.op("Range", List.of(g.scalar(0f), wf, g.scalar(1f)));
        String v = g.reshape(g.div(g.add(rows, half), hf), -1, 1, 1);
        String u = g.reshape(g.div(g.add(cols, half), wf), 1, -1, 1);
        String phase = g.add(
                g.add(
                        g.mul(u, g.weight("feature_freq_x", w.featureFreqX)),
                        g.mul(v, g.weight("feature_freq_y", w.featureFreqY))),
                g.weight("feature_phase", w.featurePhase));
        String features = g.reshape(g.unary("Sin", phase), 1, -1, POSITION_FEATURES);

        // one-head cross-attention from every latent pixel to the 77 text tokens
        String q = g.add(g.matMul(features, g.weight("query", w.query)), g.weight("query_bias", w.queryBias));
        String k = g.transpose(g.matMul(context, g.weight("key", w.key)), 0, 2, 1);
        String scores = g.mul(g.matMul(q, k), g.scalar((float) (1 / Math.sqrt(ATTENTION_WIDTH))));
        String attention = g.op("Softmax", List.of(scores), Attr.i("axis", -1));
        String values = g.matMul(context, g.weight("value", w.value));
        String mixed = g.transpose(g.matMul(attention, values), 0, 2, 1);
        String nchw = g.op(
                "Concat",
                List.of(g.vector(-1, FEATURE_WIDTH), g.unsqueeze(h, 0), g.unsqueeze(wd, 0)),
                Attr.i("axis", 0));
        String z = g.op(
                "InstanceNormalization",
                List.of(
                        g.op("Reshape", List.of(mixed, nchw)),
                        g.weight("attention_norm_scale", w.attentionNormScale),
                        g.weight("attention_norm_shift", w.attentionNormShift)),
                Attr.f("epsilon", NORM_EPSILON));

        // FiLM from text_embeds and time_ids / 1024
        String scaledIds = g.mul(timeIds, g.scalar(TIME_ID_SCALE));
        String scale = g.reshape(
                g.add(
                        g.add(
                                g.matMul(textEmbeds, g.weight("film_scale_text", w.filmScaleText)),
                                g.matMul(scaledIds, g.weight("film_scale_time", w.filmScaleTime))),
                        g.weight("film_scale_bias", w.filmScaleBias)),
                -1,
                FEATURE_WIDTH,
                1,
                1);
        String shift = g.reshape(
                g.add(
                        g.add(
                                g.matMul(textEmbeds, g.weight("film_shift_text", w.filmShiftText)),
                                g.matMul(scaledIds, g.weight("film_shift_time", w.filmShiftTime))),
                        g.weight("film_shift_bias", w.filmShiftBias)),
                -1,
                FEATURE_WIDTH,
                1,
                1);
        String y = g.add(g.mul(z, g.add(scale, g.scalar(1f))), shift);

        String y1 = g.silu(g.conv3x3Edge(y, g.weight("conv1", w.conv1), g.weight("conv1_bias", w.conv1Bias)));
        String y2 = g.silu(g.conv3x3Edge(y1, g.weight("conv2", w.conv2), g.weight("conv2_bias", w.conv2Bias)));
        String y3 = g.conv3x3Edge(y2, g.weight("conv3", w.conv3), g.weight("conv3_bias", w.conv3Bias));
        return g.mul(g.unary("Tanh", y3), g.scalar(LATENT_BOUND));
    }

    /** RESIDUAL_SCALE * tanh(R(sample, t)): the small, shape-proportional work of a real UNet. */
    private static String residual(OnnxGraphBuilder g, UnetWeights w, String sample, String t) {
        String angles = g.mul(g.unsqueeze(t, 1), g.weight("time_frequency", w.timeFrequency));
        String embedding = g.op("Concat", List.of(g.unary("Sin", angles), g.unary("Cos", angles)), Attr.i("axis", 1));
        String hidden = g.silu(g.add(
                g.matMul(embedding, g.weight("time_hidden", w.timeHidden)),
                g.weight("time_hidden_bias", w.timeHiddenBias)));
        String one = g.scalar(1f);
        String r = sample;
        for (int l = 0; l < w.residual.size(); l++) {
            String scale = g.reshape(
                    g.add(
                            g.matMul(hidden, g.weight("time_scale" + l, w.timeScale.get(l))),
                            g.weight("time_scale" + l + "_bias", w.timeScaleBias.get(l))),
                    -1,
                    RESIDUAL_WIDTH,
                    1,
                    1);
            String conv = g.conv(
                    r,
                    g.weight("residual" + l, w.residual.get(l)),
                    g.weight("residual" + l + "_bias", w.residualBias.get(l)),
                    1);
            r = g.silu(g.mul(conv, g.add(scale, one)));
        }
        String r3 =
                g.conv(r, g.weight("residual_out", w.residualOut), g.weight("residual_out_bias", w.residualOutBias), 1);
        return g.mul(g.unary("Tanh", r3), g.scalar(RESIDUAL_SCALE));
    }
}
