package dev.strobe.engine.onnx;

import dev.strobe.engine.EngineException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The GPU execution provider an ONNX component asks for, mapped from its manifest options to
 * ONNX Runtime's provider option keys. Plain Java, so the mapping is unit-tested without a GPU;
 * {@link SessionOptionsFactory} hands the result to {@code OrtCUDAProviderOptions} /
 * {@code OrtTensorRTProviderOptions}.
 *
 * <p>Manifest keys (model.json {@code components.X.options}):
 * <ul>
 *   <li>{@code execution_provider}: cpu (default), cuda or tensorrt. tensorrt also registers CUDA
 *       after it, for the nodes TensorRT does not take;
 *   <li>{@code device_id} (default 0);
 *   <li>{@code fp16} (tensorrt only): trt_fp16_enable;
 *   <li>{@code trt_engine_cache_path}: enables TensorRT's engine cache in that folder;
 *   <li>{@code trt_timing_cache_path}: enables the timing cache in that folder;
 *   <li>{@code trt_profile_min_shapes}, {@code trt_profile_opt_shapes},
 *       {@code trt_profile_max_shapes}: all three or none, e.g.
 *       {@code sample:1x4x64x64,encoder_hidden_states:1x77x2048};
 *   <li>{@code trt_builder_optimization_level} (0..5), {@code trt_max_workspace_size_mb};
 *   <li>{@code cuda_graph} (true|false): enable_cuda_graph / trt_cuda_graph_enable;
 *   <li>{@code gpu_mem_limit_mb}, {@code cudnn_conv_algo_search} (exhaustive|heuristic|default):
 *       CUDA provider;
 *   <li>{@code trt.<key>} and {@code cuda.<key>}: passed to that provider verbatim (ONNX Runtime
 *       rejects keys it does not know).
 * </ul>
 */
public record ExecutionProviderConfig(
        Kind kind, int deviceId, Map<String, String> cudaOptions, Map<String, String> tensorrtOptions) {

    /** Which ONNX Runtime execution provider runs the component. */
    public enum Kind {
        CPU,
        CUDA,
        TENSORRT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern SHAPES = Pattern.compile("[^,:\\s]+:\\d+(x\\d+)*(,[^,:\\s]+:\\d+(x\\d+)*)*");

    public ExecutionProviderConfig {
        cudaOptions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cudaOptions));
        tensorrtOptions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensorrtOptions));
    }

    /** Maps manifest options; throws INVALID_MODEL with a sentence for bad values. */
    public static ExecutionProviderConfig from(Map<String, String> o) {
        String ep = o.getOrDefault("execution_provider", "cpu").trim().toLowerCase(Locale.ROOT);
        Kind kind = switch (ep) {
            case "cpu" -> Kind.CPU;
            case "cuda" -> Kind.CUDA;
            case "tensorrt" -> Kind.TENSORRT;
            default -> throw bad("unknown ONNX Runtime execution_provider '" + ep + "' (cpu, cuda or tensorrt)");
        };
        int device = integer(o, "device_id", 0, 0, Integer.MAX_VALUE);
        Map<String, String> cuda = new LinkedHashMap<>();
        Map<String, String> trt = new LinkedHashMap<>();
        if (kind == Kind.CPU) {
            return new ExecutionProviderConfig(kind, device, cuda, trt);
        }
        cuda.put("device_id", String.valueOf(device));
        if (o.containsKey("gpu_mem_limit_mb")) {
            cuda.put(
                    "gpu_mem_limit",
                    String.valueOf((long) integer(o, "gpu_mem_limit_mb", 0, 1, Integer.MAX_VALUE) << 20));
        }
        if (o.containsKey("cudnn_conv_algo_search")) {
            String s = o.get("cudnn_conv_algo_search").trim().toUpperCase(Locale.ROOT);
            if (!s.matches("EXHAUSTIVE|HEURISTIC|DEFAULT")) {
                throw bad("cudnn_conv_algo_search must be exhaustive, heuristic or default, got '"
                        + o.get("cudnn_conv_algo_search") + "'");
            }
            cuda.put("cudnn_conv_algo_search", s);
        }
        boolean graph = bool(o, "cuda_graph", false);
        boolean fp16 = bool(o, "fp16", false);
        if (kind == Kind.CUDA) {
            if (fp16) {
                throw bad("fp16 applies to execution_provider=tensorrt; with cuda, export the ONNX in float16 instead");
            }
            if (graph) {
                cuda.put("enable_cuda_graph", "1");
            }
        } else {
            trt.put("device_id", String.valueOf(device));
            if (fp16) {
                trt.put("trt_fp16_enable", "1");
            }
            if (graph) {
                trt.put("trt_cuda_graph_enable", "1");
            }
            path(o, "trt_engine_cache_path").ifPresent(p -> {
                trt.put("trt_engine_cache_enable", "1");
                trt.put("trt_engine_cache_path", p);
            });
            path(o, "trt_timing_cache_path").ifPresent(p -> {
                trt.put("trt_timing_cache_enable", "1");
                trt.put("trt_timing_cache_path", p);
            });
            profileShapes(o, trt);
            if (o.containsKey("trt_builder_optimization_level")) {
                trt.put(
                        "trt_builder_optimization_level",
                        String.valueOf(integer(o, "trt_builder_optimization_level", 3, 0, 5)));
            }
            if (o.containsKey("trt_max_workspace_size_mb")) {
                trt.put(
                        "trt_max_workspace_size",
                        String.valueOf((long) integer(o, "trt_max_workspace_size_mb", 0, 1, Integer.MAX_VALUE) << 20));
            }
        }
        o.forEach((k, v) -> {
            if (k.startsWith("cuda.") && k.length() > 5) {
                cuda.put(k.substring(5), v);
            } else if (k.startsWith("trt.") && k.length() > 4 && kind == Kind.TENSORRT) {
                trt.put(k.substring(4), v);
            }
        });
        return new ExecutionProviderConfig(kind, device, cuda, trt);
    }

    private static void profileShapes(Map<String, String> o, Map<String, String> trt) {
        String[] keys = {"trt_profile_min_shapes", "trt_profile_opt_shapes", "trt_profile_max_shapes"};
        int present = 0;
        for (String k : keys) {
            if (o.containsKey(k)) {
                present++;
                String v = o.get(k).replace(" ", "");
                if (!SHAPES.matcher(v).matches()) {
                    throw bad(k + " must look like sample:1x4x64x64,encoder_hidden_states:1x77x2048, got '" + o.get(k)
                            + "'");
                }
                trt.put(k, v);
            }
        }
        if (present != 0 && present != 3) {
            throw bad(
                    "give all three of trt_profile_min_shapes, trt_profile_opt_shapes and trt_profile_max_shapes, or none");
        }
    }

    private static java.util.Optional<String> path(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            return java.util.Optional.empty();
        }
        if (v.isBlank()) {
            throw bad(key + " is empty");
        }
        return java.util.Optional.of(v.trim());
    }

    private static int integer(Map<String, String> o, String key, int dflt, int min, int max) {
        String v = o.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(key + " must be an integer in " + min + ".." + max + ", got '" + v + "'");
    }

    private static boolean bool(Map<String, String> o, String key, boolean dflt) {
        String v = o.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw bad(key + " must be true or false, got '" + v + "'");
        };
    }

    private static EngineException bad(String message) {
        return new EngineException(EngineException.Kind.INVALID_MODEL, message);
    }
}
