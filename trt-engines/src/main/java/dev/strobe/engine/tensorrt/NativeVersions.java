package dev.strobe.engine.tensorrt;

import java.util.Optional;

/**
 * The versions the loaded native libraries report, read before any plan is touched, so that a
 * driver or library mismatch is named as such instead of surfacing later as a failed
 * cudaSetDevice or an "incompatible plan".
 *
 * <p>CUDA versions are encoded as CUDA does ({@code 1000 * major + 10 * minor}, e.g. 13010 for
 * 13.1); the driver's is the newest CUDA it supports ({@code cudaDriverGetVersion}, 0 when no
 * driver is loaded), the runtime's is libcudart's ({@code cudaRuntimeGetVersion}).
 *
 * @param driverCuda cudaDriverGetVersion
 * @param runtimeCuda cudaRuntimeGetVersion
 * @param deviceCountStatus the CUDA error name of cudaGetDeviceCount ("cudaSuccess" when it worked)
 * @param deviceCount cudaGetDeviceCount's answer (0 when it failed)
 * @param tensorRt the loaded libnvinfer's version, e.g. "10.15.1" (getInferLibVersion)
 */
public record NativeVersions(
        int driverCuda, int runtimeCuda, String deviceCountStatus, int deviceCount, String tensorRt) {

    /** CUDA major version the JavaCPP glue (org.bytedeco:cuda 13.1-9.19-1.5.13) is built against. */
    public static final int CUDA_MAJOR = 13;
    /** The newest CUDA runtime of the JNI glue, for messages: 13.1. */
    public static final String CUDA_BUILT = "13.1";
    /** The first driver branch that runs CUDA 13. */
    public static final String DRIVER_BRANCH = "r580";
    /** TensorRT version the JNI glue (org.bytedeco:tensorrt 10.15-1.5.13) is built against. */
    public static final int TRT_MAJOR = 10;

    public static final int TRT_MINOR = 15;

    /** "13.1" from 13010. */
    public static String cuda(int version) {
        return version / 1000 + "." + (version % 1000) / 10;
    }

    /**
     * What cannot work, as one sentence naming the missing or too old piece and what to install,
     * checked in the order the stack depends on it: driver, CUDA runtime, GPU, TensorRT. Empty
     * when everything fits.
     */
    public Optional<String> problem() {
        if (driverCuda <= 0) {
            return Optional.of("no NVIDIA driver is loaded (cudaDriverGetVersion reports none); install the NVIDIA"
                    + " driver " + DRIVER_BRANCH + " or newer and check that nvidia-smi works");
        }
        if (driverCuda / 1000 < CUDA_MAJOR) {
            return Optional.of("the NVIDIA driver supports CUDA " + cuda(driverCuda) + " only, but strobe's JNI glue"
                    + " uses the CUDA " + CUDA_BUILT + " runtime (libcudart.so." + CUDA_MAJOR + "); install the NVIDIA"
                    + " driver " + DRIVER_BRANCH + " or newer (nvidia-smi shows the installed driver and its CUDA"
                    + " version)");
        }
        if (runtimeCuda / 1000 != CUDA_MAJOR) {
            return Optional.of("the CUDA runtime on LD_LIBRARY_PATH is " + cuda(runtimeCuda) + ", but strobe's JNI"
                    + " glue needs CUDA " + CUDA_MAJOR + ".x (libcudart.so." + CUDA_MAJOR + "); install the CUDA "
                    + CUDA_MAJOR + " runtime or build strobe with -Ptensorrt-redist");
        }
        if (!"cudaSuccess".equals(deviceCountStatus) || deviceCount < 1) {
            return Optional.of("no CUDA GPU is visible (cudaGetDeviceCount: " + deviceCountStatus + ", " + deviceCount
                    + " devices); check nvidia-smi, CUDA_VISIBLE_DEVICES and, in a container, the GPU runtime"
                    + " (--gpus all)");
        }
        int[] trt = parse(tensorRt);
        if (trt[0] != TRT_MAJOR || trt[1] < TRT_MINOR) {
            return Optional.of("TensorRT " + tensorRt + " is loaded, but strobe's JNI glue is built for TensorRT "
                    + TRT_MAJOR + "." + TRT_MINOR + " and needs " + TRT_MAJOR + "." + TRT_MINOR + " or a newer "
                    + TRT_MAJOR + ".x (libnvinfer.so." + TRT_MAJOR + "); install it or build strobe with"
                    + " -Ptensorrt-redist");
        }
        return Optional.empty();
    }

    /** One line for the start-up log. */
    public String describe() {
        return "TensorRT " + tensorRt + ", CUDA runtime " + cuda(runtimeCuda) + ", driver for CUDA " + cuda(driverCuda)
                + ", " + deviceCount + " GPU(s)";
    }

    private static int[] parse(String v) {
        String[] p = v.split("\\.");
        try {
            return new int[] {Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 0};
        } catch (NumberFormatException e) {
            return new int[] {-1, -1};
        }
    }
}
