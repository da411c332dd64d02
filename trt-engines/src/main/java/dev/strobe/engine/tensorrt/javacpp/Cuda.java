package dev.strobe.engine.tensorrt.javacpp;

import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorName;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import dev.strobe.engine.tensorrt.TrtNativeException;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.javacpp.BytePointer;

/** CUDA runtime status checks and device description, shared by the runtime and build adapters. */
public final class Cuda {
    private Cuda() {}

    /** Throws with "what failed: cudaErrorX (text)" unless {@code status} is cudaSuccess. */
    public static void check(int status, String what) {
        if (status != cudaSuccess) {
            throw new TrtNativeException(what + " failed: " + errorText(status));
        }
    }

    public static String errorText(int status) {
        BytePointer name = cudaGetErrorName(status);
        BytePointer text = cudaGetErrorString(status);
        return (name == null ? "cudaError " + status : name.getString()) + " ("
                + (text == null ? "no description" : text.getString()) + ")";
    }

    /** "NVIDIA L4 (compute 8.9, 22 GiB)". */
    public static String describeDevice(int device) {
        try (cudaDeviceProp prop = new cudaDeviceProp()) {
            check(cudaGetDeviceProperties(prop, device), "cudaGetDeviceProperties(" + device + ")");
            return prop.name().getString() + " (compute " + prop.major() + "." + prop.minor() + ", "
                    + (prop.totalGlobalMem() >> 30) + " GiB)";
        }
    }

    /** "8.9". */
    public static String computeCapability(int device) {
        try (cudaDeviceProp prop = new cudaDeviceProp()) {
            check(cudaGetDeviceProperties(prop, device), "cudaGetDeviceProperties(" + device + ")");
            return prop.major() + "." + prop.minor();
        }
    }

    /** The device name alone. */
    public static String deviceName(int device) {
        try (cudaDeviceProp prop = new cudaDeviceProp()) {
            check(cudaGetDeviceProperties(prop, device), "cudaGetDeviceProperties(" + device + ")");
            return prop.name().getString();
        }
    }
}
