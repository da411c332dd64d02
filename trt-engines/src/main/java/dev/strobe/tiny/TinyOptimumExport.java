package dev.strobe.tiny;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.strobe.model.ClipBpeFiles;
import dev.strobe.sdxl.SdxlTensors;
import dev.strobe.tiny.onnx.OnnxBoundary;
import dev.strobe.tiny.onnx.OnnxBoundary.SharedShape;
import dev.strobe.tiny.onnx.TextEncoderGraph;
import dev.strobe.tiny.onnx.UnetGraph;
import dev.strobe.tiny.onnx.VaeDecoderGraph;
import dev.strobe.tiny.weights.TinyWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes the tiny model the way {@code optimum-cli export onnx} writes an SDXL pipeline, so the
 * import path for real exports ({@code dev.strobe.model.OptimumImport}) can be tested end to end:
 * {@code model_index.json}, {@code scheduler/scheduler_config.json}, {@code tokenizer/} and
 * {@code tokenizer_2/} (vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json),
 * and {@code text_encoder/}, {@code text_encoder_2/}, {@code unet/}, {@code vae_decoder/}, each
 * with {@code model.onnx} and {@code config.json} ({@code unet/model.onnx_data} when the weights
 * are external). No {@code model.json}: a real export has none.
 *
 * <p>The ONNX interfaces are optimum's: the UNet's {@code timestep} is a scalar (optimum's UNet
 * config declares it with no dimension), the text encoders output {@code last_hidden_state}, the
 * pooled output and every {@code hidden_states.N}; an fp16 export has float16 inputs and outputs
 * wherever optimum's fp16 export has them. The tiny graphs keep float32 math inside; the
 * interface is changed at the boundary ({@link OnnxBoundary}). Differences from a real export:
 * no {@code vae_encoder/} (strobe does not encode images) and config files with only the keys
 * that describe the interface.
 *
 * <p>Called from tests and tools on one thread at a time.
 */
public final class TinyOptimumExport {
    /** optimum's {@code --dtype}. */
    public enum Precision {
        FP32(TensorProto.DataType.FLOAT),
        FP16(TensorProto.DataType.FLOAT16);

        final TensorProto.DataType onnx;

        Precision(TensorProto.DataType onnx) {
            this.onnx = onnx;
        }
    }

    /** The UNet's {@code timestep} input. */
    public enum Timestep {
        /** rank 0, float of the export's precision: optimum's export. */
        SCALAR,
        /** rank 0, int64: exports that take integer timesteps. */
        SCALAR_INT64,
        /** [1], float: one shared timestep declared as a one-element vector. */
        SINGLETON,
        /** [B], float: one timestep per sample (strobe's own UNet export). */
        PER_SAMPLE
    }

    /**
     * What to write.
     *
     * @param unet which tiny UNet (prediction type and preview blur); its step count is not
     *     recorded, as a real export does not record it
     * @param precision text encoders' outputs and the UNet's inputs and output
     * @param vaePrecision the VAE decoder's input and output
     * @param timestep the UNet's timestep input
     * @param unetExternalData write the UNet's weights to {@code unet/model.onnx_data}
     */
    public record Options(
            TinyModelSpec unet,
            Precision precision,
            Precision vaePrecision,
            Timestep timestep,
            boolean unetExternalData) {
        public Options {
            Objects.requireNonNull(unet, "unet");
            Objects.requireNonNull(precision, "precision");
            Objects.requireNonNull(vaePrecision, "vaePrecision");
            Objects.requireNonNull(timestep, "timestep");
        }

        /** optimum's export at {@code precision} (VAE included), scalar timestep, weights inside. */
        public static Options optimum(TinyModelSpec unet, Precision precision) {
            return new Options(unet, precision, precision, Timestep.SCALAR, false);
        }

        public Options withVaePrecision(Precision p) {
            return new Options(unet, precision, p, timestep, unetExternalData);
        }

        public Options withTimestep(Timestep t) {
            return new Options(unet, precision, vaePrecision, t, unetExternalData);
        }

        public Options withUnetExternalData(boolean external) {
            return new Options(unet, precision, vaePrecision, timestep, external);
        }
    }

    public static final String MODEL_INDEX = "model_index.json";
    public static final String SCHEDULER_CONFIG = "scheduler/scheduler_config.json";
    public static final String UNET_DATA = "unet/model.onnx_data";

    private final TinyWeights weights;
    private final ClipBpeFiles tokenizerFiles;
    private final OptimumConfigFiles configs = new OptimumConfigFiles();

    public TinyOptimumExport(TinyWeights weights, ClipBpeFiles tokenizerFiles) {
        this.weights = weights;
        this.tokenizerFiles = tokenizerFiles;
    }

    /** An exporter for the weights of {@code seed} and the CLIP BPE data shipped with strobe. */
    public static TinyOptimumExport forSeed(long seed) {
        return new TinyOptimumExport(TinyWeights.generate(seed), ClipBpeFiles.builtin());
    }

    public TinyWeights weights() {
        return weights;
    }

    /**
     * Writes the export into {@code folder} (created if missing; files of the same names are
     * replaced, others left alone).
     *
     * @return the files written, relative to {@code folder}, in writing order
     * @throws IOException when a file cannot be written
     */
    public List<Path> write(Path folder, Options o) throws IOException {
        List<Path> written = new ArrayList<>();
        FileSink out = new FileSink(folder, written);
        out.text(MODEL_INDEX, configs.modelIndex());
        out.text(SCHEDULER_CONFIG, configs.schedulerConfig(o.unet().predictionType()));
        writeTokenizer(out, "tokenizer", "<|endoftext|>");
        writeTokenizer(out, "tokenizer_2", "!");

        out.bytes(
                TinyManifest.TEXT_ENCODER_FILE,
                halfOutputs(OnnxBoundary.parse(TextEncoderGraph.textEncoder1(weights.textEncoder1)), o.precision())
                        .toByteArray());
        out.text("text_encoder/config.json", configs.textEncoder(false, o.precision()));
        out.bytes(
                TinyManifest.TEXT_ENCODER_2_FILE,
                halfOutputs(OnnxBoundary.parse(TextEncoderGraph.textEncoder2(weights.textEncoder2)), o.precision())
                        .toByteArray());
        out.text("text_encoder_2/config.json", configs.textEncoder(true, o.precision()));

        ModelProto unet = unetGraph(o);
        if (o.unetExternalData()) {
            String location = Path.of(UNET_DATA).getFileName().toString();
            OnnxBoundary.Externalized split = OnnxBoundary.externalize(unet, location);
            out.bytes(TinyManifest.UNET_FILE, split.model());
            out.bytes(UNET_DATA, split.data());
        } else {
            out.bytes(TinyManifest.UNET_FILE, unet.toByteArray());
        }
        out.text("unet/config.json", configs.unet());

        ModelProto vae = OnnxBoundary.parse(VaeDecoderGraph.build(weights.vae));
        if (o.vaePrecision() == Precision.FP16) {
            vae = OnnxBoundary.castInput(vae, SdxlTensors.LATENT_SAMPLE, o.vaePrecision().onnx);
            vae = OnnxBoundary.castOutput(vae, SdxlTensors.VAE_SAMPLE, o.vaePrecision().onnx);
        }
        out.bytes(TinyManifest.VAE_DECODER_FILE, vae.toByteArray());
        out.text("vae_decoder/config.json", configs.vaeDecoder());
        return written;
    }

    /** The UNet with the interface {@code o} asks for (package-private for tests). */
    ModelProto unetGraph(Options o) {
        TinyModelSpec spec = o.unet();
        ModelProto m = OnnxBoundary.parse(
                UnetGraph.build(weights.unet, weights.sigmas, spec.predictsSample(), spec.previewBlur()));
        switch (o.timestep()) {
            case SCALAR, SCALAR_INT64 ->
                m = OnnxBoundary.sharedInput(m, SdxlTensors.TIMESTEP, SharedShape.SCALAR, SdxlTensors.SAMPLE);
            case SINGLETON ->
                m = OnnxBoundary.sharedInput(m, SdxlTensors.TIMESTEP, SharedShape.SINGLETON, SdxlTensors.SAMPLE);
            case PER_SAMPLE -> {}
        }
        if (o.timestep() == Timestep.SCALAR_INT64) {
            m = OnnxBoundary.castInput(m, SdxlTensors.TIMESTEP, TensorProto.DataType.INT64);
        }
        if (o.precision() == Precision.FP16) {
            for (String input : SdxlTensors.UNET_INPUTS) {
                if (!(input.equals(SdxlTensors.TIMESTEP) && o.timestep() == Timestep.SCALAR_INT64)) {
                    m = OnnxBoundary.castInput(m, input, o.precision().onnx);
                }
            }
            m = OnnxBoundary.castOutput(m, SdxlTensors.OUT_SAMPLE, o.precision().onnx);
        }
        return m;
    }

    /** Every float output of a text encoder in the export's precision (input_ids stay int64). */
    private static ModelProto halfOutputs(ModelProto m, Precision p) {
        if (p == Precision.FP32) {
            return m;
        }
        for (ValueInfoProto out : m.getGraph().getOutputList()) {
            m = OnnxBoundary.castOutput(m, out.getName(), p.onnx);
        }
        return m;
    }

    private void writeTokenizer(FileSink out, String dir, String padToken) throws IOException {
        tokenizerFiles.writeFolder(out.folder.resolve(dir));
        out.written.add(Path.of(dir, "vocab.json"));
        out.written.add(Path.of(dir, "merges.txt"));
        out.text(dir + "/tokenizer_config.json", configs.tokenizerConfig(padToken));
        out.text(dir + "/special_tokens_map.json", configs.specialTokensMap(padToken));
    }

    /** Writes files under one folder and records their relative paths. */
    private record FileSink(Path folder, List<Path> written) {
        void text(String relative, String json) throws IOException {
            bytes(relative, (json + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        void bytes(String relative, byte[] data) throws IOException {
            Path file = folder.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.write(file, data);
            written.add(Path.of(relative));
        }
    }
}
