package dev.strobe.server;

import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.PreviewFrame;
import dev.strobe.scheduler.GenerationSink;
import dev.strobe.scheduler.GenerationSpec;
import dev.strobe.scheduler.Timings;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerationService;
import dev.strobe.service.ModelCatalog;
import dev.strobe.service.ModelInfo;
import dev.strobe.service.ServedModel;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one small generation per model through the real path (tokenizer, batcher, every engine,
 * image and preview encoding) before the server reports SERVING, so the first client does not pay
 * for lazy initialisation (a cold JPEG encoder would make its first previews late and lossy), and
 * at the largest size the engines' profiles allow when they bound it.
 */
final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {}

    static void run(GenerationService service, ModelCatalog catalog, ImageCodec codec, Duration timeout)
            throws IOException, InterruptedException {
        for (ServedModel m : catalog.all()) {
            for (int side : sides(m.info())) {
                if (Thread.interrupted()) {
                    throw new InterruptedException(
                            "warming up the models, before " + m.info().name());
                }
                log.info("warming up {} at {}x{}", m.info().name(), side, side);
                warm(service, codec, m, side, timeout);
            }
        }
    }

    /**
     * The sizes to warm: the smallest (cheap: pays for lazy initialisation); and, when shape
     * profiles bound the model's sizes (TensorRT), also the largest they allow, so that a plan that
     * cannot actually run its largest shape (activation memory) fails at start-up rather than on a
     * client's request. Without profiles there is no bound to check, and the largest size is left
     * out (on ONNX Runtime CPU a 2048x2048 warm-up would take tens of seconds); that is logged.
     */
    static java.util.List<Integer> sides(ModelInfo info) {
        if (info.maxSize() == info.minSize()) {
            return java.util.List.of(info.minSize());
        }
        if (info.sizeLimitedBy().isEmpty()) {
            log.info(
                    "{}: warm-up at {}x{} only; no optimisation profile bounds its sizes ({} UNet), so the largest"
                            + " size {}x{} is first run by a request",
                    info.name(),
                    info.minSize(),
                    info.minSize(),
                    info.engine(),
                    info.maxSize(),
                    info.maxSize());
            return java.util.List.of(info.minSize());
        }
        return java.util.List.of(info.minSize(), info.maxSize());
    }

    private static void warm(GenerationService service, ImageCodec codec, ServedModel m, int side, Duration timeout)
            throws IOException, InterruptedException {
        GenerateCommand c = new GenerateCommand(
                "warm-up",
                m.info().name(),
                side,
                side,
                0,
                0L,
                1,
                GenerateCommand.PreviewChoice.JPEG,
                0,
                0,
                GenerateCommand.OutputChoice.PNG,
                "warmup");
        CompletableFuture<Timings> done = new CompletableFuture<>();
        AtomicReference<PreviewFrame> lastFrame = new AtomicReference<>();
        long start = service.clock().getAsLong();
        service.start(c, null, start, GenerationSpec.NO_DEADLINE, new GenerationSink() {
            @Override
            public void preview(PreviewFrame frame) {
                lastFrame.set(frame); // rendered below, off the device thread
            }

            @Override
            public void image(int imageIndex, long seed, DecodedImage image) {
                codec.encodeFinal(image, ImageFormat.PNG); // the first PNG of a JVM is slow: pay here
            }

            @Override
            public void done(Timings timings) {
                done.complete(timings);
            }

            @Override
            public void failed(StrobeException error) {
                done.completeExceptionally(error);
            }
        });
        try {
            Timings t = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            // The first JPEG and PNG previews of a JVM are slow (codec and class loading): pay
            // for them here, not in a client's first previews.
            if (lastFrame.get() != null) {
                codec.encodePreview(lastFrame.get(), ImageFormat.JPEG, 0);
                codec.encodePreview(lastFrame.get(), ImageFormat.PNG, 0);
            }
            boolean largest = side == m.info().maxSize() && side != m.info().minSize();
            log.info(
                    "warmed {} at {}x{} in {} ms{}",
                    m.info().name(),
                    side,
                    side,
                    Math.round(t.totalMs()),
                    largest ? " (the largest size " + m.info().sizeLimitedBy() + " allow)" : "");
        } catch (ExecutionException e) {
            throw new IOException(
                    "warm-up of " + m.info().name() + " at " + side + "x" + side + " failed: "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            throw new InterruptedException("warming up " + m.info().name());
        } catch (TimeoutException e) {
            throw new IOException(
                    "warm-up of " + m.info().name() + " at " + side + "x" + side + " did not finish within " + timeout);
        }
    }
}
