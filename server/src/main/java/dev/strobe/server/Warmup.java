package dev.strobe.server;

import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.EncodedImage;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.PreviewFrame;
import dev.strobe.scheduler.GenerationSink;
import dev.strobe.scheduler.GenerationSpec;
import dev.strobe.scheduler.Timings;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerationService;
import dev.strobe.service.ModelCatalog;
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
 * for lazy initialisation (a cold JPEG encoder would make its first previews late and lossy).
 */
final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {}

    static void run(GenerationService service, ModelCatalog catalog, ImageCodec codec, Duration timeout)
            throws IOException, InterruptedException {
        for (ServedModel m : catalog.all()) {
            int side = m.info().minSize();
            if (Thread.interrupted()) {
                throw new InterruptedException("warming up the models, before " + m.info().name());
            }
            log.info("warming up {} at {}x{}", m.info().name(), side, side);
            GenerateCommand c = new GenerateCommand("warm-up", m.info().name(), side, side, 0, 0L, 1,
                    GenerateCommand.PreviewChoice.JPEG, 0, 0, GenerateCommand.OutputChoice.PNG, "warmup");
            CompletableFuture<Timings> done = new CompletableFuture<>();
            AtomicReference<PreviewFrame> lastFrame = new AtomicReference<>();
            long start = service.clock().getAsLong();
            service.start(c, start, GenerationSpec.NO_DEADLINE, new GenerationSink() {
                @Override
                public void preview(PreviewFrame frame) {
                    lastFrame.set(frame); // rendered below, off the device thread
                }

                @Override
                public void image(int imageIndex, long seed, EncodedImage image) {}

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
                // The first JPEG and PNG of a JVM are slow (codec and class loading): pay for them
                // here, not in a client's first previews.
                if (lastFrame.get() != null) {
                    codec.encodePreview(lastFrame.get(), ImageFormat.JPEG, 0);
                    codec.encodePreview(lastFrame.get(), ImageFormat.PNG, 0);
                }
                log.info("warmed {} at {}x{} in {} ms", m.info().name(), side, side, Math.round(t.totalMs()));
            } catch (ExecutionException e) {
                throw new IOException("warm-up of " + m.info().name() + " failed: " + e.getCause().getMessage(),
                        e.getCause());
            } catch (InterruptedException e) {
                throw new InterruptedException("warming up " + m.info().name());
            } catch (TimeoutException e) {
                throw new IOException("warm-up of " + m.info().name() + " did not finish within " + timeout);
            }
        }
    }
}
