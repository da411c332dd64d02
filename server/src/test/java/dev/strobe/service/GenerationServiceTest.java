package dev.strobe.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.ModelStages;
import dev.strobe.pipeline.PreviewFrame;
import dev.strobe.pipeline.PromptTokens;
import dev.strobe.scheduler.Batcher;
import dev.strobe.scheduler.BatcherConfig;
import dev.strobe.scheduler.GenerationSink;
import dev.strobe.scheduler.SchedulerMetrics;
import dev.strobe.scheduler.Timings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Admission in the service: early deadline refusal, refusal while draining, and the estimator's
 * account of outstanding work. The batcher is never started, so nothing runs; times are numbers.
 */
class GenerationServiceTest {
    private static final long MS = 1_000_000;
    private static final ModelInfo MODEL =
            new ModelInfo("m", "sdxl-lightning", 4, "epsilon", "trailing", 256, 2048, 64, 1024, 1024, 8, "fake");

    private final Batcher batcher = new Batcher(
            Map.of("m", unusedStages()), BatcherConfig.defaults(), Runnable::run, SchedulerMetrics.NONE, () -> 0L);
    private final WaitEstimator waits = new WaitEstimator(1, 0.1);
    private final GenerationService service = new GenerationService(
            new ModelCatalog(
                    List.of(new ServedModel(
                            MODEL,
                            prompt -> new PromptTokens(new long[77], new long[77], prompt.length(), false),
                            null)),
                    "m"),
            batcher,
            new RequestValidator(Limits.defaults()),
            () -> 42L,
            () -> 0L,
            waits);
    private final List<String> ends = new ArrayList<>();

    @AfterEach
    void close() {
        batcher.close();
    }

    /** 100 ms of device time per megapixel-step. */
    private void train() {
        waits.deviceBusy(100 * MS);
        waits.admitted(1);
        waits.completed(1);
    }

    private static GenerateCommand square(int side) {
        return new GenerateCommand(
                "a prompt",
                "",
                side,
                side,
                0,
                1L,
                1,
                GenerateCommand.PreviewChoice.NONE,
                0,
                0,
                GenerateCommand.OutputChoice.PNG,
                "r");
    }

    private GenerationSink recording() {
        return new GenerationSink() {
            @Override
            public void preview(PreviewFrame frame) {}

            @Override
            public void image(int imageIndex, long seed, dev.strobe.pipeline.DecodedImage image) {}

            @Override
            public void done(Timings timings) {
                ends.add("done");
            }

            @Override
            public void failed(StrobeException error) {
                ends.add(error.kind().name());
            }
        };
    }

    @Test
    void aDeadlineTheEstimateCannotMeetIsRefusedBeforeAdmission() {
        train();
        long arrival = 10_000 * MS;
        // 1024x1024, 4 steps: 4 megapixel-steps, 400 ms at the trained rate.
        StrobeException e = assertThrows(
                StrobeException.class,
                () -> service.start(square(1024), null, arrival, arrival + 300 * MS, recording()));
        assertEquals(ErrorKind.DEADLINE, e.kind());
        assertTrue(e.getMessage().contains("estimated time to finish is 400 ms"), e.getMessage());
        assertEquals(0, batcher.stats().queued(), "nothing was admitted");
        assertEquals(0, waits.outstandingUnits());
    }

    @Test
    void anAdmittedRequestIsWorkAheadOfTheNextUntilItEnds() {
        train();
        service.start(square(1024), null, 0, 500 * MS, recording());
        assertEquals(1, batcher.stats().queued());
        assertEquals(4.0, waits.outstandingUnits());
        // The same request again no longer fits: 4 ahead + 4 own = 800 ms > 500 ms.
        assertThrows(StrobeException.class, () -> service.start(square(1024), null, 0, 500 * MS, recording()));
        batcher.close(); // fails what it holds with UNAVAILABLE
        assertEquals(List.of("UNAVAILABLE"), ends);
        assertEquals(0, waits.outstandingUnits(), "an abandoned request is no longer ahead of anyone");
    }

    @Test
    void aDeadlineAlreadyPassedIsRefusedEvenWithoutAnEstimate() {
        StrobeException e = assertThrows(
                StrobeException.class, () -> service.start(square(256), null, 100 * MS, 100 * MS, recording()));
        assertEquals(ErrorKind.DEADLINE, e.kind());
    }

    @Test
    void whileDrainingEveryNewRequestIsUnavailable() throws InterruptedException {
        assertTrue(batcher.drain(Duration.ZERO));
        StrobeException e = assertThrows(
                StrobeException.class, () -> service.start(square(256), null, 0, Long.MAX_VALUE, recording()));
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("shutting down"), e.getMessage());
    }

    /** The batcher is never started, so no stage runs. */
    private static ModelStages unusedStages() {
        return (ModelStages) java.lang.reflect.Proxy.newProxyInstance(
                ModelStages.class.getClassLoader(), new Class<?>[] {ModelStages.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName() + " must not run in this test");
                });
    }
}
