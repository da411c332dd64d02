package dev.strobe.loadtest.bench;

import dev.strobe.loadtest.driver.RequestMix;
import dev.strobe.loadtest.driver.RunWindow;
import dev.strobe.loadtest.driver.WeightedChoice;
import dev.strobe.loadtest.driver.WeightedSpec;
import dev.strobe.model.ModelRepository;
import dev.strobe.tiny.TinyModelSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What both benchmarks set up alike: the model folder, the one request shape, the run window. */
final class BenchSetup {
    /** How long a run waits for its last streams to end. */
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private BenchSetup() {}

    /** Generates the embedded tiny models into {@code models} when it holds no model. */
    static void ensureModels(Path models) throws IOException {
        if (!Files.isDirectory(models) || new ModelRepository(models).scan().isEmpty()) {
            TinyModelSet.writeAll(models, TinyModelSet.DEFAULT_SEED);
        }
    }

    /** Every request the same: one image of {@code size} from {@code model}, previews on. */
    static RequestMix oneShape(WeightedSpec.ImageSize size, String model) {
        return new RequestMix(
                WeightedChoice.only(size), WeightedChoice.only(model), RequestMix.DEFAULT_PROMPTS, true, 0, 0, 1);
    }

    static RunWindow window(int warmupSeconds, int durationSeconds) {
        return new RunWindow(Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), DRAIN);
    }
}
