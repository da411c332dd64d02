package dev.strobe.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.StageLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The denoise orders, cycle by cycle on a fake model and a fake clock (UNet call 100 ms, text
 * encoding 5 ms, VAE 50 ms): {@code first-step} gives a new image its first step at the next UNet
 * call, keeps the bound stated in {@link DenoiseOrder} for running images, and the stages of every
 * request's timings add up to its total.
 */
class DenoiseOrderTest {
    private static final ImageSize SQUARE = new ImageSize(1024, 1024);
    private static final int STEPS = 4;
    private final FakeClock clock = new FakeClock();
    private FakeModel model;
    private Batcher batcher;
    private final List<RecordingSink> sinks = new ArrayList<>();

    /** The VAE yields before every decode (the threshold has tests of its own). */
    private void start(DenoiseOrder order, int maxBatch, int maxActive) {
        start(order, maxBatch, maxActive, Duration.ZERO);
    }

    private void start(DenoiseOrder order, int maxBatch, int maxActive, Duration decodeYieldMin) {
        model = new FakeModel(new StageLimits(8, maxBatch, 2, true), STEPS, clock);
        BatcherConfig config = BatcherConfig.defaults()
                .withQueueSize(10_000)
                .withMaxActiveImages(maxActive)
                .withDenoiseOrder(order)
                .withDecodeYieldMin(decodeYieldMin);
        batcher = new Batcher(Map.of("m", model), config, Runnable::run, SchedulerMetrics.NONE, clock);
    }

    /** Request ids are 1, 2, 3, ... in arrival order; each has one image. */
    private void submit(int images) {
        RecordingSink sink = new RecordingSink();
        sinks.add(sink);
        int id = sinks.size();
        GenerationSpec spec = new GenerationSpec(
                "m",
                FakeModel.prompt(id),
                SQUARE,
                id,
                images,
                new PreviewSpec(true, ImageFormat.JPEG, 0, 1),
                ImageFormat.PNG,
                "r" + id,
                GenerationSpec.NO_DEADLINE,
                clock.getAsLong());
        batcher.submit(new Generation(spec, sink));
    }

    /**
     * A one-image request takes all but its last step; another arrives halfway through that last
     * UNet call; the device runs until idle.
     */
    private void oneArrivesDuringTheLastStepOfAnother() {
        submit(1);
        for (int c = 0; c < STEPS - 1; c++) {
            batcher.runOnce();
        }
        model.duringUnet = () -> {
            model.duringUnet = () -> {};
            submit(1);
        };
        runUntilIdle();
    }

    private void runUntilIdle() {
        for (int i = 0; i < 100_000 && batcher.runOnce(); i++) {
            // keep cycling
        }
    }

    /** Saturated load: {@code perCycle} new one-image requests before each of {@code cycles} cycles. */
    private void offer(int perCycle, int cycles) {
        for (int c = 0; c < cycles; c++) {
            for (int k = 0; k < perCycle; k++) {
                submit(1);
            }
            batcher.runOnce();
        }
        runUntilIdle();
    }

    @Test
    void aNewImageTakesItsFirstStepAtTheNextUnetCallEvenWhenTheBatchIsFull() {
        start(DenoiseOrder.FIRST_STEP, 4, 32);
        for (int k = 0; k < 8; k++) {
            submit(1); // eight images: twice what a call holds
        }
        for (int c = 0; c < 3; c++) {
            batcher.runOnce(); // after three calls all eight are running
        }
        submit(1);
        batcher.runOnce();
        assertTrue(
                model.unetCalls.get(model.unetCalls.size() - 1).ids().contains(9),
                "the new image is in the call right after its text encoding: " + model.unetCalls);
        runUntilIdle();
        assertEquals(0.0, sinks.get(8).timings.waitMs(), "no wait between text encoding and the first step");
    }

    @Test
    void underOldestANewImageWaitsBehindTheRunningOnes() {
        start(DenoiseOrder.OLDEST, 4, 32);
        for (int k = 0; k < 8; k++) {
            submit(1);
        }
        for (int c = 0; c < 3; c++) {
            batcher.runOnce();
        }
        submit(1);
        runUntilIdle();
        // Images 1-4 take calls 1-4, then 5-8 and 9 share calls 5-8 (9 joins at call 5).
        assertEquals(List.of(5, 6, 7, 8), model.unetCalls.get(4).ids());
        assertEquals(List.of(9), model.unetCalls.get(8).ids());
        assertTrue(
                sinks.get(8).timings.waitMs() >= 100, "the new image waited for whole calls: " + sinks.get(8).timings);
    }

    @Test
    void aRequestArrivingDuringAUnetCallTakesItsFirstStepBeforeTheVaeDecodesUnderFirstStep() {
        assertEquals(List.of("call 4: 1@3", "call 5: 2@0", "decode: 1"), workFromTheLastStep(DenoiseOrder.FIRST_STEP));
        assertEquals(50 + 5 + 100, sinks.get(1).timings.firstPreviewMs(), 1e-9, "rest of the call, encode, a call");
    }

    @Test
    void theCallTheVaeYieldsHoldsOnlyTheNewImagesSoRunningOnesAreNotHurriedToTheVae() {
        start(DenoiseOrder.FIRST_STEP, 4, 32);
        submit(1);
        batcher.runOnce();
        submit(1);
        batcher.runOnce();
        batcher.runOnce(); // request 1 has taken three steps, request 2 two
        model.duringUnet = () -> {
            model.duringUnet = () -> {};
            submit(1);
        };
        runUntilIdle();
        assertEquals(List.of("call 4: 1@3 2@2", "call 5: 3@0", "decode: 1", "call 6: 2@3 3@1"), work(4, 4, 1));
    }

    /**
     * The VAE yields only before a decode expected to take --decode-yield-min or more: the fake
     * VAE takes 50 ms a call, timed by request 1's decode; request 3 arrives during request 2's
     * last step.
     */
    @Test
    void theVaeYieldsOnlyBeforeADecodeExpectedToTakeAtLeastTheThreshold() {
        assertEquals(List.of("call 8: 2@3", "call 9: 3@0", "decode: 2"), afterATimedDecode(Duration.ofMillis(50)));
        assertEquals(List.of("call 8: 2@3", "decode: 2", "call 9: 3@0"), afterATimedDecode(Duration.ofMillis(51)));
        assertEquals(
                50 + 50 + 5 + 100,
                sinks.get(2).timings.firstPreviewMs(),
                1e-9,
                "the rest of the call, the VAE, encode, a call");
    }

    @Test
    void aModelAndSizeNotYetDecodedCountsAsALongDecode() {
        start(DenoiseOrder.FIRST_STEP, 4, 32, Duration.ofHours(1));
        oneArrivesDuringTheLastStepOfAnother();
        assertEquals(List.of("call 4: 1@3", "call 5: 2@0", "decode: 1"), work(STEPS, 3, 1));
    }

    private List<String> afterATimedDecode(Duration decodeYieldMin) {
        sinks.clear();
        start(DenoiseOrder.FIRST_STEP, 4, 32, decodeYieldMin);
        submit(1);
        runUntilIdle(); // calls 1-4 and the VAE's first decode of this size: 50 ms
        oneArrivesDuringTheLastStepOfAnother();
        return work(2 * STEPS, 3, 2);
    }

    @Test
    void underOldestTheVaeDecodesFirstAndTheNewRequestWaitsForIt() {
        assertEquals(List.of("call 4: 1@3", "decode: 1", "call 5: 2@0"), workFromTheLastStep(DenoiseOrder.OLDEST));
        assertEquals(
                50 + 50 + 5 + 100, sinks.get(1).timings.firstPreviewMs(), 1e-9, "the rest of the call, the VAE, ...");
    }

    /**
     * Request 1 takes its four steps; request 2 arrives halfway through the last one. Returns the
     * device's work from that call on, in order: UNet calls as "call n: id@step index" and the
     * decode of request 1's image.
     */
    private List<String> workFromTheLastStep(DenoiseOrder order) {
        start(order, 4, 32);
        oneArrivesDuringTheLastStepOfAnother();
        return work(STEPS, 3, 1);
    }

    /**
     * The device's work from UNet call {@code from} on ({@code count} entries, in order): calls as
     * "call n: id@step index" and the decode of request {@code decoded}'s image.
     */
    private List<String> work(int from, int count, int decoded) {
        List<String> work = new ArrayList<>();
        for (int call = from; call <= model.unetCalls.size(); call++) {
            FakeModel.Call c = model.unetCalls.get(call - 1);
            List<String> items = new ArrayList<>();
            for (int i = 0; i < c.ids().size(); i++) {
                int stepIndex = (int) Math.round((999 - c.timesteps().get(i)) / (1000.0 / STEPS));
                items.add(c.ids().get(i) + "@" + stepIndex);
            }
            work.add("call " + call + ": " + String.join(" ", items));
            if (model.decodedAtCall.get((long) decoded) == call) {
                work.add("decode: " + decoded);
            }
        }
        return work.subList(0, count);
    }

    /**
     * The bound of the VAE's yield: with a new request arriving during every UNet call (more than
     * the device completes), each finished image is decoded after at most one more UNet call than
     * the one that finished it, and under {@code oldest} after none.
     */
    @Test
    void theVaeWaitsForAtMostOneUnetCallWhileNewRequestsKeepArriving() {
        assertEquals(List.of(0, 1), extraCallsBeforeDecode(DenoiseOrder.FIRST_STEP));
        assertEquals(List.of(0), extraCallsBeforeDecode(DenoiseOrder.OLDEST));
    }

    /** The distinct numbers of UNet calls between an image's last step and its decode. */
    private List<Integer> extraCallsBeforeDecode(DenoiseOrder order) {
        sinks.clear();
        model = null;
        start(order, 4, 16);
        int[] arrivals = {0};
        model.duringUnet = () -> {
            if (arrivals[0]++ < 60) {
                submit(1);
            }
        };
        submit(1);
        runUntilIdle();
        assertEquals(61, model.decodedAtCall.size(), "every image was decoded");
        return model.finishedAtCall.entrySet().stream()
                .map(e -> model.decodedAtCall.get(e.getKey()) - e.getValue())
                .distinct()
                .sorted()
                .toList();
    }

    @Test
    void atSaturationFirstStepCutsTheLongestWaitForAFirstStepAndKeepsEveryCallFull() {
        Result oldest = saturated(DenoiseOrder.OLDEST);
        Result firstStep = saturated(DenoiseOrder.FIRST_STEP);
        assertEquals(oldest.calls, firstStep.calls, "the same work in the same number of UNet calls");
        assertTrue(
                firstStep.maxWaitMs * 3 <= oldest.maxWaitMs,
                "first-step " + firstStep.maxWaitMs + " ms against oldest " + oldest.maxWaitMs + " ms");
    }

    private record Result(int calls, double maxWaitMs) {}

    private Result saturated(DenoiseOrder order) {
        sinks.clear();
        start(order, 4, 16);
        offer(1, 200); // one image per cycle needs 4 steps per call: exactly what a call of 4 gives
        double maxWait = 0;
        for (RecordingSink s : sinks) {
            assertEquals("done", s.events.get(s.events.size() - 1));
            maxWait = Math.max(maxWait, s.timings.waitMs());
        }
        return new Result(model.unetCalls.size(), maxWait);
    }

    /**
     * The bound of {@link DenoiseOrder#FIRST_STEP}, checked call by call under a flood of new
     * requests (three per cycle, more than the two first-step slots of a call of four): every call
     * holds min(running, ceil(B/2)) running images or more, except the VAE's yield, which holds new
     * images only and never follows another such call; the oldest running image steps at every
     * other call; and a running image is passed over at most W / ceil(B/2) calls that hold running
     * images in a row, W being the steps still owed by the running images older than it after its
     * last step.
     */
    @Test
    void runningImagesKeepHalfOfEveryCallAndWaitNoLongerThanTheBound() {
        int maxBatch = 4;
        int runningSlots = (maxBatch + 1) / 2;
        start(DenoiseOrder.FIRST_STEP, maxBatch, 32);
        offer(3, 60);
        Map<Integer, Integer> done = new HashMap<>();
        Map<Integer, Integer> lastCall = new HashMap<>();
        Map<Integer, Integer> owedByOlderAtLastStep = new HashMap<>();
        List<Integer> callsWithRunning = new ArrayList<>(); // indexes of the calls that held running images
        int yields = 0;
        for (int call = 0; call < model.unetCalls.size(); call++) {
            List<Integer> ids = model.unetCalls.get(call).ids();
            List<Integer> running = new ArrayList<>();
            for (Map.Entry<Integer, Integer> e : done.entrySet()) {
                if (e.getValue() > 0 && e.getValue() < STEPS) {
                    running.add(e.getKey());
                }
            }
            running.sort(null);
            long runningInCall = ids.stream().filter(running::contains).count();
            boolean newOnly = ids.stream().allMatch(id -> !done.containsKey(id));
            if (newOnly && !running.isEmpty()) {
                yields++;
                assertTrue(
                        !callsWithRunning.isEmpty() && callsWithRunning.get(callsWithRunning.size() - 1) == call - 1,
                        "call " + call + " is the VAE's yield of new images; the call before it held running images");
            } else {
                assertTrue(
                        runningInCall >= Math.min(running.size(), runningSlots),
                        "call " + call + " holds " + runningInCall + " of " + running.size() + " running images");
                if (!running.isEmpty()) {
                    assertTrue(ids.contains(running.get(0)), "the oldest running image steps at call " + call);
                    callsWithRunning.add(call);
                }
            }
            for (int id : running) {
                if (!ids.contains(id)) {
                    continue;
                }
                int last = lastCall.get(id);
                // the calls that held running images since its last step, this one excluded
                int skipped =
                        (int) callsWithRunning.stream().filter(c -> c > last).count() - 1;
                int bound = owedByOlderAtLastStep.get(id) / runningSlots;
                assertTrue(skipped <= bound, "image " + id + " skipped " + skipped + " calls, bound " + bound);
            }
            for (int id : ids) {
                done.merge(id, 1, Integer::sum);
                lastCall.put(id, call);
            }
            for (int id : ids) {
                int owed = 0;
                for (Map.Entry<Integer, Integer> e : done.entrySet()) {
                    if (e.getKey() < id && e.getValue() < STEPS) {
                        owed += STEPS - e.getValue();
                    }
                }
                owedByOlderAtLastStep.put(id, owed);
            }
        }
        assertTrue(yields > 0, "the flood left new images for the VAE's yield");
        assertEquals(180, done.size());
        assertTrue(done.values().stream().allMatch(n -> n == STEPS), "every image took its four steps");
    }

    @Test
    void theStagesOfEveryRequestAddUpToItsTotalWithinAMillisecond() {
        start(DenoiseOrder.FIRST_STEP, 4, 16);
        for (int c = 0; c < 40; c++) {
            submit(1 + c % 4); // one to four images: some wait for room, some for a UNet slot or the VAE
            batcher.runOnce();
            clock.advanceMillis(c % 3); // time passes between cycles too (network, idle device)
        }
        runUntilIdle();
        for (RecordingSink s : sinks) {
            Timings t = s.timings;
            assertEquals(
                    t.totalMs(),
                    t.queueMs() + t.encodeMs() + t.waitMs() + t.denoiseMs() + t.decodeMs(),
                    1.0,
                    t.toString());
        }
        assertTrue(sinks.stream().anyMatch(s -> s.timings.queueMs() > 0), "the mix made requests queue");
        assertTrue(sinks.stream().anyMatch(s -> s.timings.waitMs() > 0), "and wait for a UNet slot");
    }
}
