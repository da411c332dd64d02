package dev.strobe.engine.tensorrt.javacpp;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;

/**
 * Loads the CUDA runtime, TensorRT and its ONNX parser through JavaCPP. JavaCPP extracts its JNI
 * glue from the jars into ~/.javacpp/cache and links it against the system's (or the redist
 * jars') libcuda.so.1, libcudart.so.13, libnvinfer.so.10 and libnvonnxparser.so.10.
 */
public final class JavaCppLibraries {
    private JavaCppLibraries() {}

    /** Throws a LinkageError (usually UnsatisfiedLinkError) naming the library that is missing. */
    public static void load() {
        Loader.load(cudart.class);
        Loader.load(nvinfer.class);
        Loader.load(nvonnxparser.class);
    }

    /** "10.15.1" from the loaded library (getInferLibVersion), not from the Java classes. */
    public static String tensorRtVersion() {
        return nvinfer.getInferLibMajorVersion() + "." + nvinfer.getInferLibMinorVersion() + "."
                + nvinfer.getInferLibPatchVersion();
    }
}
