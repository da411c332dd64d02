package dev.strobe.testing;

import dev.strobe.pipeline.PromptTokens;
import dev.strobe.server.ModelSource;
import dev.strobe.server.ServerSettings;
import dev.strobe.service.ModelCatalog;
import dev.strobe.service.ModelInfo;
import dev.strobe.service.ServedModel;
import dev.strobe.tiny.TinyModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ModelSource} serving the tiny models' names, steps and prediction types (and their
 * manifests' sizes: 256 to 2048 in multiples of 64, 1024x1024 by default) on {@link FakePipeline}s:
 * a server on it starts and generates in milliseconds.
 */
public final class FakeModels implements ModelSource {
    /** The model served when the settings name none, as on the tiny models. */
    private static final String DEFAULT_MODEL = "tiny-lightning-4step";

    /** A models directory for settings: fake models read nothing from it. */
    public static final Path DIR = Path.of("target", "fake-models");

    private static final String ENGINE = "fake";
    private static final int MIN_SIZE = 256;
    private static final int MAX_SIZE = 2048;
    private static final int SIZE_MULTIPLE = 64;
    private static final int DEFAULT_SIZE = 1024;
    /** BPE tokens that fit between the start and end tokens of a 77-token row. */
    private static final int PROMPT_TOKENS = 75;

    private final List<String> names;

    private FakeModels(List<String> names) {
        this.names = List.copyOf(names);
    }

    /** All four tiny models. */
    public static FakeModels all() {
        return new FakeModels(
                TinyModelSpec.all().stream().map(TinyModelSpec::name).toList());
    }

    /** Only the tiny models named, in the order given. */
    public static FakeModels only(String... names) {
        return new FakeModels(List.of(names));
    }

    @Override
    public Loaded load(ServerSettings s) {
        List<ServedModel> served = new ArrayList<>();
        for (String name : names) {
            TinyModelSpec spec = TinyModelSpec.all().stream()
                    .filter(t -> t.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no tiny model is named " + name));
            ModelInfo info = new ModelInfo(
                    name,
                    "sdxl-lightning",
                    spec.steps(),
                    spec.predictionType(),
                    "trailing",
                    MIN_SIZE,
                    MAX_SIZE,
                    SIZE_MULTIPLE,
                    DEFAULT_SIZE,
                    DEFAULT_SIZE,
                    Math.min(s.batcher().denoise().maxBatch(), FakePipeline.LIMITS.denoiseMaxBatch()),
                    ENGINE);
            served.add(new ServedModel(info, FakeModels::tokenize, new FakePipeline(spec.steps())));
        }
        String def = s.defaultModel() == null || s.defaultModel().isEmpty() ? DEFAULT_MODEL : s.defaultModel();
        ModelCatalog catalog = new ModelCatalog(served, def);
        return new Loaded() {
            @Override
            public ModelCatalog catalog() {
                return catalog;
            }

            @Override
            public void close() {}
        };
    }

    /** One id per whitespace-separated word (a hash of it), cut after 75 words as CLIP's rows are. */
    private static PromptTokens tokenize(String prompt) {
        String[] words =
                prompt.strip().isEmpty() ? new String[0] : prompt.strip().split("\\s+");
        long[] ids = new long[77];
        int n = Math.min(words.length, PROMPT_TOKENS);
        for (int i = 0; i < n; i++) {
            ids[i + 1] = words[i].hashCode() & 0xFFFF;
        }
        return new PromptTokens(ids, ids.clone(), words.length, words.length > PROMPT_TOKENS);
    }
}
