package dev.strobe.tiny.onnx;

import static dev.strobe.tiny.TinyArchitecture.LATENT_CHANNELS;
import static dev.strobe.tiny.TinyArchitecture.VAE_SCALE_FACTOR;
import static dev.strobe.tiny.TinyArchitecture.VAE_SCALING_FACTOR;
import static dev.strobe.tiny.onnx.OnnxGraphBuilder.FLOAT;

import dev.strobe.sdxl.SdxlTensors;
import dev.strobe.tiny.onnx.OnnxGraphBuilder.Attr;
import dev.strobe.tiny.weights.VaeWeights;
import java.util.List;

/**
 * Writes the tiny VAE decoder as ONNX with optimum's vae_decoder interface. The math (and its Java
 * twin) is documented on {@code dev.strobe.tiny.reference.VaeDecoderMath} (test sources: the reference only tests use).
 */
public final class VaeDecoderGraph {

    private VaeDecoderGraph() {}

    public static byte[] build(VaeWeights w) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("tiny_vae_decoder");
        String latent =
                g.input(SdxlTensors.LATENT_SAMPLE, FLOAT, "batch", LATENT_CHANNELS, "latent_height", "latent_width");
        String z = g.mul(latent, g.scalar(VAE_SCALING_FACTOR));
        String rgb = g.conv(z, g.weight("to_rgb", w.toRgb), g.weight("to_rgb_bias", w.toRgbBias), 0);
        String d1 = g.silu(g.conv3x3Edge(z, g.weight("detail1", w.detail1), g.weight("detail1_bias", w.detail1Bias)));
        String d2 = g.conv3x3Edge(d1, g.weight("detail2", w.detail2), g.weight("detail2_bias", w.detail2Bias));
        String small = g.add(rgb, d2);
        String up = g.op(
                "Resize",
                List.of(small, "", g.floats("scales", new float[] {1, 1, VAE_SCALE_FACTOR, VAE_SCALE_FACTOR}, 4)),
                Attr.s("mode", "linear"),
                Attr.s("coordinate_transformation_mode", "half_pixel"));
        String p1 = g.silu(g.conv3x3Edge(up, g.weight("pixel1", w.pixel1), g.weight("pixel1_bias", w.pixel1Bias)));
        String p2 = g.conv3x3Edge(p1, g.weight("pixel2", w.pixel2), g.weight("pixel2_bias", w.pixel2Bias));
        String image = g.unary("Tanh", g.add(up, p2));
        g.output(SdxlTensors.VAE_SAMPLE, image, FLOAT, "batch", 3, "height", "width");
        return g.toBytes();
    }
}
