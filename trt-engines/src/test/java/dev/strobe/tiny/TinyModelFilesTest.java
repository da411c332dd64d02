package dev.strobe.tiny;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.strobe.engine.DataType;
import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.TensorSpec;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.model.ClipBpeFiles;
import dev.strobe.model.ModelManifest;
import dev.strobe.model.ModelRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated folders: layout, manifests, ONNX interfaces as ONNX Runtime sees them, determinism. */
class TinyModelFilesTest {
    private static final List<String> ONNX_FILES = List.of(
            TinyManifest.TEXT_ENCODER_FILE, TinyManifest.TEXT_ENCODER_2_FILE,
            TinyManifest.UNET_FILE, TinyManifest.VAE_DECODER_FILE);
    private static final long D = TensorSpec.DYNAMIC;

    @TempDir
    static Path repo;

    @BeforeAll
    static void generate() throws IOException {
        TinyModelSet.writeAll(repo, TinyModelSet.DEFAULT_SEED);
    }

    @Test
    void repositoryHoldsTheFourModelsWithValidManifests() throws IOException {
        List<ModelRepository.Entry> entries = new ModelRepository(repo).scan();
        assertEquals(
                List.of("tiny-lightning-1step", "tiny-lightning-2step", "tiny-lightning-4step", "tiny-lightning-8step"),
                entries.stream().map(e -> e.manifest().name).toList());
        for (ModelRepository.Entry e : entries) {
            ModelManifest m = e.manifest();
            assertEquals(List.of(), m.validate());
            assertEquals(m.steps == 1 ? "sample" : "epsilon", m.predictionType, m.name);
            assertEquals("trailing", m.timestepSpacing);
            assertEquals(1024, m.resolution.defaultWidth);
            assertEquals(1024, m.resolution.defaultHeight);
            assertEquals(256, m.resolution.min);
            assertEquals(2048, m.resolution.max);
            assertEquals(64, m.resolution.multiple);
            assertEquals("<|endoftext|>", m.tokenizers.get("tokenizer").padToken);
            assertEquals("!", m.tokenizers.get("tokenizer_2").padToken);
            assertEquals(Map.of("hidden", "hidden_states.11"), m.components.get("text_encoder").outputs);
            assertEquals(
                    Map.of("hidden", "hidden_states.31", "pooled", "text_embeds"),
                    m.components.get("text_encoder_2").outputs);
            assertEquals(Map.of("out", "out_sample"), m.components.get("unet").outputs);
            assertEquals(Map.of("image", "sample"), m.components.get("vae_decoder").outputs);
            assertEquals("8", m.components.get("unet").options.get("max_batch"));
            assertEquals("2", m.components.get("vae_decoder").options.get("max_batch"));
            for (ModelManifest.ComponentSpec c : m.components.values()) {
                assertEquals("onnxruntime", c.engine);
                assertTrue(Files.isRegularFile(e.resolve(c.file)), c.file);
            }
        }
    }

    @Test
    void tokenizerFoldersHoldClipsVocabulary() throws IOException {
        ClipBpeFiles builtin = ClipBpeFiles.builtin();
        for (String dir : List.of("tokenizer", "tokenizer_2")) {
            ClipBpeFiles read =
                    ClipBpeFiles.fromFolder(repo.resolve("tiny-lightning-4step").resolve(dir));
            assertEquals(builtin.vocab(), read.vocab());
            assertEquals(builtin.merges().size(), read.merges().size());
            assertEquals(49407, read.vocab().get(ClipBpeFiles.END));
        }
    }

    @Test
    void onnxRuntimeSeesOptimumsInterfaces() {
        Path model = repo.resolve("tiny-lightning-2step");
        assertInterface(
                model.resolve(TinyManifest.TEXT_ENCODER_FILE),
                List.of(spec("input_ids", DataType.INT64, D, 77)),
                textEncoderOutputs(768, 12, "pooler_output", 768));
        assertInterface(
                model.resolve(TinyManifest.TEXT_ENCODER_2_FILE),
                List.of(spec("input_ids", DataType.INT64, D, 77)),
                textEncoderOutputs(1280, 32, "text_embeds", 1280));
        assertInterface(
                model.resolve(TinyManifest.UNET_FILE),
                List.of(
                        spec("sample", DataType.FLOAT32, D, 4, D, D),
                        spec("timestep", DataType.FLOAT32, D),
                        spec("encoder_hidden_states", DataType.FLOAT32, D, 77, 2048),
                        spec("text_embeds", DataType.FLOAT32, D, 1280),
                        spec("time_ids", DataType.FLOAT32, D, 6)),
                List.of(spec("out_sample", DataType.FLOAT32, D, 4, D, D)));
        assertInterface(
                model.resolve(TinyManifest.VAE_DECODER_FILE),
                List.of(spec("latent_sample", DataType.FLOAT32, D, 4, D, D)),
                List.of(spec("sample", DataType.FLOAT32, D, 3, D, D)));
    }

    private static List<TensorSpec> textEncoderOutputs(int width, int layers, String pooled, int pooledWidth) {
        List<TensorSpec> out = new ArrayList<>();
        out.add(spec("last_hidden_state", DataType.FLOAT32, D, 77, width));
        out.add(spec(pooled, DataType.FLOAT32, D, pooledWidth));
        for (int k = 0; k <= layers; k++) {
            out.add(spec("hidden_states." + k, DataType.FLOAT32, D, 77, width));
        }
        return out;
    }

    private static TensorSpec spec(String name, DataType type, long... shape) {
        return new TensorSpec(name, type, shape);
    }

    private static void assertInterface(Path file, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        try (Engine e = new OnnxRuntimeProvider().load(file, Map.of())) {
            EngineInfo info = e.info();
            assertEquals(byName(inputs), byName(info.inputs()), file + " inputs");
            assertEquals(byName(outputs), byName(info.outputs()), file + " outputs");
        }
    }

    private static Map<String, TensorSpec> byName(List<TensorSpec> specs) {
        Map<String, TensorSpec> m = new LinkedHashMap<>();
        specs.stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(s -> m.put(s.name(), s));
        return m;
    }

    @Test
    void graphsDeclareIrVersion8Opset17AndSymbolicDimensions() throws IOException {
        for (String f : ONNX_FILES) {
            ModelProto m = ModelProto.parseFrom(
                    Files.readAllBytes(repo.resolve("tiny-lightning-8step").resolve(f)));
            assertTrue(m.getIrVersion() <= 8, f + " IR version " + m.getIrVersion());
            assertEquals(1, m.getOpsetImportCount());
            assertEquals(17, m.getOpsetImport(0).getVersion());
            for (ValueInfoProto v :
                    concat(m.getGraph().getInputList(), m.getGraph().getOutputList())) {
                List<TensorShapeProto.Dimension> dims =
                        v.getType().getTensorType().getShape().getDimList();
                assertEquals("batch", dims.get(0).getDimParam(), f + " " + v.getName());
                if (dims.size() == 4) {
                    assertFalse(dims.get(2).getDimParam().isEmpty(), f + " " + v.getName() + " height");
                    assertFalse(dims.get(3).getDimParam().isEmpty(), f + " " + v.getName() + " width");
                }
            }
        }
    }

    private static List<ValueInfoProto> concat(List<ValueInfoProto> a, List<ValueInfoProto> b) {
        List<ValueInfoProto> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void foldersAreSmall() throws IOException {
        for (Path dir : TinyModelSet.folders(repo)) {
            long size = TinyModelSet.sizeOf(dir);
            assertTrue(size < 15_000_000, dir + " is " + size + " bytes");
        }
    }

    @Test
    void sameSeedGivesIdenticalBytesAndAnotherSeedOtherWeights(@TempDir Path again, @TempDir Path other)
            throws IOException {
        TinyModelSet.writeAll(again, TinyModelSet.DEFAULT_SEED);
        TinyModelSet.writeAll(other, 7);
        Map<Path, byte[]> first = files(repo);
        Map<Path, byte[]> second = files(again);
        assertEquals(first.keySet(), second.keySet());
        for (Path p : first.keySet()) {
            assertArrayEquals(first.get(p), second.get(p), p.toString());
        }
        Map<Path, byte[]> third = files(other);
        for (Path p : first.keySet()) {
            boolean weights = p.toString().endsWith(".onnx");
            boolean manifest = p.endsWith(ModelManifest.FILE_NAME);
            boolean same = java.util.Arrays.equals(first.get(p), third.get(p));
            if (weights || manifest) {
                assertFalse(same, p + " should depend on the seed");
            } else {
                assertTrue(same, p + " (tokenizer data) should not depend on the seed");
            }
        }
    }

    private static Map<Path, byte[]> files(Path root) throws IOException {
        Map<Path, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.put(root.relativize(p), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void writeAllReplacesExistingFoldersAndLeavesNoStagingFolders(@TempDir Path target) throws IOException {
        Path stale = target.resolve("tiny-lightning-4step").resolve("stale.txt");
        Files.createDirectories(stale.getParent());
        Files.writeString(stale, "left over");
        List<Path> written = TinyModelSet.writeAll(target, 3);
        assertEquals(TinyModelSet.folders(target), written);
        assertFalse(Files.exists(stale));
        try (Stream<Path> s = Files.list(target)) {
            assertEquals(4, s.count());
        }
    }
}
