package dev.strobe.scheduler;

import dev.strobe.pipeline.Conditioning;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.DenoiseItem;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.LatentState;
import dev.strobe.pipeline.ModelStages;
import dev.strobe.pipeline.PromptTokens;
import dev.strobe.pipeline.StageLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * A model whose stages record what they were asked to do. Each request is identified by the first
 * prompt token (ids1[1]); its conditioning carries that id, so a UNet call can be described as
 * "request id @ timestep" per batch item. Every call advances the fake clock by a fixed cost.
 */
final class FakeModel implements ModelStages {
    /** One UNet call: for each item, the request id and the timestep it was at. */
    record Call(List<Integer> ids, List<Double> timesteps, int latentHeight, int latentWidth) {}

    final List<Call> unetCalls = new ArrayList<>();
    final List<List<Integer>> encodeCalls = new ArrayList<>();
    final List<Integer> decodeBatchSizes = new ArrayList<>();
    private final StageLimits limits;
    private final int steps;
    private final FakeClock clock;
    RuntimeException failNextUnet;
    /** Runs halfway through every UNet call (a client arriving while the device is busy). */
    Runnable duringUnet = () -> {};
    /** For each image seed, the number of UNet calls so far when it took its last step. */
    final java.util.Map<Long, Integer> finishedAtCall = new java.util.HashMap<>();
    /** For each image seed, the number of UNet calls so far when the VAE decoded it. */
    final java.util.Map<Long, Integer> decodedAtCall = new java.util.HashMap<>();
    /** Images whose seed is listed decode to NaN, as an overflowing fp16 VAE does. */
    final java.util.Set<Long> nanSeeds = new java.util.HashSet<>();

    FakeModel(StageLimits limits, int steps, FakeClock clock) {
        this.limits = limits;
        this.steps = steps;
        this.clock = clock;
    }

    static PromptTokens prompt(int id) {
        long[] ids = new long[77];
        ids[0] = 49406;
        ids[1] = id;
        ids[2] = 49407;
        return new PromptTokens(ids, ids.clone(), 1, false);
    }

    @Override
    public StageLimits limits() {
        return limits;
    }

    @Override
    public List<Conditioning> encode(List<PromptTokens> prompts) {
        List<Integer> ids = new ArrayList<>();
        List<Conditioning> out = new ArrayList<>();
        for (PromptTokens p : prompts) {
            ids.add((int) p.ids1()[1]);
            out.add(new Conditioning(new float[] {p.ids1()[1]}, new float[] {0}));
        }
        encodeCalls.add(ids);
        clock.advanceMillis(5);
        return out;
    }

    @Override
    public LatentState initialLatent(ImageSize size, long seed) {
        double[] t = new double[steps];
        float[] sigmas = new float[steps + 1];
        for (int k = 0; k < steps; k++) {
            t[k] = Math.rint(1000 - k * 1000.0 / steps) - 1;
            sigmas[k] = steps - k;
        }
        float[] x = new float[4 * (size.height() / 8) * (size.width() / 8)];
        x[0] = seed;
        return new LatentState(size, 4, 8, x, t, sigmas);
    }

    @Override
    public void denoise(List<DenoiseItem> batch) {
        if (failNextUnet != null) {
            RuntimeException e = failNextUnet;
            failNextUnet = null;
            throw e;
        }
        List<Integer> ids = new ArrayList<>();
        List<Double> ts = new ArrayList<>();
        for (DenoiseItem item : batch) {
            ids.add((int) item.conditioning().hiddenStates()[0]);
            ts.add(item.state().timestep());
            item.state().x0()[0] = item.state().stepsDone() + 1;
            item.state().advance();
        }
        LatentState s = batch.get(0).state();
        unetCalls.add(new Call(ids, ts, s.latentHeight(), s.latentWidth()));
        for (DenoiseItem item : batch) {
            if (item.state().finished()) {
                finishedAtCall.put((long) item.state().x()[0], unetCalls.size());
            }
        }
        clock.advanceMillis(50);
        duringUnet.run();
        clock.advanceMillis(50);
    }

    @Override
    public List<DecodedImage> decode(List<LatentState> finished) {
        decodeBatchSizes.add(finished.size());
        List<DecodedImage> out = new ArrayList<>();
        for (LatentState s : finished) {
            decodedAtCall.put((long) s.x()[0], unetCalls.size());
            float v = nanSeeds.contains((long) s.x()[0]) ? Float.NaN : 0f;
            out.add(new DecodedImage(new float[] {v, v, v}, 0, 1, 1));
        }
        clock.advanceMillis(50);
        return out;
    }
}
