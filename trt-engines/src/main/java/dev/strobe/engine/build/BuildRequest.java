package dev.strobe.engine.build;

import dev.strobe.engine.tensorrt.ShapeRange;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything a TensorRT engine build needs, decided in plain Java before any native call.
 *
 * @param profiles one map per optimisation profile: input name to min/opt/max shapes
 * @param optLevel IBuilderConfig::setBuilderOptimizationLevel (0..5; TensorRT's default is 3)
 * @param workspaceMb the kWORKSPACE memory pool limit
 */
public record BuildRequest(
        Path onnx,
        Path plan,
        List<Map<String, ShapeRange>> profiles,
        Precision precision,
        OptionalInt optLevel,
        OptionalInt workspaceMb,
        Optional<Path> timingCache,
        int deviceId) {

    public BuildRequest {
        profiles = profiles.stream()
                .map(m -> java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m)))
                .toList();
    }
}
