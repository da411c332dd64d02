package dev.strobe.engine.tensorrt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One optimisation profile of an engine plan: the shape range of every input. Scalar inputs have
 * rank-0 ranges. The batch range is where the ranges of all batched inputs agree on dimension 0.
 */
public record TrtProfile(int index, Map<String, ShapeRange> inputs) {

    public TrtProfile {
        inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    public ShapeRange range(String input) {
        ShapeRange r = inputs.get(input);
        if (r == null) {
            throw new IllegalArgumentException("profile " + index + " has no input " + input);
        }
        return r;
    }

    /** Smallest batch every batched input accepts; 1 when no input is batched. */
    public int minBatch() {
        long b = 1;
        for (ShapeRange r : inputs.values()) {
            if (r.rank() > 0) {
                b = Math.max(b, r.min(0));
            }
        }
        return Math.toIntExact(b);
    }

    /** Largest batch every batched input accepts; 1 when no input is batched. */
    public int maxBatch() {
        long b = Long.MAX_VALUE;
        for (ShapeRange r : inputs.values()) {
            if (r.rank() > 0) {
                b = Math.min(b, r.max(0));
            }
        }
        return b == Long.MAX_VALUE ? 1 : Math.toIntExact(b);
    }

    /**
     * Whether the non-batch dimensions of every input fit this profile (rank-0 inputs always fit;
     * dimension 0 of batched inputs is left to the batch planner).
     */
    public boolean coversItems(Map<String, long[]> shapes) {
        for (Map.Entry<String, ShapeRange> e : inputs.entrySet()) {
            long[] s = shapes.get(e.getKey());
            if (s == null || !e.getValue().covers(s, e.getValue().rank() > 0 ? 1 : 0)) {
                return false;
            }
        }
        return true;
    }

    /** Elements of all inputs at the max shapes: the cost used to prefer small profiles. */
    public long maxElements() {
        long n = 0;
        for (ShapeRange r : inputs.values()) {
            n = Math.addExact(n, r.maxElements());
        }
        return n;
    }

    /** The same bounds in the backend-neutral form of {@code EngineInfo}. */
    public dev.strobe.engine.InputProfile toInputProfile() {
        Map<String, dev.strobe.engine.InputProfile.Bounds> b = new LinkedHashMap<>();
        inputs.forEach((name, r) -> b.put(name, new dev.strobe.engine.InputProfile.Bounds(r.min(), r.max())));
        return new dev.strobe.engine.InputProfile(index, b);
    }

    /** {@code #0 sample 1x4x64x64..8x4x192x192, timestep 1..8} for messages. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "#" + index + " ", "");
        inputs.forEach((name, r) -> j.add(name + " " + r));
        return j.toString();
    }
}
