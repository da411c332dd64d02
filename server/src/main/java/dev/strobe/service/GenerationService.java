package dev.strobe.service;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.PreviewFrame;
import dev.strobe.pipeline.PromptTokens;
import dev.strobe.scheduler.Batcher;
import dev.strobe.scheduler.Generation;
import dev.strobe.scheduler.GenerationSink;
import dev.strobe.scheduler.GenerationSpec;
import dev.strobe.scheduler.Timings;
import dev.strobe.service.auth.AuthTokens;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The one admission path of every frontend: validates a request, checks the caller's token grant,
 * refuses it early when its deadline cannot be met ({@link WaitEstimator}), tokenizes its prompt,
 * and admits it into the batcher. The model is looked up once, here. Called on request threads;
 * thread-safe.
 */
public final class GenerationService {
    private final ModelCatalog catalog;
    private final Batcher batcher;
    private final RequestValidator validator;
    private final SeedSource seeds;
    private final LongSupplier clock;
    private final WaitEstimator waits;

    /**
     * @param waits learns the device's pace and refuses requests whose deadline cannot be met; the
     *     caller feeds it the device time of every engine call
     */
    public GenerationService(
            ModelCatalog catalog,
            Batcher batcher,
            RequestValidator validator,
            SeedSource seeds,
            LongSupplier clock,
            WaitEstimator waits) {
        this.catalog = catalog;
        this.batcher = batcher;
        this.validator = validator;
        this.seeds = seeds;
        this.clock = clock;
        this.waits = waits;
    }

    /** A validated request, ready to submit: every default resolved, the prompt tokenized. */
    public record Prepared(GenerationSpec spec, int steps, double units) {}

    /** What admission resolved, for the {@code queued} event. */
    public record Admitted(Generation generation, int position, String model, int steps, PromptTokens tokens) {}

    /**
     * Validates a request and resolves its defaults, without admitting it.
     *
     * @param grant the caller's token grant when authentication is on, else null
     * @param arrivalNanos when the request arrived, on {@link #clock()}
     * @param deadlineNanos absolute deadline on {@link #clock()}, or GenerationSpec.NO_DEADLINE
     * @throws StrobeException with the reason when the request is refused
     */
    public Prepared prepare(GenerateCommand c, AuthTokens.Grant grant, long arrivalNanos, long deadlineNanos) {
        if (!batcher.accepting()) {
            throw new StrobeException(
                    ErrorKind.UNAVAILABLE,
                    "the server is shutting down and accepts no new requests; retry on another replica");
        }
        if (deadlineNanos <= arrivalNanos) {
            throw new StrobeException(
                    ErrorKind.DEADLINE, "the deadline passed before the request was admitted;" + " allow more time");
        }
        validator.checkText(c);
        ServedModel model = catalog.resolve(c.model());
        ModelInfo info = model.info();
        if (grant != null) {
            grant.checkModel(info.name());
        }
        ImageSize size = validator.size(c, info);
        int steps = validator.steps(c, info);
        int images = validator.numImages(c);
        var preview = validator.preview(c);
        var output = validator.output(c);
        double units = WaitEstimator.units(images, steps, size);
        waits.check(arrivalNanos, deadlineNanos, units);
        PromptTokens tokens = model.tokenizer().tokenize(c.prompt() == null ? "" : c.prompt());
        long seed = c.seed() != null ? c.seed() : seeds.next();
        GenerationSpec spec = new GenerationSpec(
                info.name(),
                tokens,
                size,
                seed,
                images,
                preview,
                output,
                c.requestId() == null ? "" : c.requestId(),
                deadlineNanos,
                arrivalNanos);
        return new Prepared(spec, steps, units);
    }

    /**
     * Admits a prepared request into the batcher; from here on {@code sink} receives its results.
     *
     * @throws StrobeException QUEUE_FULL or UNAVAILABLE when the batcher refuses it
     */
    public Admitted submit(Prepared p, GenerationSink sink) {
        Generation g = new Generation(p.spec(), new Accounted(sink, p.units()));
        waits.admitted(p.units());
        int position;
        try {
            position = batcher.submit(g);
        } catch (RuntimeException e) {
            waits.abandoned(p.units());
            throw e;
        }
        return new Admitted(g, position, p.spec().model(), p.steps(), p.spec().tokens());
    }

    /** {@link #prepare} then {@link #submit}, for callers without a stream (warm-up, tests). */
    public Admitted start(
            GenerateCommand c, AuthTokens.Grant grant, long arrivalNanos, long deadlineNanos, GenerationSink sink) {
        return submit(prepare(c, grant, arrivalNanos, deadlineNanos), sink);
    }

    /** Tells the estimator when an admitted request ends; everything else passes through. */
    private final class Accounted implements GenerationSink {
        private final GenerationSink sink;
        private final double units;

        Accounted(GenerationSink sink, double units) {
            this.sink = sink;
            this.units = units;
        }

        @Override
        public void preview(PreviewFrame frame) {
            sink.preview(frame);
        }

        @Override
        public void image(int imageIndex, long seed, DecodedImage image) {
            sink.image(imageIndex, seed, image);
        }

        @Override
        public void done(Timings timings) {
            waits.completed(units);
            sink.done(timings);
        }

        @Override
        public void failed(StrobeException error) {
            waits.abandoned(units);
            sink.failed(error);
        }
    }

    public void cancel(Generation g) {
        batcher.cancel(g);
    }

    public List<ModelInfo> models() {
        return catalog.all().stream().map(ServedModel::info).toList();
    }

    /** The model folders found at start-up but not loaded, with their reasons. */
    public List<UnavailableModel> unavailableModels() {
        return catalog.unavailable();
    }

    public String defaultModel() {
        return catalog.defaultModel();
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    /** The batcher, for its load figures. */
    public Batcher batcher() {
        return batcher;
    }

    /** The clock arrival times and deadlines are measured on (the batcher's). */
    public LongSupplier clock() {
        return clock;
    }
}
