package dev.strobe.tiny.onnx;

import static dev.strobe.tiny.TinyArchitecture.NORM_EPSILON;
import static dev.strobe.tiny.TinyArchitecture.SEQUENCE_LENGTH;
import static dev.strobe.tiny.onnx.OnnxGraphBuilder.FLOAT;
import static dev.strobe.tiny.onnx.OnnxGraphBuilder.INT64;

import dev.strobe.sdxl.SdxlTensors;
import dev.strobe.tiny.onnx.OnnxGraphBuilder.Attr;
import dev.strobe.tiny.weights.Param;
import dev.strobe.tiny.weights.TextEncoderWeights;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a tiny CLIP-like text encoder as ONNX with optimum's interface. The math (and its Java
 * twin) is documented on {@code dev.strobe.tiny.reference.TextEncoderMath} (test sources: the reference only tests use).
 */
public final class TextEncoderGraph {

    private TextEncoderGraph() {}

    /**
     * CLIP ViT-L's interface: {@code input_ids} int64 [B,77] to {@code last_hidden_state},
     * {@code pooler_output} [B,768] and {@code hidden_states.0..12}.
     */
    public static byte[] textEncoder1(TextEncoderWeights w) {
        return build("tiny_text_encoder", w, SdxlTensors.POOLER_OUTPUT, false);
    }

    /**
     * OpenCLIP bigG's interface (CLIPTextModelWithProjection): {@code text_embeds} [B,1280],
     * {@code last_hidden_state}, {@code hidden_states.0..32}.
     */
    public static byte[] textEncoder2(TextEncoderWeights w) {
        return build("tiny_text_encoder_2", w, SdxlTensors.TEXT_EMBEDS, true);
    }

    private static byte[] build(String graphName, TextEncoderWeights w, String pooledName, boolean pooledFirst) {
        OnnxGraphBuilder g = new OnnxGraphBuilder(graphName);
        int c = w.width;
        String ids = g.input(SdxlTensors.INPUT_IDS, INT64, "batch", SEQUENCE_LENGTH);
        String idf = g.op("Cast", List.of(ids), Attr.i("to", FLOAT.getNumber()));

        // token embedding sin(id * a_c + b_c) plus position embedding
        String arg = g.add(g.mul(g.unsqueeze(idf, 2), g.weight("frequency", w.frequency)), g.weight("phase", w.phase));
        String h0 = g.add(g.unary("Sin", arg), g.weight("position", w.position));

        // causal running mean over positions: cumsum / (p + 1)
        float[] count = new float[SEQUENCE_LENGTH];
        for (int p = 0; p < count.length; p++) {
            count[p] = p + 1;
        }
        String cumsum = g.op("CumSum", List.of(h0, g.scalar(1L)));
        String mean = g.div(cumsum, g.floats("position_count", count, SEQUENCE_LENGTH, 1));

        String[] hidden = new String[w.layers + 1];
        hidden[0] = h0;
        for (int k = 1; k <= w.layers; k++) {
            String gain = g.weight("layer" + k + "_gain", row(w.layerGain, k - 1));
            String mix = g.weight("layer" + k + "_mix", row(w.layerMix, k - 1));
            String bias = g.weight("layer" + k + "_bias", row(w.layerBias, k - 1));
            hidden[k] = g.unary("Tanh", g.add(g.add(g.mul(hidden[k - 1], gain), g.mul(mean, mix)), bias));
        }
        String last = g.op(
                "LayerNormalization",
                List.of(hidden[w.layers], g.weight("norm_scale", w.normScale), g.weight("norm_shift", w.normShift)),
                Attr.i("axis", -1),
                Attr.f("epsilon", NORM_EPSILON));

        // pooled: last_hidden_state at the first <|endoftext|> (the first maximum of input_ids)
        String eos = g.op("ArgMax", List.of(idf), Attr.i("axis", 1), Attr.i("keepdims", 1));
        long[] positions = new long[SEQUENCE_LENGTH];
        Arrays.setAll(positions, p -> p);
        String isEos = g.op("Equal", List.of(g.longs("positions", positions, SEQUENCE_LENGTH), eos));
        String mask = g.unsqueeze(g.op("Cast", List.of(isEos), Attr.i("to", FLOAT.getNumber())), 2);
        String pooled = g.op("ReduceSum", List.of(g.mul(last, mask), g.vector(1)), Attr.i("keepdims", 0));
        String projected = g.matMul(
                g.matMul(pooled, g.weight("projection_down", w.projectionDown)),
                g.weight("projection_up", w.projectionUp));

        if (pooledFirst) {
            g.output(pooledName, projected, FLOAT, "batch", w.pooledWidth);
            g.output(SdxlTensors.LAST_HIDDEN_STATE, last, FLOAT, "batch", SEQUENCE_LENGTH, c);
        } else {
            g.output(SdxlTensors.LAST_HIDDEN_STATE, last, FLOAT, "batch", SEQUENCE_LENGTH, c);
            g.output(pooledName, projected, FLOAT, "batch", w.pooledWidth);
        }
        for (int k = 0; k <= w.layers; k++) {
            g.output(SdxlTensors.HIDDEN_STATES_PREFIX + k, hidden[k], FLOAT, "batch", SEQUENCE_LENGTH, c);
        }
        return g.toBytes();
    }

    /** Row {@code r} of a [rows, C] parameter as a [C] parameter. */
    static Param row(Param p, int r) {
        int c = p.shape()[1];
        return new Param(Arrays.copyOfRange(p.data(), r * c, (r + 1) * c), c);
    }
}
