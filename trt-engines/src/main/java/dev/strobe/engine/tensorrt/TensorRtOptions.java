package dev.strobe.engine.tensorrt;

import dev.strobe.engine.EngineException;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The manifest options of a component served by the "tensorrt" engine (model.json
 * {@code components.unet.options}):
 * <ul>
 *   <li>{@code device_id} (default 0): the CUDA device;
 *   <li>{@code max_batch}: lowers the engine's max batch (never raises it above the profiles);
 *   <li>{@code cuda_graphs} (true|false, default false): capture and replay CUDA graphs per
 *       profile and input shapes;
 *   <li>{@code cuda_graph_cache} (default 32): how many graphs to keep;
 *   <li>{@code preallocate} (true|false, default true): allocate every profile's buffers at load
 *       time, so running out of GPU memory shows at startup rather than on a request.
 * </ul>
 */
public record TensorRtOptions(
        int deviceId, OptionalInt maxBatch, boolean cudaGraphs, int cudaGraphCache, boolean preallocate) {

    public static TensorRtOptions parse(Map<String, String> options) {
        return new TensorRtOptions(
                integer(options, "device_id", 0, 0),
                options.containsKey("max_batch")
                        ? OptionalInt.of(integer(options, "max_batch", 0, 1))
                        : OptionalInt.empty(),
                bool(options, "cuda_graphs", false),
                integer(options, "cuda_graph_cache", 32, 1),
                bool(options, "preallocate", true));
    }

    private static int integer(Map<String, String> o, String key, int dflt, int min) {
        String v = o.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= min) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new EngineException(
                EngineException.Kind.INVALID_MODEL,
                "tensorrt option " + key + " must be an integer >= " + min + ", got '" + v + "'");
    }

    private static boolean bool(Map<String, String> o, String key, boolean dflt) {
        String v = o.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default ->
                throw new EngineException(
                        EngineException.Kind.INVALID_MODEL,
                        "tensorrt option " + key + " must be true or false, got '" + v + "'");
        };
    }
}
