package dev.strobe.engine.tensorrt;

import dev.strobe.engine.EngineException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Chooses, for one engine call, the optimisation profile(s) and the batch chunks to run.
 *
 * <p>The rule, in order:
 * <ol>
 *   <li>Only profiles whose ranges cover every non-batch dimension of every input are candidates
 *       (the image size must fit; no profile fits means UNSUPPORTED_INPUT naming the shapes and
 *       the profiles).
 *   <li>If candidates accept the whole batch B directly (minBatch &lt;= B &lt;= maxBatch), the one
 *       with the smallest buffers wins (sum over inputs of the elements of the max shape; ties go
 *       to the lower index). Small max shapes mean small device buffers and, usually, kernels
 *       tuned closer to the call's shape.
 *   <li>If B is above every candidate's maxBatch, the batch is split into
 *       ceil(B / largest maxBatch) chunks of nearly equal size, and each chunk is planned again by
 *       these rules (equal chunks avoid a tiny last chunk that would need padding).
 *   <li>If B is below every covering profile's minBatch, the batch is padded up to the smallest
 *       minBatch among the candidates that can hold B, with copies of the last item.
 * </ol>
 *
 * <p>Stateless; called by {@link TensorRtEngine} on the device thread.
 */
public final class BatchPlanner {
    private final List<TrtProfile> profiles;
    private final String source;

    public BatchPlanner(List<TrtProfile> profiles, String source) {
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException(source + " has no optimisation profile");
        }
        this.profiles = List.copyOf(profiles);
        this.source = source;
    }

    /**
     * Plans a call.
     *
     * @param shapes the shape of every input, by name
     * @param batch the batch size of the call (dimension 0 of the batched inputs)
     */
    public List<BatchChunk> plan(Map<String, long[]> shapes, int batch) {
        List<TrtProfile> candidates = new ArrayList<>();
        for (TrtProfile p : profiles) {
            if (p.coversItems(shapes)) {
                candidates.add(p);
            }
        }
        if (candidates.isEmpty()) {
            throw new EngineException(
                    EngineException.Kind.UNSUPPORTED_INPUT,
                    source + ": no optimisation profile covers inputs " + describe(shapes)
                            + "; profiles: " + describeProfiles()
                            + " (rebuild the engine with a profile for this size, e.g. build-engine --size)");
        }
        List<BatchChunk> out = new ArrayList<>();
        planInto(candidates, 0, batch, out);
        return out;
    }

    private void planInto(List<TrtProfile> candidates, int start, int batch, List<BatchChunk> out) {
        TrtProfile direct = candidates.stream()
                .filter(p -> p.minBatch() <= batch && batch <= p.maxBatch())
                .min(bySize())
                .orElse(null);
        if (direct != null) {
            out.add(new BatchChunk(direct, start, batch, batch));
            return;
        }
        int largestMax =
                candidates.stream().mapToInt(TrtProfile::maxBatch).max().orElseThrow();
        if (batch > largestMax) {
            int chunks = (batch + largestMax - 1) / largestMax;
            int base = batch / chunks;
            int extra = batch % chunks;
            int at = start;
            for (int i = 0; i < chunks; i++) {
                int n = base + (i < extra ? 1 : 0);
                planInto(candidates, at, n, out);
                at += n;
            }
            return;
        }
        // batch is below the minimum of every profile that could hold it: pad up
        TrtProfile pad = candidates.stream()
                .filter(p -> p.maxBatch() >= batch)
                .min(Comparator.comparingInt(TrtProfile::minBatch).thenComparing(bySize()))
                .orElseThrow();
        out.add(new BatchChunk(pad, start, batch, pad.minBatch()));
    }

    private static Comparator<TrtProfile> bySize() {
        return Comparator.comparingLong(TrtProfile::maxElements).thenComparingInt(TrtProfile::index);
    }

    private static String describe(Map<String, long[]> shapes) {
        StringJoiner j = new StringJoiner(", ");
        shapes.forEach((name, s) -> j.add(name + " " + Shapes.format(s)));
        return j.toString();
    }

    private String describeProfiles() {
        StringJoiner j = new StringJoiner("; ");
        profiles.forEach(p -> j.add(p.toString()));
        return j.toString();
    }
}
