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

    /**
     * The driver's and runtime's CUDA versions, the visible GPUs and the loaded TensorRT, read
     * straight from the libraries (cudaDriverGetVersion, cudaRuntimeGetVersion, cudaGetDeviceCount,
     * getInferLibVersion). Call after {@link #load}.
     */
    public static dev.strobe.engine.tensorrt.NativeVersions versions() {
        int[] driver = {0};
        int[] runtime = {0};
        int[] devices = {0};
        cudart.cudaDriverGetVersion(driver);
        cudart.cudaRuntimeGetVersion(runtime);
        int status = driver[0] > 0 ? cudart.cudaGetDeviceCount(devices) : cudart.cudaErrorInsufficientDriver;
        String name = status == cudart.cudaSuccess ? "cudaSuccess" : Cuda.errorText(status);
        return new dev.strobe.engine.tensorrt.NativeVersions(
                driver[0], runtime[0], name, devices[0], tensorRtVersion());
    }

    /** "10.15.1" from the loaded library (getInferLibVersion), not from the Java classes. */
    public static String tensorRtVersion() {
        return nvinfer.getInferLibMajorVersion() + "." + nvinfer.getInferLibMinorVersion() + "."
                + nvinfer.getInferLibPatchVersion();
    }
}
