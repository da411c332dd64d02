package dev.strobe.engine.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.EngineException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
    private static TrtProfile profile(int index, int minB, int maxB, int minHw, int maxHw) {
        return new TrtProfile(index, FakeTrtAdapter.unetProfile(minB, maxB, minHw, maxHw, false));
    }

    private static Map<String, long[]> shapes(int batch, int hw) {
        return Map.of("sample", new long[] {batch, 4, hw, hw}, "timestep", new long[] {batch});
    }

    private static String describe(List<BatchChunk> plan) {
        return plan.stream()
                .map(c -> "p" + c.profile().index() + ":" + c.start() + "+" + c.count() + "/" + c.padded())
                .reduce((a, b) -> a + " " + b)
                .orElse("");
    }

    @Test
    void directCoverPrefersTheSmallestMaxShapesThenTheLowerIndex() {
        BatchPlanner p = new BatchPlanner(
                List.of(profile(0, 1, 8, 64, 192), profile(1, 1, 8, 64, 128), profile(2, 1, 8, 64, 128)), "unet");
        assertEquals("p1:0+3/3", describe(p.plan(shapes(3, 96), 3)));
        assertEquals("p0:0+3/3", describe(p.plan(shapes(3, 160), 3)));
    }

    @Test
    void aProfileThatNeedsNoPaddingBeatsASmallerOneThatDoes() {
        BatchPlanner p = new BatchPlanner(List.of(profile(0, 4, 8, 64, 64), profile(1, 1, 8, 64, 128)), "unet");
        assertEquals("p1:0+2/2", describe(p.plan(shapes(2, 64), 2)));
    }

    @Test
    void padsToTheSmallestMinimumWhenNothingCoversTheBatch() {
        BatchPlanner p = new BatchPlanner(List.of(profile(0, 6, 8, 64, 64), profile(1, 4, 8, 64, 128)), "unet");
        assertEquals("p1:0+2/4", describe(p.plan(shapes(2, 64), 2)));
    }

    @Test
    void splitsIntoEvenChunksAndPlansEachChunk() {
        BatchPlanner p = new BatchPlanner(List.of(profile(0, 1, 4, 64, 64)), "unet");
        assertEquals("p0:0+4/4 p0:4+3/3 p0:7+3/3", describe(p.plan(shapes(10, 64), 10)));
        BatchPlanner minTwo = new BatchPlanner(List.of(profile(0, 2, 4, 64, 64)), "unet");
        // greedy 4+1 would pad the last chunk; even chunks need no padding
        assertEquals("p0:0+3/3 p0:3+2/2", describe(minTwo.plan(shapes(5, 64), 5)));
    }

    @Test
    void chunksAreCoveredByASmallerProfileWhenOneFits() {
        BatchPlanner p = new BatchPlanner(List.of(profile(0, 1, 8, 64, 64), profile(1, 1, 2, 64, 64)), "unet");
        // 12 > 8: two chunks of 6, each on profile 0 (profile 1 holds only 2)
        assertEquals("p0:0+6/6 p0:6+6/6", describe(p.plan(shapes(12, 64), 12)));
        assertEquals("p1:0+2/2", describe(p.plan(shapes(2, 64), 2)));
    }

    @Test
    void noProfileCoveringTheImageSizeNamesShapesAndProfiles() {
        BatchPlanner p =
                new BatchPlanner(List.of(profile(0, 1, 8, 64, 128), profile(1, 1, 2, 160, 192)), "unet/engine.plan");
        EngineException e = assertThrows(EngineException.class, () -> p.plan(shapes(1, 140), 1));
        assertEquals(EngineException.Kind.UNSUPPORTED_INPUT, e.kind());
        assertTrue(
                e.getMessage().startsWith("unet/engine.plan: no optimisation profile covers inputs"), e.getMessage());
        assertTrue(e.getMessage().contains("1x4x140x140"), e.getMessage());
        assertTrue(e.getMessage().contains("#0 sample 1x4x64x64..8x4x128x128"), e.getMessage());
        assertTrue(e.getMessage().contains("#1 sample 1x4x160x160..2x4x192x192"), e.getMessage());
    }

    @Test
    void profileBatchRangeIsWhereAllBatchedInputsAgree() {
        TrtProfile p = new TrtProfile(
                0,
                Map.of(
                        "sample",
                                new ShapeRange(
                                        new long[] {2, 4, 8, 8}, new long[] {4, 4, 8, 8}, new long[] {8, 4, 8, 8}),
                        "timestep", new ShapeRange(new long[] {1}, new long[] {4}, new long[] {6}),
                        "scale", ShapeRange.fixed()));
        assertEquals(2, p.minBatch());
        assertEquals(6, p.maxBatch());
    }
}
