package dev.strobe.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.errors.ErrorKind;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.StageLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An fp16 VAE that overflows returns NaN; VaeImage would turn that into a black image that looks
 * like success. The image's request must fail with INTERNAL naming the fix, be counted, and leave
 * the other request decoded in the same VAE call untouched.
 */
class NonFiniteVaeTest {
    private final FakeClock clock = new FakeClock();
    private final List<String> counted = new ArrayList<>();
    private final SchedulerMetrics metrics = new SchedulerMetrics() {
        @Override
        public void batch(Stage stage, String model, int size, long nanos) {}

        @Override
        public void queueWait(long nanos) {}

        @Override
        public void nonFiniteImage(String model) {
            counted.add(model);
        }
    };

    @Test
    void aNanImageFailsItsRequestWithTheFixAndIsCountedWhileItsBatchMateSucceeds() {
        FakeModel model = new FakeModel(new StageLimits(8, 8, 2, true), 4, clock);
        Batcher batcher = new Batcher(Map.of("sdxl", model), BatcherConfig.defaults(), Runnable::run, metrics, clock);
        model.nanSeeds.add(7L);
        RecordingSink bad = new RecordingSink();
        RecordingSink good = new RecordingSink();
        ImageSize size = new ImageSize(1024, 1024);
        PreviewSpec none = new PreviewSpec(false, ImageFormat.JPEG, 0, 1);
        batcher.submit(new Generation(
                new GenerationSpec(
                        "sdxl",
                        FakeModel.prompt(1),
                        size,
                        7L,
                        1,
                        none,
                        ImageFormat.PNG,
                        "r1",
                        GenerationSpec.NO_DEADLINE,
                        clock.getAsLong()),
                bad));
        batcher.submit(new Generation(
                new GenerationSpec(
                        "sdxl",
                        FakeModel.prompt(2),
                        size,
                        8L,
                        1,
                        none,
                        ImageFormat.PNG,
                        "r2",
                        GenerationSpec.NO_DEADLINE,
                        clock.getAsLong()),
                good));
        for (int i = 0; i < 1000 && batcher.runOnce(); i++) {
            // cycle until idle
        }
        assertEquals(List.of(2), model.decodeBatchSizes, "both images were decoded in one VAE call");
        assertEquals(List.of("failed INTERNAL"), bad.events);
        assertEquals(ErrorKind.INTERNAL, bad.error.kind());
        String m = bad.error.getMessage();
        assertTrue(m.contains("produced 3 non-finite values (NaN or infinity) for image 0"), m);
        assertTrue(m.contains("fp32") && m.contains("fp16-fix") && m.contains("export_vae_onnx.py"), m);
        assertEquals(List.of("image 0 seed 8", "done"), good.events);
        assertEquals(List.of("sdxl"), counted);
        assertEquals(0, batcher.stats().activeImages(), "the failed image released its slot");
    }
}
