package dev.strobe.testing;

import dev.strobe.model.ModelManifest;
import dev.strobe.tiny.TinyModelSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The embedded tiny models, generated once per build into target/test-models and shared by every
 * test class (generation is deterministic, so a folder left by an earlier run is the same).
 */
public final class TinyModels {
    public static final long SEED = 42;
    private static Path dir;

    private TinyModels() {}

    public static synchronized Path dir() {
        if (dir == null) {
            Path d = Path.of("target", "test-models").toAbsolutePath();
            try {
                if (!Files.isRegularFile(d.resolve("tiny-lightning-8step").resolve("model.json"))) {
                    TinyModelSet.writeAll(d, SEED);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dir = d;
        }
        return dir;
    }

    /**
     * Copies the tiny model {@code model} into {@code repo}/{@code name}, names it {@code name} and
     * lets {@code edit} change its manifest: a model folder for a test to damage.
     */
    public static Path copy(String model, Path repo, String name, Consumer<ModelManifest> edit) throws IOException {
        Path src = dir().resolve(model);
        Path dst = repo.resolve(name);
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
        m.name = name;
        edit.accept(m);
        m.write(dst.resolve("model.json"));
        return dst;
    }
}
