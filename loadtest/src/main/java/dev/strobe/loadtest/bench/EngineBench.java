package dev.strobe.loadtest.bench;

import dev.strobe.pipeline.Conditioning;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.DenoiseItem;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.LatentState;
import dev.strobe.pipeline.LoadedModel;
import dev.strobe.pipeline.ModelPipeline;
import dev.strobe.pipeline.PromptTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The pipeline alone, in-process, no server: text encoding, every UNet step over a batch of b
 * images in lockstep, VAE decoding in the model's VAE batches, and PNG encoding of every final
 * image (the work the server does for each image, minus previews and gRPC). Runs on the caller's
 * thread; the engines use their own thread pools.
 */
final class EngineBench {
    private final LoadedModel model;
    private final ImageCodec codec;
    private final LongSupplier clock;

    EngineBench(LoadedModel model, ImageCodec codec, LongSupplier clock) {
        this.model = model;
        this.codec = codec;
        this.clock = clock;
    }

    /** A measurement: images per second of wall-clock time and per CPU-second of this process. */
    record Pace(double imagesPerSecond, double imagesPerCpuSecond) {}

    /**
     * Images per second at batch size b, over at least {@code images} images and at least
     * {@code minSeconds}, after one unmeasured batch.
     */
    double imagesPerSecond(int b, ImageSize size, int images, double minSeconds, List<String> prompts) {
        return pace(b, size, images, minSeconds, prompts).imagesPerSecond();
    }

    /** As {@link #imagesPerSecond}, with the CPU time this process used. */
    Pace pace(int b, ImageSize size, int images, double minSeconds, List<String> prompts) {
        round(b, size, prompts, 0);
        int done = 0;
        CpuShare cpu = CpuShare.start();
        long start = clock.getAsLong();
        long minNanos = (long) (minSeconds * 1e9);
        for (int r = 1; done < images || clock.getAsLong() - start < minNanos; r++) {
            done += round(b, size, prompts, r);
        }
        double seconds = (clock.getAsLong() - start) / 1e9;
        return new Pace(done / seconds, done / cpu.selfSecondsSinceStart());
    }

    /** One batch of b images from prompt to PNG; returns b. */
    private int round(int b, ImageSize size, List<String> prompts, int round) {
        ModelPipeline p = model.pipeline();
        List<PromptTokens> tokens = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            tokens.add(model.tokenizer().tokenize(prompts.get((round * b + i) % prompts.size())));
        }
        List<Conditioning> cond = new ArrayList<>();
        int encodeLimit = p.limits().encodeMaxBatch();
        for (int i = 0; i < b; i += encodeLimit) {
            cond.addAll(p.encode(tokens.subList(i, Math.min(b, i + encodeLimit))));
        }
        List<DenoiseItem> batch = new ArrayList<>(b);
        List<LatentState> states = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            LatentState s = p.initialLatent(size, 1000L * round + i);
            states.add(s);
            batch.add(new DenoiseItem(s, cond.get(i)));
        }
        while (!states.get(0).finished()) {
            p.denoise(batch);
        }
        int vae = p.limits().decodeMaxBatch();
        for (int i = 0; i < b; i += vae) {
            for (DecodedImage img : p.decode(states.subList(i, Math.min(b, i + vae)))) {
                codec.encodeFinal(img, ImageFormat.PNG);
            }
        }
        return b;
    }
}
