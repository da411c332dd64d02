package dev.strobe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.EngineProvider;
import dev.strobe.engine.Engines;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.model.ModelManifest;
import dev.strobe.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --engine} and {@code --allow-fallback} hand each engine the file it loads: TensorRT a
 * plan, ONNX Runtime an ONNX file, or a refusal saying what to build (the only model here, so
 * the start fails with that reason). A recording "tensorrt"
 * provider stands in for TensorRT; ONNX Runtime is real.
 */
class EngineOverrideTest {
    @TempDir
    Path repo;

    /** What the stand-in TensorRT provider was asked to load, with which options. */
    private final List<String> trtLoads = new ArrayList<>();

    private final List<String> ortLoads = new ArrayList<>();

    /** Loads the plan's sibling model.onnx with ONNX Runtime, so the pipeline can run. */
    private final EngineProvider workingTrt = new EngineProvider() {
        @Override
        public String name() {
            return "tensorrt";
        }

        @Override
        public Engine load(Path file, Map<String, String> options) {
            trtLoads.add(repo.relativize(file) + " " + options);
            return new OnnxRuntimeProvider().load(file.resolveSibling("model.onnx"), Map.of());
        }
    };

    private final EngineProvider missingTrt = new EngineProvider() {
        @Override
        public String name() {
            return "tensorrt";
        }

        @Override
        public Engine load(Path file, Map<String, String> options) {
            trtLoads.add(repo.relativize(file) + " " + options);
            throw new EngineException(
                    EngineException.Kind.MISSING_LIBRARY,
                    "TensorRT backend unavailable: libnvinfer.so.10 not found (TensorRT); install ...");
        }
    };

    private final EngineProvider recordingOrt = new EngineProvider() {
        private final OnnxRuntimeProvider real = new OnnxRuntimeProvider();

        @Override
        public String name() {
            return OnnxRuntimeProvider.NAME;
        }

        @Override
        public Engine load(Path file, Map<String, String> options) {
            ortLoads.add(repo.relativize(file).toString());
            return real.load(file, options);
        }
    };

    /** A copy of one tiny model, its manifest changed by {@code edit}. */
    private Path model(java.util.function.Consumer<ModelManifest> edit) throws IOException {
        Path src = TinyModels.dir().resolve("tiny-lightning-1step");
        Path dst = repo.resolve("m");
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.toList()) {
                Path t = dst.resolve(src.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
        ModelManifest m = ModelManifest.read(dst.resolve("model.json"));
        edit.accept(m);
        m.write(dst.resolve("model.json"));
        return dst;
    }

    private ServerSettings settings(String engine, boolean fallback) {
        return ServerSettings.forModels(repo, 0).toBuilder()
                .engine(engine, fallback)
                .build();
    }

    @Test
    void engineTensorrtWithoutAPlanRefusesAndSaysWhatToBuild() throws Exception {
        model(m -> m.components.get(ModelManifest.UNET).option("intra_op_threads", "2"));
        Engines engines = new Engines().register(recordingOrt).register(workingTrt);
        IOException e = assertThrows(IOException.class, () -> ModelSet.load(settings("tensorrt", false), engines));
        assertTrue(
                e.getMessage().startsWith("no model in " + repo + " loaded: (1) model folder " + repo.resolve("m")),
                e.getMessage());
        assertTrue(trtLoads.isEmpty(), "TensorRT must never be handed the ONNX file: " + trtLoads);
        assertTrue(e.getMessage().contains("engine tensorrt cannot load the unet"), e.getMessage());
        assertTrue(e.getMessage().contains(repo.resolve("m/unet/engine.plan") + " does not exist"), e.getMessage());
        assertTrue(
                e.getMessage().contains("./strobe build-engine --onnx " + repo.resolve("m/unet/model.onnx")),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void engineTensorrtLoadsThePlanBesideTheOnnxWithoutOnnxRuntimeOptions() throws Exception {
        Path m = model(x -> x.components
                .get(ModelManifest.UNET)
                .option("intra_op_threads", "2")
                .option("max_batch", "4"));
        Files.write(m.resolve("unet/engine.plan"), new byte[] {1});
        Engines engines = new Engines().register(recordingOrt).register(workingTrt);
        try (ModelSet set = ModelSet.load(settings("tensorrt", false), engines)) {
            assertEquals(List.of("m/unet/engine.plan {max_batch=4}"), trtLoads);
            assertFalse(ortLoads.contains("m/unet/model.onnx"), ortLoads.toString());
            assertEquals(1, set.models().size());
        }
    }

    @Test
    void fallbackGivesOnnxRuntimeTheOnnxFilesOfEveryTensorRtComponent() throws Exception {
        Path m = model(x -> {
            for (String c : List.of(ModelManifest.UNET, ModelManifest.VAE_DECODER)) {
                x.components.get(c).file = c + "/engine.plan";
                x.components.get(c).engine = "tensorrt";
                x.components.get(c).option("cuda_graphs", "true");
            }
        });
        Files.write(m.resolve("unet/engine.plan"), new byte[] {1});
        Files.write(m.resolve("vae_decoder/engine.plan"), new byte[] {1});
        Engines engines = new Engines().register(recordingOrt).register(missingTrt);
        try (ModelSet set = ModelSet.load(settings("", true), engines)) {
            assertEquals(1, set.models().size());
            assertTrue(ortLoads.contains("m/unet/model.onnx"), ortLoads.toString());
            assertTrue(ortLoads.contains("m/vae_decoder/model.onnx"), ortLoads.toString());
            assertFalse(ortLoads.stream().anyMatch(f -> f.endsWith(".plan")), "ONNX Runtime got a plan: " + ortLoads);
            assertEquals("onnxruntime", set.models().get(0).pipeline().unetBackend());
        }
    }

    @Test
    void aMissingLibraryForEveryModelStaysAMissingLibraryFailure() throws Exception {
        Path m = model(x -> {
            x.components.get(ModelManifest.UNET).file = "unet/engine.plan";
            x.components.get(ModelManifest.UNET).engine = "tensorrt";
        });
        Files.write(m.resolve("unet/engine.plan"), new byte[] {1});
        Engines engines = new Engines().register(recordingOrt).register(missingTrt);
        EngineException e = assertThrows(EngineException.class, () -> ModelSet.load(settings("", false), engines));
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind(), "serve exits 3 for it");
        assertTrue(
                e.getMessage().startsWith("no model in " + repo + " loaded: (1) model folder " + m + ": "),
                e.getMessage());
        assertTrue(e.getMessage().contains("libnvinfer.so.10 not found"), e.getMessage());
    }

    @Test
    void fallbackWithoutAnOnnxFileRefusesNamingIt() throws Exception {
        Path m = model(x -> {
            x.components.get(ModelManifest.UNET).file = "unet/engine.plan";
            x.components.get(ModelManifest.UNET).engine = "tensorrt";
        });
        Files.write(m.resolve("unet/engine.plan"), new byte[] {1});
        Files.delete(m.resolve("unet/model.onnx"));
        Engines engines = new Engines().register(recordingOrt).register(missingTrt);
        IOException e = assertThrows(IOException.class, () -> ModelSet.load(settings("", true), engines));
        assertTrue(e.getMessage().contains("engine onnxruntime cannot load the unet"), e.getMessage());
        assertTrue(e.getMessage().contains(repo.resolve("m/unet/model.onnx") + " does not exist"), e.getMessage());
    }

    @Test
    void aManifestThatGivesTensorRtAnOnnxFileIsRefusedBeforeLoading() throws Exception {
        model(x -> x.components.get(ModelManifest.UNET).engine = "tensorrt");
        Engines engines = new Engines().register(recordingOrt).register(workingTrt);
        IOException e = assertThrows(IOException.class, () -> ModelSet.load(settings("", false), engines));
        assertTrue(trtLoads.isEmpty(), trtLoads.toString());
        assertTrue(e.getMessage().contains("names the ONNX file unet/model.onnx for engine tensorrt"), e.getMessage());
    }
}
