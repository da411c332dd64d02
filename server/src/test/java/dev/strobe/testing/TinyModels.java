package dev.strobe.testing;

import dev.strobe.tiny.TinyModelSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
