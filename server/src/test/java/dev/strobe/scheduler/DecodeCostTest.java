package dev.strobe.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.StageLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VAE's expected time: per image, by model and size, a moving average weighing each call a quarter. */
class DecodeCostTest {
    private static final long MS = 1_000_000L;
    private final FakeModel model = new FakeModel(new StageLimits(8, 8, 2, true), 4, new FakeClock());

    private ImageJob job(String modelName, ImageSize size) {
        GenerationSpec spec = new GenerationSpec(
                modelName,
                FakeModel.prompt(1),
                size,
                1,
                1,
                new PreviewSpec(false, ImageFormat.JPEG, 0, 1),
                ImageFormat.PNG,
                "r",
                GenerationSpec.NO_DEADLINE,
                0);
        return new ImageJob(new Generation(spec, new RecordingSink()), 0, model.initialLatent(size, 1), 0);
    }

    @Test
    void aModelAndSizeNotDecodedYetIsExpectedToTakeForever() {
        assertEquals(Long.MAX_VALUE, new DecodeCost().expectedNanos(List.of(job("m", new ImageSize(512, 512)))));
    }

    @Test
    void theExpectationScalesWithTheBatchAndMovesAQuarterTowardsEachNewCall() {
        DecodeCost cost = new DecodeCost();
        ImageSize size = new ImageSize(512, 512);
        ImageJob a = job("m", size);
        ImageJob b = job("m", size);
        cost.observe(List.of(a, b), 100 * MS); // 50 ms per image
        assertEquals(100 * MS, cost.expectedNanos(List.of(a, b)));
        assertEquals(50 * MS, cost.expectedNanos(List.of(a)));
        cost.observe(List.of(a), 90 * MS); // 50 + (90 - 50) / 4
        assertEquals(60 * MS, cost.expectedNanos(List.of(a)));
    }

    @Test
    void eachModelAndSizeHasItsOwnExpectation() {
        DecodeCost cost = new DecodeCost();
        cost.observe(List.of(job("m", new ImageSize(1024, 1024))), 200 * MS);
        cost.observe(List.of(job("n", new ImageSize(256, 256))), 10 * MS);
        assertEquals(200 * MS, cost.expectedNanos(List.of(job("m", new ImageSize(1024, 1024)))));
        assertEquals(10 * MS, cost.expectedNanos(List.of(job("n", new ImageSize(256, 256)))));
        assertEquals(Long.MAX_VALUE, cost.expectedNanos(List.of(job("m", new ImageSize(256, 256)))));
    }
}
