package dev.strobe.scheduler;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.Conditioning;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.DenoiseItem;
import dev.strobe.pipeline.LatentState;
import dev.strobe.pipeline.ModelStages;
import dev.strobe.pipeline.PreviewFrame;
import dev.strobe.pipeline.PromptTokens;
import dev.strobe.pipeline.image.VaeImage;
import dev.strobe.scheduler.SchedulerMetrics.Stage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * The work of one device, one cycle at a time: encode a batch of new prompts, run one UNet call
 * over a batch of images (each at its own step), decode a batch of finished images. All engine
 * calls of the device happen here, on the device thread, so they never overlap: the stages share
 * the device by taking turns, and a cycle holds one call of each stage, except that under
 * {@link DenoiseOrder#FIRST_STEP} the VAE lets new images take their first step first (one more
 * encode and a UNet call of new images only, at most once per cycle; see {@link #decodeYields}).
 * A burst of new prompts or a large decode therefore delays the next UNet call by one bounded
 * batch, no more.
 *
 * <p>Every decoded image is checked for NaN and infinity (an fp16 VAE overflowing) before it is
 * delivered; such an image fails its request with INTERNAL naming the fix, and is counted.
 *
 * <p>Owned by {@link Batcher}; every method runs on the device thread except {@link #offer},
 * {@link #waiting()} and {@link #activeImages()}.
 */
final class DeviceLoop {
    private final Map<String, ModelStages> models;
    private final WorkSelector selector;
    private final OutputStage output;
    private final SchedulerMetrics metrics;
    private final LongSupplier clock;
    private final BatcherConfig config;

    private final Queue<Generation> inbox = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Generation> encodeQueue = new ArrayDeque<>();
    private final List<ImageJob> active = new ArrayList<>();
    private final ArrayDeque<ImageJob> decodeQueue = new ArrayDeque<>();
    private final DecodeCost decodeCost = new DecodeCost();
    private final Counters counters;

    DeviceLoop(
            Map<String, ModelStages> models,
            BatcherConfig config,
            OutputStage output,
            SchedulerMetrics metrics,
            LongSupplier clock,
            Counters counters) {
        this.models = models;
        this.config = config;
        this.selector = new WorkSelector(config, m -> models.get(m).limits());
        this.output = output;
        this.metrics = metrics;
        this.clock = clock;
        this.counters = counters;
    }

    /** Hands a new request to the device thread (any thread). */
    void offer(Generation g) {
        inbox.add(g);
    }

    /**
     * Runs one cycle.
     *
     * @return true when any stage did work
     */
    boolean cycle() {
        boolean worked = encodeAndDenoise(false);
        if (decodeYields()) {
            worked |= encodeAndDenoise(true);
        }
        worked |= decode(clock.getAsLong());
        counters.denoising(active.size());
        return worked;
    }

    /**
     * Encodes what may start and runs one UNet call.
     *
     * @param newImagesOnly the call may hold only images that have not taken a step (the VAE's
     *     yield): running images step at the cycle's first call and are not hurried to the VAE
     */
    private boolean encodeAndDenoise(boolean newImagesOnly) {
        for (Generation g; (g = inbox.poll()) != null; ) {
            encodeQueue.addLast(g);
        }
        purge(clock.getAsLong());
        boolean worked = encode(clock.getAsLong());
        return worked | denoise(clock.getAsLong(), newImagesOnly ? newImages() : active);
    }

    /** The active images that have not taken a step yet. */
    private List<ImageJob> newImages() {
        List<ImageJob> out = new ArrayList<>();
        for (ImageJob j : active) {
            if (j.state.stepsDone() == 0) {
                out.add(j);
            }
        }
        return out;
    }

    /**
     * Under {@link DenoiseOrder#FIRST_STEP}, whether the VAE waits for one more encode and UNet
     * call because new images wait for their first step: requests that arrived during this cycle's
     * UNet call and may start, or encoded images that have not stepped yet. That call holds new
     * images only: the running images already stepped in this cycle, and stepping them again
     * would only send them sooner to a VAE that decodes one batch per cycle (where they would wait,
     * leaving fewer images to fill the next calls). At most once per cycle, so a finished image
     * waits for at most one extra text encoding and UNet call before its decode, a running image
     * for at most one extra call between two of its group's calls, and the VAE still runs every
     * cycle. Only before a decode expected to take {@link BatcherConfig#decodeYieldMin()} or more
     * (a decode of a model and size not yet timed counts as long): a short decode delays a first
     * preview less than the extra call costs everyone else.
     */
    private boolean decodeYields() {
        if (config.denoiseOrder() != DenoiseOrder.FIRST_STEP || decodeQueue.isEmpty()) {
            return false;
        }
        List<ImageJob> next = selector.decodeBatch(decodeQueue, clock.getAsLong());
        if (next.isEmpty()
                || decodeCost.expectedNanos(next) < config.decodeYieldMin().toNanos()) {
            return false;
        }
        if (!newImages().isEmpty()) {
            return true;
        }
        List<Generation> arrived = new ArrayList<>(inbox);
        if (arrived.isEmpty()) {
            return false;
        }
        ArrayDeque<Generation> queue = new ArrayDeque<>(encodeQueue);
        queue.addAll(arrived);
        return !selector.encodeBatch(queue, counters.activeImages(), clock.getAsLong())
                .isEmpty();
    }

    /** The earliest time a stage waiting for a fuller batch becomes due; MAX_VALUE if none. */
    long nextDue() {
        long due = Long.MAX_VALUE;
        if (!encodeQueue.isEmpty()) {
            due = Math.min(
                    due, WorkSelector.dueAt(encodeQueue.peekFirst().spec().arrivalNanos(), config.encode()));
        }
        for (ImageJob j : active) {
            due = Math.min(due, WorkSelector.dueAt(j.readySince, config.denoise()));
        }
        if (!decodeQueue.isEmpty()) {
            due = Math.min(due, WorkSelector.dueAt(decodeQueue.peekFirst().readySince, config.decode()));
        }
        return due;
    }

    /** Fails everything still held (shutdown). */
    void abandonAll(StrobeException reason) {
        for (Generation g; (g = inbox.poll()) != null; ) {
            encodeQueue.addLast(g);
        }
        for (Generation g : encodeQueue) {
            counters.dequeued();
            failGeneration(g, reason);
        }
        encodeQueue.clear();
        dropJobs(active, reason);
        dropJobs(decodeQueue, reason);
        counters.denoising(0);
    }

    private void purge(long now) {
        for (Iterator<Generation> it = encodeQueue.iterator(); it.hasNext(); ) {
            Generation g = it.next();
            StrobeException why = endReason(g, now, "waiting in the queue");
            if (why != null) {
                it.remove();
                counters.dequeued();
                failGeneration(g, why);
            }
        }
        purgeJobs(active, now, "denoising");
        purgeJobs(decodeQueue, now, "waiting for the VAE");
    }

    private void purgeJobs(Collection<ImageJob> jobs, long now, String where) {
        for (Iterator<ImageJob> it = jobs.iterator(); it.hasNext(); ) {
            ImageJob j = it.next();
            StrobeException why = endReason(j.generation, now, where);
            if (why != null) {
                it.remove();
                counters.released(1);
                failGeneration(j.generation, why);
            }
        }
    }

    /** Why a request must leave now, or null if it may stay. */
    private static StrobeException endReason(Generation g, long now, String where) {
        if (g.isFinished()) {
            return new StrobeException(ErrorKind.INTERNAL, "the request already ended");
        }
        if (g.isCancelled()) {
            return new StrobeException(ErrorKind.CANCELLED, "the request was cancelled while " + where);
        }
        if (g.expired(now)) {
            return new StrobeException(
                    ErrorKind.DEADLINE,
                    "the deadline passed while " + where + "; allow more time or retry when the server is less busy");
        }
        return null;
    }

    private boolean encode(long now) {
        List<Generation> batch = selector.encodeBatch(encodeQueue, counters.activeImages(), now);
        if (batch.isEmpty()) {
            return false;
        }
        for (Generation g : batch) {
            encodeQueue.remove(g);
            counters.dequeued();
            g.encodeStart = now;
            metrics.queueWait(now - g.spec().arrivalNanos());
        }
        String model = batch.get(0).spec().model();
        ModelStages stages = batch.get(0).stages;
        List<PromptTokens> prompts = new ArrayList<>(batch.size());
        for (Generation g : batch) {
            prompts.add(g.spec().tokens());
        }
        List<Conditioning> conditioning;
        try {
            conditioning = stages.encode(prompts);
        } catch (RuntimeException e) {
            for (Generation g : batch) {
                failGeneration(g, internal("text encoding failed", e));
            }
            return true;
        }
        long end = clock.getAsLong();
        metrics.batch(Stage.ENCODE, model, batch.size(), end - now);
        for (int i = 0; i < batch.size(); i++) {
            Generation g = batch.get(i);
            g.conditioning = conditioning.get(i);
            g.encodeEnd = end;
            counters.admittedImages(g.spec().numImages());
            for (int k = 0; k < g.spec().numImages(); k++) {
                LatentState state;
                try {
                    state = stages.initialLatent(g.spec().size(), g.spec().imageSeed(k));
                } catch (RuntimeException e) {
                    counters.released(g.spec().numImages() - k);
                    failGeneration(g, internal("preparing the initial noise failed", e));
                    break;
                }
                active.add(new ImageJob(g, k, state, end));
            }
        }
        return true;
    }

    /** One UNet call over images chosen from {@code candidates} (a subset of the active set). */
    private boolean denoise(long now, List<ImageJob> candidates) {
        List<ImageJob> batch = selector.denoiseBatch(candidates, now);
        if (batch.isEmpty()) {
            return false;
        }
        String model = batch.get(0).model();
        // Read before the call: with a scalar timestep the group changes as the batch steps. Only
        // candidates were passed over: images left out of a call of new images keep their wait.
        List<ImageJob> passedOver = selector.groupOf(candidates, batch.get(0));
        passedOver.removeAll(batch);
        List<DenoiseItem> items = new ArrayList<>(batch.size());
        for (ImageJob j : batch) {
            if (j.generation.denoiseStart == 0) {
                j.generation.denoiseStart = now;
            }
            items.add(new DenoiseItem(j.state, j.generation.conditioning));
        }
        try {
            batch.get(0).generation.stages.denoise(items);
        } catch (RuntimeException e) {
            failJobs(batch, active, internal("the UNet failed", e));
            return true;
        }
        long end = clock.getAsLong();
        metrics.batch(Stage.DENOISE, model, batch.size(), end - now);
        for (ImageJob j : passedOver) {
            j.readySince = end; // their group just had its turn
        }
        for (ImageJob j : batch) {
            LatentState s = j.state;
            Generation g = j.generation;
            if (g.spec().preview().dueAfter(s.stepsDone(), s.totalSteps())) {
                g.preview(PreviewFrame.of(j.index, s), end);
            }
            j.readySince = end;
            if (s.finished()) {
                active.remove(j);
                g.denoiseEnd = end;
                decodeQueue.addLast(j);
            }
        }
        return true;
    }

    private boolean decode(long now) {
        List<ImageJob> batch = selector.decodeBatch(decodeQueue, now);
        if (batch.isEmpty()) {
            return false;
        }
        String model = batch.get(0).model();
        List<LatentState> states = new ArrayList<>(batch.size());
        for (ImageJob j : batch) {
            decodeQueue.remove(j);
            states.add(j.state);
        }
        List<DecodedImage> decoded;
        try {
            decoded = batch.get(0).generation.stages.decode(states);
        } catch (RuntimeException e) {
            failJobs(batch, null, internal("the VAE decoder failed", e));
            return true;
        }
        long took = clock.getAsLong() - now;
        metrics.batch(Stage.DECODE, model, batch.size(), took);
        decodeCost.observe(batch, took);
        for (int i = 0; i < batch.size(); i++) {
            ImageJob j = batch.get(i);
            DecodedImage d = decoded.get(i);
            int bad = VaeImage.countNonFinite(d.data(), d.offset(), d.height(), d.width());
            if (bad > 0) {
                // an fp16 VAE that overflowed: NaN would become a black image; fail this image's
                // request instead and say how to fix the model (its batch-mates are unaffected)
                metrics.nonFiniteImage(model);
                counters.released(1);
                failGeneration(j.generation, nonFinite(model, j, d, bad));
                continue;
            }
            j.decoded = d;
            output.submit(j);
        }
        return true;
    }

    private static StrobeException nonFinite(String model, ImageJob j, DecodedImage d, int bad) {
        return new StrobeException(
                ErrorKind.INTERNAL,
                "the VAE decoder of " + model + " produced " + bad
                        + " non-finite values (NaN or infinity) for image " + j.index + " (" + d.width() + "x"
                        + d.height()
                        + "), the sign of an fp16 VAE that overflowed; serve the VAE in fp32 (a plan built without --fp16,"
                        + " or the fp32 ONNX export) or use the fp16-fix VAE (madebyollin/sdxl-vae-fp16-fix, exported by"
                        + " trt-engines/scripts/export_vae_onnx.py)");
    }

    private void failJobs(List<ImageJob> jobs, Collection<ImageJob> from, StrobeException why) {
        for (ImageJob j : jobs) {
            if (from != null) {
                from.remove(j);
            }
            counters.released(1);
            failGeneration(j.generation, why);
        }
    }

    private void dropJobs(Collection<ImageJob> jobs, StrobeException why) {
        failJobs(new ArrayList<>(jobs), null, why);
        jobs.clear();
    }

    private void failGeneration(Generation g, StrobeException why) {
        if (g.fail(why)) {
            counters.failed();
        }
    }

    private static StrobeException internal(String what, RuntimeException e) {
        return new StrobeException(ErrorKind.INTERNAL, what + ": " + e.getMessage(), e);
    }
}
