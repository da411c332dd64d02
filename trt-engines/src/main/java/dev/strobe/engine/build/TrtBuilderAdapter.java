package dev.strobe.engine.build;

import java.util.List;

/**
 * The native side of build-engine: parse the ONNX with TensorRT's ONNX parser, add the
 * optimisation profiles, configure precision / optimisation level / workspace / timing cache,
 * build the serialized plan and write it (and the updated timing cache). Everything before that
 * (argument parsing, shapes, the trtexec line, engine.json) is plain Java.
 *
 * <p>The real implementation is {@code javacpp.JavaCppTrtBuilder}; it throws
 * {@code TrtNativeException} with TensorRT's or the parser's words when something fails.
 */
public interface TrtBuilderAdapter {

    /** One network input or output as TensorRT sees it. */
    record Io(String name, String dataType, long[] shape) {
        public Io {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    /** What the build produced, for engine.json. */
    record Result(
            String tensorrtVersion,
            String gpuName,
            String computeCapability,
            long planBytes,
            List<Io> inputs,
            List<Io> outputs) {}

    Result build(BuildRequest request);
}
