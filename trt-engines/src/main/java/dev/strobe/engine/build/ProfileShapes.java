package dev.strobe.engine.build;

import dev.strobe.engine.tensorrt.ShapeRange;
import dev.strobe.sdxl.SdxlTensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link BuildProfile} (batch and pixel ranges) into min/opt/max shapes for every dynamic
 * input of an ONNX graph.
 *
 * <p>Rules: dimension 0 of every input of rank one or more is the batch; static dimensions keep
 * their ONNX value; dynamic dimensions 1..3 of a rank-4 input are the latent channels and the
 * latent height and width (pixels / vae scale), which covers {@code sample} of a UNet and
 * {@code latent_sample} of a VAE decoder; other dynamic dimensions come from the SDXL defaults
 * by input name ({@code encoder_hidden_states [B,77,2048]}, {@code text_embeds [B,1280]},
 * {@code time_ids [B,6]}). Rank-0 inputs (a scalar timestep) get no shape: they are static.
 */
public final class ProfileShapes {
    /** Sizes that are fixed by the SDXL architecture. */
    public record Dims(int latentChannels, int vaeScale, int textLength, int textDim, int pooledDim, int timeIds) {
        public static Dims sdxl(int latentChannels) {
            return new Dims(latentChannels, 8, 77, 2048, 1280, 6);
        }
    }

    private ProfileShapes() {}

    /** Ranges by input name, in graph order; rank-0 inputs are left out. */
    public static Map<String, ShapeRange> of(BuildProfile p, List<OnnxInputs.Input> inputs, Dims dims) {
        DimRange lh = p.height() == null ? null : p.height().divide(dims.vaeScale(), "height");
        DimRange lw = p.width() == null ? null : p.width().divide(dims.vaeScale(), "width");
        Map<String, ShapeRange> out = new LinkedHashMap<>();
        for (OnnxInputs.Input in : inputs) {
            long[] s = in.shape();
            if (s.length == 0) {
                continue;
            }
            long[] min = new long[s.length];
            long[] opt = new long[s.length];
            long[] max = new long[s.length];
            set(min, opt, max, 0, p.batch());
            for (int d = 1; d < s.length; d++) {
                if (s[d] > 0) {
                    set(min, opt, max, d, fixed(s[d]));
                } else if (s.length == 4 && d == 1) {
                    set(min, opt, max, d, fixed(dims.latentChannels()));
                } else if (s.length == 4 && (d == 2 || d == 3)) {
                    if (lh == null) {
                        throw new IllegalArgumentException("input '" + in.name() + "' has a dynamic height and width;"
                                + " give the image size range (--size 512:1024:1536, or size= in --profile)");
                    }
                    set(min, opt, max, d, d == 2 ? lh : lw);
                } else {
                    set(min, opt, max, d, fixed(known(in.name(), d, dims)));
                }
            }
            out.put(in.name(), new ShapeRange(min, opt, max));
        }
        return out;
    }

    private static DimRange fixed(long v) {
        int i = Math.toIntExact(v);
        return new DimRange(i, i, i);
    }

    private static void set(long[] min, long[] opt, long[] max, int d, DimRange r) {
        min[d] = r.min();
        opt[d] = r.opt();
        max[d] = r.max();
    }

    private static long known(String name, int dim, Dims dims) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.equals(SdxlTensors.ENCODER_HIDDEN_STATES) && dim == 1) {
            return dims.textLength();
        }
        if (n.equals(SdxlTensors.ENCODER_HIDDEN_STATES) && dim == 2) {
            return dims.textDim();
        }
        if (n.equals(SdxlTensors.TEXT_EMBEDS) && dim == 1) {
            return dims.pooledDim();
        }
        if (n.equals(SdxlTensors.TIME_IDS) && dim == 1) {
            return dims.timeIds();
        }
        if (n.equals(SdxlTensors.INPUT_IDS) && dim == 1) {
            return dims.textLength();
        }
        throw new IllegalArgumentException("input '" + name + "' dimension " + dim
                + " is dynamic and build-engine does not know its range; export the ONNX with that dimension static");
    }

    /**
     * The inputs of an SDXL UNet as exported for strobe, used when the ONNX file cannot be read
     * (the trtexec line is still printed): a [B] timestep unless {@code scalarTimestep}.
     */
    public static List<OnnxInputs.Input> sdxlUnet(boolean scalarTimestep) {
        return List.of(
                new OnnxInputs.Input(SdxlTensors.SAMPLE, "float32", new long[] {-1, 4, -1, -1}),
                new OnnxInputs.Input(SdxlTensors.TIMESTEP, "float32", scalarTimestep ? new long[0] : new long[] {-1}),
                new OnnxInputs.Input(SdxlTensors.ENCODER_HIDDEN_STATES, "float32", new long[] {-1, 77, 2048}),
                new OnnxInputs.Input(SdxlTensors.TEXT_EMBEDS, "float32", new long[] {-1, 1280}),
                new OnnxInputs.Input(SdxlTensors.TIME_IDS, "float32", new long[] {-1, 6}));
    }
}
