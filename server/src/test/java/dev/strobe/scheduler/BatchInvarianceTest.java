package dev.strobe.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.pipeline.Conditioning;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.DenoiseItem;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.LatentState;
import dev.strobe.pipeline.LoadedModel;
import dev.strobe.pipeline.ModelStages;
import dev.strobe.pipeline.PipelineImageCodec;
import dev.strobe.pipeline.PromptTokens;
import dev.strobe.pipeline.StageLimits;
import dev.strobe.testing.TinyModelPipelines;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * A request's image does not depend on which requests shared its UNet calls: the same prompt and
 * seed alone, and amid seven other requests at other steps, give the same latent (within 1e-4,
 * float rounding of batched kernels) and the same decoded pixels (within 2/255). Runs the real
 * tiny model through the real batcher, cycle by cycle.
 */
class BatchInvarianceTest {
    private static final long TARGET_SEED = 99;
    private static final double LATENT_TOLERANCE = 1e-4;
    private static final int PIXEL_TOLERANCE = 2;

    /** Wraps the real stages to see batch compositions and the target's final latent. */
    private static final class Watching implements ModelStages {
        final ModelStages real;
        final Map<LatentState, Long> seeds = new IdentityHashMap<>();
        final List<List<Long>> unetBatches = new ArrayList<>();
        final List<List<Integer>> unetSteps = new ArrayList<>();
        float[] targetLatent;

        Watching(ModelStages real) {
            this.real = real;
        }

        @Override
        public StageLimits limits() {
            return real.limits();
        }

        @Override
        public List<Conditioning> encode(List<PromptTokens> prompts) {
            return real.encode(prompts);
        }

        @Override
        public LatentState initialLatent(ImageSize size, long seed) {
            LatentState s = real.initialLatent(size, seed);
            seeds.put(s, seed);
            return s;
        }

        @Override
        public void denoise(List<DenoiseItem> batch) {
            List<Long> ids = new ArrayList<>();
            List<Integer> steps = new ArrayList<>();
            for (DenoiseItem item : batch) {
                ids.add(seeds.get(item.state()));
                steps.add(item.state().stepsDone());
            }
            unetBatches.add(ids);
            unetSteps.add(steps);
            real.denoise(batch);
        }

        @Override
        public List<DecodedImage> decode(List<LatentState> finished) {
            for (LatentState s : finished) {
                if (seeds.get(s) == TARGET_SEED) {
                    targetLatent = s.x0().clone();
                }
            }
            return real.decode(finished);
        }
    }

    private final LoadedModel model = TinyModelPipelines.get("tiny-lightning-4step");
    private final FakeClock clock = new FakeClock();

    private Batcher batcher(Watching stages) {
        return new Batcher(Map.of("m", stages), BatcherConfig.defaults(), Runnable::run, SchedulerMetrics.NONE, clock);
    }

    private RecordingImageSink submit(Batcher b, String prompt, long seed) {
        RecordingImageSink sink = new RecordingImageSink();
        GenerationSpec spec = new GenerationSpec(
                "m",
                model.tokenizer().tokenize(prompt),
                new ImageSize(256, 256),
                seed,
                1,
                PreviewSpec.NONE,
                ImageFormat.PNG,
                "",
                GenerationSpec.NO_DEADLINE,
                clock.getAsLong());
        b.submit(new Generation(spec, sink));
        return sink;
    }

    private static void runUntilIdle(Batcher b) {
        for (int i = 0; i < 1000 && b.runOnce(); i++) {
            // keep cycling
        }
    }

    @Test
    void anImageIsTheSameAloneAndAmidSevenOtherRequestsAtOtherSteps() throws IOException {
        Watching aloneStages = new Watching(model.pipeline());
        Batcher alone = batcher(aloneStages);
        RecordingImageSink a = submit(alone, "a lighthouse on a cliff at dusk", TARGET_SEED);
        runUntilIdle(alone);

        Watching sharedStages = new Watching(model.pipeline());
        Batcher shared = batcher(sharedStages);
        String[] others = {
            "a bowl of lemons",
            "a red fox in the snow",
            "neon city street, rain",
            "a sailing boat",
            "mountains at sunrise",
            "a cup of coffee",
            "an owl in a tree"
        };
        for (int i = 0; i < 3; i++) {
            submit(shared, others[i], 1000 + i);
        }
        shared.runOnce(); // three others take their first step
        RecordingImageSink b = submit(shared, "a lighthouse on a cliff at dusk", TARGET_SEED);
        submit(shared, others[3], 1003);
        shared.runOnce();
        for (int i = 4; i < 7; i++) {
            submit(shared, others[i], 1000 + i);
        }
        runUntilIdle(shared);

        // The target shared its calls with others that were at other steps.
        boolean mixed = false;
        for (int c = 0; c < sharedStages.unetBatches.size(); c++) {
            List<Long> ids = sharedStages.unetBatches.get(c);
            if (ids.contains(TARGET_SEED)
                    && ids.size() > 1
                    && sharedStages.unetSteps.get(c).stream().distinct().count() > 1) {
                mixed = true;
            }
        }
        assertTrue(mixed, "the target must share a UNet call with images at other steps: " + sharedStages.unetBatches);

        double latentDiff = 0;
        for (int i = 0; i < aloneStages.targetLatent.length; i++) {
            latentDiff = Math.max(latentDiff, Math.abs(aloneStages.targetLatent[i] - sharedStages.targetLatent[i]));
        }
        assertTrue(latentDiff <= LATENT_TOLERANCE, "final latent differs by " + latentDiff);

        BufferedImage x = ImageIO.read(new ByteArrayInputStream(a.image));
        BufferedImage y = ImageIO.read(new ByteArrayInputStream(b.image));
        assertNotNull(x);
        assertNotNull(y);
        assertEquals(256, x.getWidth());
        int maxDiff = 0;
        for (int py = 0; py < 256; py++) {
            for (int px = 0; px < 256; px++) {
                int p = x.getRGB(px, py);
                int q = y.getRGB(px, py);
                for (int shift = 0; shift <= 16; shift += 8) {
                    maxDiff = Math.max(maxDiff, Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)));
                }
            }
        }
        assertTrue(maxDiff <= PIXEL_TOLERANCE, "pixels differ by up to " + maxDiff + "/255");
    }

    /** Keeps the final image's bytes. */
    private static final class RecordingImageSink implements GenerationSink {
        volatile byte[] image;

        @Override
        public void preview(dev.strobe.pipeline.PreviewFrame frame) {}

        @Override
        public void image(int imageIndex, long seed, dev.strobe.pipeline.DecodedImage decoded) {
            image = new PipelineImageCodec()
                    .encodeFinal(decoded, dev.strobe.pipeline.ImageFormat.PNG)
                    .data();
        }

        @Override
        public void done(Timings timings) {}

        @Override
        public void failed(dev.strobe.errors.StrobeException error) {
            throw new AssertionError("generation failed: " + error.getMessage(), error);
        }
    }
}
