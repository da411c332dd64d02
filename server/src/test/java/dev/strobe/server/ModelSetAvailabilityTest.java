package dev.strobe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.model.ModelManifest;
import dev.strobe.service.ModelCatalog;
import dev.strobe.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the server starts with broken model folders: it starts if at least one model, and the
 * {@code --default-model} named, loaded; otherwise it refuses to start with every folder's reason.
 * The default falls to another model when the preferred one is broken.
 */
class ModelSetAvailabilityTest {
    @TempDir
    Path repo;

    private Path copy(String folder, Consumer<ModelManifest> edit) throws IOException {
        return TinyModels.copy("tiny-lightning-1step", repo, folder, edit);
    }

    private ServerSettings settings(String defaultModel) {
        return ServerSettings.forModels(repo, 0).toBuilder()
                .defaultModel(defaultModel)
                .build();
    }

    @Test
    void noModelLoadingRefusesToStartWithEveryFoldersReason() throws Exception {
        Files.delete(copy("a", m -> {}).resolve("unet/model.onnx"));
        Files.writeString(copy("b", m -> {}).resolve("model.json"), "not json");
        IOException e = assertThrows(IOException.class, () -> ModelSet.load(settings(""), StrobeServer.engines()));
        String m = e.getMessage();
        assertTrue(m.startsWith("no model in " + repo + " loaded: (1) model folder " + repo.resolve("a")), m);
        assertTrue(m.contains("unet/model.onnx for the unet, which does not exist"), m);
        assertTrue(
                m.contains("; (2) model folder " + repo.resolve("b") + ": model.json is not a valid model manifest"),
                m);
        assertFalse(m.contains("\n"), m);
    }

    @Test
    void serveWithNoLoadableModelExitsWithOneLineAndNoStackTrace() throws Exception {
        Files.write(copy("a", m -> {}).resolve("unet/model.onnx"), "<html>404</html>".getBytes());
        Files.writeString(copy("b", m -> {}).resolve("model.json"), "{");
        try (ServerProcess p = ServerProcess.start(repo, "--no-generate-models")) {
            assertEquals(1, p.awaitExit(120), p.output());
            String line = p.await("^strobe: cannot start: ", 1).group();
            String all = p.output();
            String failure =
                    all.lines().filter(l -> l.startsWith(line)).findFirst().orElseThrow();
            assertTrue(
                    failure.startsWith("strobe: cannot start: no model in " + repo + " loaded: (1) model folder "
                            + repo.resolve("a") + ": unet/model.onnx is not an ONNX model"),
                    failure);
            assertTrue(
                    failure.contains("(2) model folder " + repo.resolve("b") + ": model.json is not a valid"), failure);
            assertFalse(all.contains("\tat ") || all.contains("Exception:"), "no stack trace: " + all);
        }
    }

    @Test
    void aBrokenDefaultModelRefusesToStart() throws Exception {
        copy("good", m -> {});
        Files.delete(copy("wanted", m -> {}).resolve("vae_decoder/model.onnx"));
        IOException e =
                assertThrows(IOException.class, () -> ModelSet.load(settings("wanted"), StrobeServer.engines()));
        assertTrue(
                e.getMessage()
                        .startsWith("the default model wanted (--default-model) did not load: model folder "
                                + repo.resolve("wanted") + ": "),
                e.getMessage());
    }

    @Test
    void aBrokenPreferredDefaultLeavesTheDefaultToAModelThatLoaded() throws Exception {
        copy("good", m -> {});
        Files.write(copy(ModelSet.PREFERRED_DEFAULT, m -> {}).resolve("unet/model.onnx"), new byte[] {1, 2, 3});
        try (ModelSet set = ModelSet.load(settings(""), StrobeServer.engines())) {
            ModelCatalog catalog = set.catalog();
            assertEquals(List.of("good"), catalog.names());
            assertEquals("good", catalog.defaultModel());
            assertEquals(1, catalog.unavailable().size());
            assertEquals(
                    ModelSet.PREFERRED_DEFAULT, catalog.unavailable().get(0).name());
            assertTrue(
                    catalog.unavailable().get(0).reason().contains("unet/model.onnx is not an ONNX model"),
                    catalog.unavailable().get(0).reason());
        }
    }

    @Test
    void foldersThatAreNotModelsAreNotReported() throws Exception {
        copy("good", m -> {});
        Files.createDirectories(repo.resolve("notes"));
        Files.writeString(repo.resolve("notes/readme.txt"), "not a model");
        Files.writeString(repo.resolve("stray-file.txt"), "not a folder");
        try (ModelSet set = ModelSet.load(settings(""), StrobeServer.engines())) {
            assertEquals(1, set.models().size());
            assertTrue(set.unavailable().isEmpty(), set.unavailable().toString());
        }
    }
}
