package dev.strobe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineInfo;
import dev.strobe.engine.EngineProvider;
import dev.strobe.engine.Engines;
import dev.strobe.engine.InputProfile;
import dev.strobe.engine.Tensor;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.model.ModelManifest;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.Limits;
import dev.strobe.service.ModelInfo;
import dev.strobe.service.RequestValidator;
import dev.strobe.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TensorRT UNet built for 256..1024 under a manifest that allows 256..2048: the model serves
 * 256..1024, ListModels says so, a 2048 request is INVALID_ARGUMENT at validation (not INTERNAL at
 * the first UNet call), and warm-up runs the largest size the profile allows.
 */
class ServedRangeTest {
    @TempDir
    Path repo;

    /** ONNX Runtime underneath, reporting a TensorRT-like profile: sample latent 32..128 (256..1024 px). */
    private static final class ProfiledUnet implements Engine {
        private final Engine inner;
        private final EngineInfo info;

        ProfiledUnet(Engine inner) {
            this.inner = inner;
            EngineInfo i = inner.info();
            InputProfile p = new InputProfile(
                    0,
                    Map.of("sample", new InputProfile.Bounds(new long[] {1, 4, 32, 32}, new long[] {8, 4, 128, 128})));
            this.info = new EngineInfo("tensorrt", i.inputs(), i.outputs(), 8, 1, List.of(p));
        }

        @Override
        public EngineInfo info() {
            return info;
        }

        @Override
        public Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> wanted) {
            return inner.run(inputs, wanted);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private ModelSet load() throws Exception {
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
        m.components.get(ModelManifest.UNET).file = "unet/engine.plan";
        m.components.get(ModelManifest.UNET).engine = "tensorrt";
        m.write(dst.resolve("model.json"));
        Files.write(dst.resolve("unet/engine.plan"), new byte[] {1});
        EngineProvider trt = new EngineProvider() {
            @Override
            public String name() {
                return "tensorrt";
            }

            @Override
            public Engine load(Path file, Map<String, String> options) {
                return new ProfiledUnet(new OnnxRuntimeProvider().load(file.resolveSibling("model.onnx"), Map.of()));
            }
        };
        return ModelSet.load(
                ServerSettings.forModels(repo, 0),
                new Engines().register(new OnnxRuntimeProvider()).register(trt));
    }

    private static GenerateCommand at(int side) {
        return new GenerateCommand(
                "a fox",
                "",
                side,
                side,
                0,
                0L,
                1,
                GenerateCommand.PreviewChoice.NONE,
                0,
                0,
                GenerateCommand.OutputChoice.PNG,
                "r");
    }

    @Test
    void theServedRangeIsTheProfilesAndLargerRequestsAreInvalidArgument() throws Exception {
        try (ModelSet set = load()) {
            ModelInfo info = set.catalog().all().iterator().next().info();
            assertEquals(256, info.minSize());
            assertEquals(1024, info.maxSize(), "ListModels reports what the plan serves, not model.json's 2048");
            RequestValidator v = new RequestValidator(Limits.defaults());
            assertEquals(1024, v.size(at(1024), info).width());
            StrobeException e = assertThrows(StrobeException.class, () -> v.size(at(2048), info));
            assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
            assertTrue(e.getMessage().contains("range 256 to 1024"), e.getMessage());
            assertEquals(List.of(256, 1024), Warmup.sides(info), "warm-up covers the largest size the profile allows");
        }
    }

    @Test
    void withoutAProfileWarmUpSaysWhyItStopsAtTheSmallestSize() {
        ModelInfo ort = new ModelInfo(
                "m", "sdxl-lightning", 4, "epsilon", "trailing", 256, 2048, 64, 1024, 1024, 8, "onnxruntime");
        assertEquals(List.of(256), Warmup.sides(ort));
    }
}
