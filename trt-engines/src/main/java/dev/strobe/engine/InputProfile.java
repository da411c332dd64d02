package dev.strobe.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One set of shape bounds an engine accepts, for every input (a TensorRT optimisation profile):
 * an input's shape must lie between {@link Bounds#min} and {@link Bounds#max} in every dimension.
 * An engine with several profiles accepts a call when one of them covers it. Engines without
 * profiles (ONNX Runtime) report none and accept any shape that fits their dynamic dimensions.
 *
 * <p>The server reads these at load time to serve only image sizes every component can run.
 */
public record InputProfile(int index, Map<String, Bounds> inputs) {

    /** min and max shape of one input; both have the input's rank. */
    public record Bounds(long[] min, long[] max) {
        public Bounds {
            min = min.clone();
            max = max.clone();
            if (min.length != max.length) {
                throw new IllegalArgumentException("min and max shapes differ in rank");
            }
        }

        @Override
        public long[] min() {
            return min.clone();
        }

        @Override
        public long[] max() {
            return max.clone();
        }

        public int rank() {
            return min.length;
        }

        /** Whether {@code value} lies in dimension {@code dim}'s range. */
        public boolean covers(int dim, long value) {
            return min[dim] <= value && value <= max[dim];
        }
    }

    public InputProfile {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    /** The bounds of an input, or null when the profile does not name it. */
    public Bounds bounds(String input) {
        return inputs.get(input);
    }

    /** {@code #0 sample 1x4x64x64..8x4x192x192}, as in error messages. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "#" + index + " ", "");
        inputs.forEach((name, b) -> j.add(name + " " + shape(b.min) + ".." + shape(b.max)));
        return j.toString();
    }

    private static String shape(long[] s) {
        StringJoiner j = new StringJoiner("x");
        for (long d : s) {
            j.add(Long.toString(d));
        }
        return s.length == 0 ? "scalar" : j.toString();
    }
}
