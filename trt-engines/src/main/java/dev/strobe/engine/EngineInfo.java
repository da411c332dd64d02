package dev.strobe.engine;

import java.util.List;
import java.util.Optional;

/**
 * What a loaded engine accepts and produces.
 *
 * @param backend name of the backend that runs it, e.g. "onnxruntime" or "tensorrt"
 * @param inputs the inputs, by name, with dynamic dimensions as -1
 * @param outputs the outputs
 * @param maxBatch the largest batch one call accepts (from a TensorRT profile or configuration)
 * @param minBatch the smallest batch one call accepts (callers pad up to it; 1 for most engines)
 * @param profiles the shape bounds the engine accepts (TensorRT optimisation profiles); empty when
 *     any shape that fits the dynamic dimensions runs
 */
public record EngineInfo(
        String backend,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        int maxBatch,
        int minBatch,
        List<InputProfile> profiles) {

    public EngineInfo {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        profiles = List.copyOf(profiles);
        if (maxBatch < 1 || minBatch < 1 || minBatch > maxBatch) {
            throw new IllegalArgumentException("batch bounds " + minBatch + ".." + maxBatch);
        }
    }

    /** An engine without shape profiles. */
    public EngineInfo(String backend, List<TensorSpec> inputs, List<TensorSpec> outputs, int maxBatch, int minBatch) {
        this(backend, inputs, outputs, maxBatch, minBatch, List.of());
    }

    public Optional<TensorSpec> input(String name) {
        return inputs.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<TensorSpec> output(String name) {
        return outputs.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Returns a copy with another max batch (configuration may lower what the engine allows). */
    public EngineInfo withMaxBatch(int newMax) {
        return new EngineInfo(backend, inputs, outputs, newMax, Math.min(minBatch, newMax), profiles);
    }
}
