package dev.strobe.tiny;

import dev.strobe.model.ClipBpeFiles;
import dev.strobe.model.ModelManifest;
import dev.strobe.tiny.onnx.TextEncoderGraph;
import dev.strobe.tiny.onnx.UnetGraph;
import dev.strobe.tiny.onnx.VaeDecoderGraph;
import dev.strobe.tiny.weights.TinyWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes tiny model folders in optimum's layout (text_encoder/, text_encoder_2/, unet/,
 * vae_decoder/, tokenizer/, tokenizer_2/, model.json) from one set of weights. The text encoders
 * and the VAE are serialized once and shared by every model; only the UNet differs (prediction
 * type, preview blur). Same weights and tokenizer data give byte-identical files.
 *
 * <p>Called from {@link TinyModelSet} and tests, on one thread at a time.
 */
public final class TinyModelGenerator {
    private final TinyWeights weights;
    private final ClipBpeFiles tokenizerFiles;
    private final byte[] textEncoder;
    private final byte[] textEncoder2;
    private final byte[] vaeDecoder;

    public TinyModelGenerator(TinyWeights weights, ClipBpeFiles tokenizerFiles) {
        this.weights = weights;
        this.tokenizerFiles = tokenizerFiles;
        textEncoder = TextEncoderGraph.textEncoder1(weights.textEncoder1);
        textEncoder2 = TextEncoderGraph.textEncoder2(weights.textEncoder2);
        vaeDecoder = VaeDecoderGraph.build(weights.vae);
    }

    /** A generator for the weights of {@code seed} and the CLIP BPE data shipped with strobe. */
    public static TinyModelGenerator forSeed(long seed) {
        return new TinyModelGenerator(TinyWeights.generate(seed), ClipBpeFiles.builtin());
    }

    public TinyWeights weights() {
        return weights;
    }

    /**
     * Writes one model into {@code modelFolder} (created if missing; files of the same names are
     * overwritten, other files are left alone).
     *
     * @throws IOException when a file cannot be written
     */
    public void generate(Path modelFolder, TinyModelSpec spec) throws IOException {
        byte[] unet = UnetGraph.build(weights.unet, weights.sigmas, spec.predictsSample(), spec.previewBlur());
        write(modelFolder.resolve(TinyManifest.TEXT_ENCODER_FILE), textEncoder);
        write(modelFolder.resolve(TinyManifest.TEXT_ENCODER_2_FILE), textEncoder2);
        write(modelFolder.resolve(TinyManifest.UNET_FILE), unet);
        write(modelFolder.resolve(TinyManifest.VAE_DECODER_FILE), vaeDecoder);
        ModelManifest manifest = TinyManifest.of(spec, weights.seed());
        List<String> problems = manifest.validate();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("tiny manifest for " + spec.name() + " is invalid: " + problems);
        }
        for (ModelManifest.TokenizerSpec t : manifest.tokenizers.values()) {
            tokenizerFiles.writeFolder(modelFolder.resolve(t.dir));
        }
        manifest.write(modelFolder.resolve(ModelManifest.FILE_NAME));
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
