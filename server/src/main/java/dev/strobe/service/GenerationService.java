package dev.strobe.service;

import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.PromptTokens;
import dev.strobe.scheduler.Batcher;
import dev.strobe.scheduler.Generation;
import dev.strobe.scheduler.GenerationSink;
import dev.strobe.scheduler.GenerationSpec;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The transport-independent service: validates a request, tokenizes its prompt, and admits it into
 * the batcher. Called on request threads (gRPC's executor); thread-safe.
 */
public final class GenerationService {
    private final ModelCatalog catalog;
    private final Batcher batcher;
    private final RequestValidator validator;
    private final SeedSource seeds;
    private final LongSupplier clock;

    public GenerationService(
            ModelCatalog catalog, Batcher batcher, RequestValidator validator, SeedSource seeds, LongSupplier clock) {
        this.catalog = catalog;
        this.batcher = batcher;
        this.validator = validator;
        this.seeds = seeds;
        this.clock = clock;
    }

    /** What admission resolved, for the {@code queued} event. */
    public record Admitted(Generation generation, int position, String model, int steps, PromptTokens tokens) {}

    /**
     * Validates and admits a request.
     *
     * @param arrivalNanos when the request arrived, on {@link #clock()}
     * @param deadlineNanos absolute deadline on {@link #clock()}, or GenerationSpec.NO_DEADLINE
     * @throws dev.strobe.errors.StrobeException with the reason when the request is refused
     */
    public Admitted start(GenerateCommand c, long arrivalNanos, long deadlineNanos, GenerationSink sink) {
        validator.checkText(c);
        ServedModel model = catalog.resolve(c.model());
        ModelInfo info = model.info();
        ImageSize size = validator.size(c, info);
        int steps = validator.steps(c, info);
        int images = validator.numImages(c);
        var preview = validator.preview(c);
        var output = validator.output(c);
        PromptTokens tokens = model.tokenizer().tokenize(c.prompt() == null ? "" : c.prompt());
        long seed = c.seed() != null ? c.seed() : seeds.next();
        GenerationSpec spec = new GenerationSpec(info.name(), tokens, size, seed, images, preview, output,
                c.requestId() == null ? "" : c.requestId(), deadlineNanos, arrivalNanos);
        Generation g = new Generation(spec, sink);
        int position = batcher.submit(g);
        return new Admitted(g, position, info.name(), steps, tokens);
    }

    public void cancel(Generation g) {
        batcher.cancel(g);
    }

    public List<ModelInfo> models() {
        return catalog.all().stream().map(ServedModel::info).toList();
    }

    public String defaultModel() {
        return catalog.defaultModel();
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    public Batcher batcher() {
        return batcher;
    }

    /** The clock arrival times and deadlines are measured on (the batcher's). */
    public LongSupplier clock() {
        return clock;
    }
}
