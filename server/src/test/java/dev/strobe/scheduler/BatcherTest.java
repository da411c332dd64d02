package dev.strobe.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.StageLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The batcher's policies, driven cycle by cycle with a fake model and a fake clock. */
class BatcherTest {
    private static final ImageSize SQUARE = new ImageSize(1024, 1024);
    private static final ImageSize TALL = new ImageSize(768, 1344);
    private final FakeClock clock = new FakeClock();
    private FakeModel model;
    private Batcher batcher;
    private final List<RecordingSink> sinks = new ArrayList<>();

    private void start(BatcherConfig config, StageLimits limits) {
        model = new FakeModel(limits, 4, clock);
        batcher = new Batcher(Map.of("m", model), config, Runnable::run, SchedulerMetrics.NONE, clock);
    }

    private void start(int denoiseMax) {
        start(BatcherConfig.defaults(), new StageLimits(8, denoiseMax, 2, true));
    }

    private Generation submit(int id, ImageSize size) {
        return submit(id, size, 1, 0L, GenerationSpec.NO_DEADLINE, new PreviewSpec(true, ImageFormat.JPEG, 0, 1));
    }

    private Generation submit(int id, ImageSize size, int images, long seed, long deadline, PreviewSpec preview) {
        RecordingSink sink = new RecordingSink();
        sinks.add(sink);
        GenerationSpec spec = new GenerationSpec(
                "m",
                FakeModel.prompt(id),
                size,
                seed,
                images,
                preview,
                ImageFormat.PNG,
                "r" + id,
                deadline,
                clock.getAsLong());
        Generation g = new Generation(spec, sink);
        batcher.submit(g);
        return g;
    }

    private RecordingSink sink(int i) {
        return sinks.get(i);
    }

    private void runUntilIdle() {
        for (int i = 0; i < 10_000 && batcher.runOnce(); i++) {
            // keep cycling
        }
    }

    @Test
    void imagesAtDifferentStepsShareOneUnetCallAndNewOnesJoinAtTheNextIteration() {
        start(8);
        submit(1, SQUARE);
        batcher.runOnce();
        submit(2, SQUARE);
        batcher.runOnce();
        assertEquals(List.of(List.of(1), List.of(2)), model.encodeCalls);
        assertEquals(List.of(1), model.unetCalls.get(0).ids());
        assertEquals(List.of(999.0), model.unetCalls.get(0).timesteps());
        assertEquals(List.of(1, 2), model.unetCalls.get(1).ids());
        assertEquals(List.of(749.0, 999.0), model.unetCalls.get(1).timesteps());
    }

    @Test
    void finishedImagesLeaveAtOnceAndEndWithImageThenDone() {
        start(8);
        submit(1, SQUARE);
        batcher.runOnce();
        submit(2, SQUARE);
        runUntilIdle();
        // #1 takes calls 0..3, #2 calls 1..4: the fifth call holds #2 alone.
        assertEquals(5, model.unetCalls.size());
        assertEquals(List.of(2), model.unetCalls.get(4).ids());
        assertEquals(List.of(249.0), model.unetCalls.get(4).timesteps());
        assertEquals(
                List.of("preview 0 1/4", "preview 0 2/4", "preview 0 3/4", "preview 0 4/4", "image 0 seed 0", "done"),
                sink(0).events);
        assertEquals("done", sink(1).events.get(sink(1).events.size() - 1));
        assertEquals(0, batcher.stats().activeImages());
    }

    @Test
    void oldestRequestsFillTheBatchWithinAShape() {
        start(BatcherConfig.defaults().withDenoiseOrder(DenoiseOrder.OLDEST), new StageLimits(8, 2, 2, true));
        submit(1, SQUARE);
        submit(2, SQUARE);
        submit(3, SQUARE);
        runUntilIdle();
        for (int call = 0; call < 4; call++) {
            assertEquals(List.of(1, 2), model.unetCalls.get(call).ids(), "call " + call);
        }
        for (int call = 4; call < 8; call++) {
            assertEquals(List.of(3), model.unetCalls.get(call).ids(), "call " + call);
        }
    }

    @Test
    void aShapeNeverStarvesBesideAContinuousStreamOfAnother() {
        start(2);
        int next = 100;
        submit(next++, SQUARE);
        submit(next++, SQUARE);
        batcher.runOnce();
        submit(7, TALL);
        int tallCalls = 0;
        int cycles = 0;
        while (!sinks.get(2).ended() && cycles < 50) {
            submit(next++, SQUARE); // squares keep arriving every iteration
            batcher.runOnce();
            cycles++;
        }
        for (FakeModel.Call c : model.unetCalls) {
            if (c.ids().contains(7)) {
                tallCalls++;
                assertEquals(List.of(7), c.ids(), "shapes never share a call");
                assertEquals(1344 / 8, c.latentHeight());
            }
        }
        assertEquals(4, tallCalls);
        // It alternates with the square group: 4 tall steps need at most 8 iterations after it joined.
        assertTrue(cycles <= 9, "tall request finished after " + cycles + " cycles");
        assertEquals("done", sink(2).events.get(sink(2).events.size() - 1));
    }

    @Test
    void admissionSaysNoAtOnceWhenTheQueueIsFull() {
        start(BatcherConfig.defaults().withQueueSize(2), new StageLimits(8, 8, 2, true));
        submit(1, SQUARE);
        submit(2, SQUARE);
        StrobeException e = assertThrows(StrobeException.class, () -> submit(3, SQUARE));
        assertEquals(ErrorKind.QUEUE_FULL, e.kind());
        assertTrue(e.getMessage().contains("2 requests waiting"), e.getMessage());
        batcher.runOnce(); // both start encoding: the queue empties
        submit(4, SQUARE);
        assertEquals(1, batcher.stats().queued());
    }

    @Test
    void activeImagesLimitHoldsRequestsInTheQueue() {
        start(BatcherConfig.defaults().withMaxActiveImages(4), new StageLimits(8, 8, 2, true));
        submit(1, SQUARE, 3, 0, GenerationSpec.NO_DEADLINE, PreviewSpec.NONE);
        submit(2, SQUARE, 2, 0, GenerationSpec.NO_DEADLINE, PreviewSpec.NONE);
        batcher.runOnce();
        assertEquals(List.of(List.of(1)), model.encodeCalls, "the second request's 2 images do not fit beside 3");
        assertEquals(1, batcher.stats().queued());
        runUntilIdle();
        assertEquals(List.of(List.of(1), List.of(2)), model.encodeCalls);
    }

    @Test
    void aCancelledRequestLeavesBeforeTheNextUnetCall() {
        start(8);
        Generation first = submit(1, SQUARE);
        submit(2, SQUARE);
        batcher.runOnce();
        batcher.cancel(first);
        batcher.runOnce();
        assertEquals(List.of(2), model.unetCalls.get(1).ids());
        assertEquals(ErrorKind.CANCELLED, sink(0).error.kind());
        assertEquals(1, batcher.stats().activeImages());
    }

    @Test
    void hundredsOfCancellationsLeaveNoActiveJobs() {
        start(BatcherConfig.defaults().withQueueSize(1000), new StageLimits(8, 4, 2, true));
        Random random = new Random(7);
        List<Generation> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int images = 1 + random.nextInt(3);
            all.add(submit(
                    i,
                    random.nextBoolean() ? SQUARE : TALL,
                    images,
                    i,
                    GenerationSpec.NO_DEADLINE,
                    new PreviewSpec(true, ImageFormat.JPEG, 0, 1)));
            if (random.nextInt(3) == 0) {
                batcher.runOnce();
            }
            // Cancel a random earlier request, wherever it is: queued, denoising or decoding.
            batcher.cancel(all.get(random.nextInt(all.size())));
        }
        runUntilIdle();
        BatcherStats s = batcher.stats();
        assertEquals(0, s.activeImages());
        assertEquals(0, s.queued());
        assertEquals(0, s.denoising());
        assertEquals(300, s.completed() + s.failed());
        for (RecordingSink sink : sinks) {
            assertTrue(sink.ended(), "every request ended");
        }
    }

    @Test
    void aScalarTimestepUnetOnlyBatchesImagesAtTheSameStep() {
        start(BatcherConfig.defaults(), new StageLimits(8, 8, 2, false));
        submit(1, SQUARE);
        batcher.runOnce();
        submit(2, SQUARE);
        submit(3, SQUARE);
        runUntilIdle();
        boolean sawPair = false;
        for (FakeModel.Call c : model.unetCalls) {
            assertEquals(1, c.timesteps().stream().distinct().count(), "one timestep per call: " + c);
            sawPair |= c.ids().equals(List.of(2, 3));
        }
        assertTrue(sawPair, "images at the same step still share a call");
    }

    @Test
    void anExpiredRequestLeavesWithDeadlineAndOthersGoOn() {
        start(8);
        long deadline = clock.getAsLong() + 250_000_000L;
        submit(1, SQUARE, 1, 0, deadline, PreviewSpec.NONE);
        submit(2, SQUARE);
        runUntilIdle();
        assertEquals(ErrorKind.DEADLINE, sink(0).error.kind());
        assertTrue(sink(0).error.getMessage().contains("deadline"));
        assertEquals("done", sink(1).events.get(sink(1).events.size() - 1));
        assertEquals(0, batcher.stats().activeImages());
    }

    @Test
    void aUnetFailureFailsThatBatchOnlyAndTheBatcherGoesOn() {
        start(8);
        submit(1, SQUARE);
        model.failNextUnet = new IllegalStateException("boom");
        batcher.runOnce();
        assertEquals(ErrorKind.INTERNAL, sink(0).error.kind());
        assertTrue(sink(0).error.getMessage().contains("UNet"));
        submit(2, SQUARE);
        runUntilIdle();
        assertEquals("done", sink(1).events.get(sink(1).events.size() - 1));
        assertEquals(0, batcher.stats().activeImages());
    }

    @Test
    void aStageWithMaxWaitHoldsASmallBatchUntilTheWaitIsOver() {
        BatcherConfig config = BatcherConfig.defaults().withDenoise(new StagePolicy(4, Duration.ofMillis(30)));
        start(config, new StageLimits(8, 8, 2, true));
        submit(1, SQUARE);
        batcher.runOnce();
        assertEquals(1, model.encodeCalls.size());
        assertTrue(model.unetCalls.isEmpty(), "one image waits for a fuller batch");
        clock.advanceMillis(29); // it became ready when encoding ended: 29 ms of waiting is not enough
        batcher.runOnce();
        assertTrue(model.unetCalls.isEmpty());
        clock.advanceMillis(1);
        batcher.runOnce();
        assertEquals(1, model.unetCalls.size());
    }

    @Test
    void imagesOfOneRequestUseSeedPlusIndexAndDoneComesLast() {
        start(8);
        submit(1, SQUARE, 3, -2L, GenerationSpec.NO_DEADLINE, new PreviewSpec(true, ImageFormat.PNG, 0, 2));
        runUntilIdle();
        List<String> events = sink(0).events;
        assertEquals("done", events.get(events.size() - 1));
        assertTrue(events.contains("image 0 seed -2"));
        assertTrue(events.contains("image 1 seed -1"));
        assertTrue(events.contains("image 2 seed 0"));
        // every_n_steps = 2 with 4 steps: previews after steps 2 and 4 only.
        assertEquals(6, events.stream().filter(e -> e.startsWith("preview")).count());
        assertFalse(events.stream().anyMatch(e -> e.endsWith(" 1/4") || e.endsWith(" 3/4")));
        assertEquals(List.of(2, 1), model.decodeBatchSizes);
        Timings t = sink(0).timings;
        assertTrue(t.totalMs() >= t.denoiseMs() + t.encodeMs(), t.toString());
        assertEquals(4 * 100, t.denoiseMs(), 1e-9);
    }

    @Test
    void drainRefusesNewRequests() throws Exception {
        start(8);
        submit(1, SQUARE);
        runUntilIdle();
        assertTrue(batcher.drain(Duration.ofSeconds(1)));
        StrobeException e = assertThrows(StrobeException.class, () -> submit(2, SQUARE));
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
    }
}
