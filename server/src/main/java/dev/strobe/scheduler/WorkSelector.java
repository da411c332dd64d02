package dev.strobe.scheduler;

import dev.strobe.pipeline.StageLimits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Picks the next batch of each stage. Pure functions of the queues and the time, so the policies
 * can be tested without threads.
 *
 * <p>Policies:
 * <ul>
 *   <li>Encode: requests in arrival order; a batch holds requests of the oldest request's model,
 *       while their images fit into the active set (first come, first served, no overtaking).
 *   <li>Denoise: images are grouped by (model, latent shape) and, for a scalar-timestep UNet, by
 *       timestep. Within a group the {@link DenoiseOrder} picks who fills the batch: the oldest
 *       requests, or (the default) up to half of the batch for images that have not taken a step
 *       yet and the rest for the oldest running ones (the bound is in {@link DenoiseOrder}). Among
 *       groups, the one that has waited longest for a call goes first: since its last call, or
 *       since its oldest image became ready if it had none (an image passed over in a call of its
 *       group waits from then on, see {@link #groupOf}). A group waits at most one call per other
 *       group that was ready before it, so no shape starves however the load mixes (two busy
 *       shapes alternate).
 *   <li>Decode: finished images in order of finishing, grouped by (model, image size).
 * </ul>
 * A batch smaller than its limit runs at once unless the stage has a max wait and the oldest
 * item has waited less than that.
 */
final class WorkSelector {
    private static final Comparator<ImageJob> OLDEST_FIRST =
            Comparator.comparingLong(ImageJob::arrival).thenComparingInt(j -> j.index);

    private final BatcherConfig config;
    private final Function<String, StageLimits> limits;

    WorkSelector(BatcherConfig config, Function<String, StageLimits> limits) {
        this.config = config;
        this.limits = limits;
    }

    int encodeLimit(String model) {
        return Math.min(config.encode().maxBatch(), limits.apply(model).encodeMaxBatch());
    }

    int denoiseLimit(String model) {
        return Math.min(config.denoise().maxBatch(), limits.apply(model).denoiseMaxBatch());
    }

    int decodeLimit(String model) {
        return Math.min(config.decode().maxBatch(), limits.apply(model).decodeMaxBatch());
    }

    /**
     * Requests to encode now, or an empty list.
     *
     * @param activeImages images already between encoding and delivery
     */
    List<Generation> encodeBatch(Deque<Generation> queue, int activeImages, long now) {
        Generation oldest = queue.peekFirst();
        if (oldest == null) {
            return List.of();
        }
        String model = oldest.spec().model();
        int limit = encodeLimit(model);
        int room = config.maxActiveImages() - activeImages;
        List<Generation> batch = new ArrayList<>();
        for (Generation g : queue) {
            if (batch.size() == limit) {
                break;
            }
            if (!g.spec().model().equals(model)) {
                continue;
            }
            if (g.spec().numImages() > room) {
                break; // keep arrival order: nobody overtakes a request that does not fit yet
            }
            room -= g.spec().numImages();
            batch.add(g);
        }
        if (batch.isEmpty() || !due(batch.size(), limit, oldest.spec().arrivalNanos(), config.encode(), now)) {
            return List.of();
        }
        return batch;
    }

    /** Images for the next UNet call, or an empty list. */
    List<ImageJob> denoiseBatch(List<ImageJob> active, long now) {
        if (active.isEmpty()) {
            return List.of();
        }
        Map<GroupKey, List<ImageJob>> groups = new LinkedHashMap<>();
        for (ImageJob j : active) {
            groups.computeIfAbsent(groupKey(j), k -> new ArrayList<>()).add(j);
        }
        List<ImageJob> best = null;
        long bestSince = Long.MAX_VALUE;
        for (List<ImageJob> group : groups.values()) {
            group.sort(OLDEST_FIRST);
            int limit = denoiseLimit(group.get(0).model());
            List<ImageJob> batch = group.size() <= limit ? group : fill(group, limit);
            long since = Long.MAX_VALUE;
            for (ImageJob j : batch) {
                since = Math.min(since, j.readySince);
            }
            if (since < bestSince || (since == bestSince && OLDEST_FIRST.compare(batch.get(0), best.get(0)) < 0)) {
                best = batch;
                bestSince = since;
            }
        }
        int limit = denoiseLimit(best.get(0).model());
        if (!due(best.size(), limit, bestSince, config.denoise(), now)) {
            return List.of();
        }
        return new ArrayList<>(best);
    }

    /**
     * The images of a group (sorted oldest first, larger than the limit) that fill one call,
     * oldest first.
     */
    private List<ImageJob> fill(List<ImageJob> group, int limit) {
        int firstStepSlots = config.denoiseOrder() == DenoiseOrder.FIRST_STEP ? limit / 2 : 0;
        if (firstStepSlots == 0) {
            return group.subList(0, limit);
        }
        List<ImageJob> fresh = new ArrayList<>();
        List<ImageJob> running = new ArrayList<>();
        for (ImageJob j : group) {
            (j.state.stepsDone() == 0 ? fresh : running).add(j);
        }
        int freshTaken = Math.min(firstStepSlots, fresh.size());
        int runningTaken = Math.min(running.size(), limit - freshTaken);
        // Slots the running images cannot use go to further new images.
        freshTaken = Math.min(fresh.size(), limit - runningTaken);
        List<ImageJob> batch = new ArrayList<>(limit);
        batch.addAll(fresh.subList(0, freshTaken));
        batch.addAll(running.subList(0, runningTaken));
        batch.sort(OLDEST_FIRST);
        return batch;
    }

    /**
     * The images of {@code active} that may share a UNet call with {@code member} (its group,
     * {@code member} included). The device loop restarts their wait after each call of the group,
     * so a group that had a call waits behind the groups that did not.
     */
    List<ImageJob> groupOf(List<ImageJob> active, ImageJob member) {
        GroupKey key = groupKey(member);
        List<ImageJob> out = new ArrayList<>();
        for (ImageJob j : active) {
            if (groupKey(j).equals(key)) {
                out.add(j);
            }
        }
        return out;
    }

    /** Finished images for the next VAE call, or an empty list. */
    List<ImageJob> decodeBatch(Deque<ImageJob> queue, long now) {
        ImageJob oldest = queue.peekFirst();
        if (oldest == null) {
            return List.of();
        }
        int limit = decodeLimit(oldest.model());
        List<ImageJob> batch = new ArrayList<>();
        for (ImageJob j : queue) {
            if (batch.size() == limit) {
                break;
            }
            if (j.model().equals(oldest.model()) && j.state.size().equals(oldest.state.size())) {
                batch.add(j);
            }
        }
        if (!due(batch.size(), limit, oldest.readySince, config.decode(), now)) {
            return List.of();
        }
        return batch;
    }

    /**
     * When a stage that is waiting for a fuller batch becomes due at the latest, given the
     * oldest waiting item's timestamp; {@link Long#MAX_VALUE} when nothing waits.
     */
    static long dueAt(long oldestSince, StagePolicy policy) {
        return oldestSince + policy.maxWait().toNanos();
    }

    private static boolean due(int size, int limit, long oldestSince, StagePolicy policy, long now) {
        return size >= limit || now - oldestSince >= policy.maxWait().toNanos();
    }

    private GroupKey groupKey(ImageJob j) {
        boolean perSample = limits.apply(j.model()).perSampleTimestep();
        return new GroupKey(
                j.model(), j.state.latentHeight(), j.state.latentWidth(), perSample ? Double.NaN : j.state.timestep());
    }

    /**
     * Images that may share one UNet call. NaN timestep means "any timestep" (record equality
     * compares doubles with Double.compare, so NaN equals NaN).
     */
    private record GroupKey(String model, int height, int width, double timestep) {}
}
