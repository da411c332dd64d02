package dev.strobe.engine.tensorrt;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the errors JavaCPP's Loader throws when a native library is absent
 * (UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError, nested) into one line
 * that names the missing library and says how to get it.
 *
 * <p>The first failed load carries the precise cause ("libcuda.so.1: cannot open shared object
 * file"); later attempts in the same JVM only say "Could not initialize class ...cudart", so the
 * whole cause chain is searched and JNI library names are mapped back to what they need.
 */
public final class MissingLibraries {
    private static final Pattern SHARED_OBJECT =
            Pattern.compile("([A-Za-z0-9_.+-]+\\.so[0-9.]*): cannot open shared object file");
    private static final Pattern JNI_NAME = Pattern.compile("no (jni[A-Za-z0-9_]+) in java\\.library\\.path");
    private static final Pattern UNDEFINED = Pattern.compile("undefined symbol: ([A-Za-z0-9_]+)");
    private static final Pattern NO_CLASS = Pattern.compile("(org\\.bytedeco\\.[A-Za-z0-9_.]+)");

    /** How to fix it; ends every line. */
    public static final String HOW_TO_FIX = "install the NVIDIA driver (r580+), the CUDA 13 runtime and TensorRT 10.15"
            + " (what org.bytedeco:tensorrt 10.15-1.5.13 is built against) and put their lib folders on LD_LIBRARY_PATH, or build strobe with `mvn -Ptensorrt-redist package`"
            + " to bundle TensorRT and the CUDA runtime (the driver must still come from the machine)";

    private MissingLibraries() {}

    /** One line: "TensorRT backend unavailable: <what is missing>; <how to fix>". */
    public static String describe(Throwable t) {
        return "TensorRT backend unavailable: " + missing(t) + "; " + HOW_TO_FIX;
    }

    /** The missing piece, as precisely as the cause chain tells. */
    public static String missing(Throwable t) {
        String jni = null;
        String noClass = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = String.valueOf(c.getMessage());
            Matcher so = SHARED_OBJECT.matcher(m);
            if (so.find()) {
                return so.group(1) + " not found (" + whatIs(so.group(1)) + ")";
            }
            Matcher u = UNDEFINED.matcher(m);
            if (u.find()) {
                return "a library on LD_LIBRARY_PATH lacks symbol " + u.group(1)
                        + " (TensorRT or CUDA older than the JNI glue expects)";
            }
            Matcher j = JNI_NAME.matcher(m);
            if (j.find() && jni == null) {
                jni = j.group(1);
            }
            if (c instanceof NoClassDefFoundError) {
                Matcher n = NO_CLASS.matcher(m);
                if (n.find() && noClass == null) {
                    noClass = n.group(1);
                }
            }
        }
        if (jni != null) {
            return "native library " + jni + " could not be loaded (" + needsOf(jni) + ")";
        }
        if (noClass != null && !noClass.contains(".global.")) {
            return "JavaCPP class " + noClass + " is missing from the classpath (org.bytedeco:tensorrt / cuda jars)";
        }
        if (noClass != null) {
            return "native library behind " + noClass + " could not be loaded (" + needsOf(noClass) + ")";
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String whatIs(String lib) {
        if (lib.startsWith("libcuda.so")) {
            return "NVIDIA driver";
        }
        if (lib.startsWith("libcudart")) {
            return "CUDA runtime";
        }
        if (lib.startsWith("libnvinfer_plugin")) {
            return "TensorRT plugins";
        }
        if (lib.startsWith("libnvinfer")) {
            return "TensorRT";
        }
        if (lib.startsWith("libnvonnxparser")) {
            return "TensorRT ONNX parser";
        }
        if (lib.startsWith("libcudnn") || lib.startsWith("libcublas")) {
            return "CUDA math library";
        }
        return "native dependency";
    }

    private static String needsOf(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.contains("cudart")) {
            return "needs libcuda.so.1 from the NVIDIA driver and libcudart.so.13";
        }
        if (n.contains("onnxparser")) {
            return "needs libnvonnxparser.so.10";
        }
        if (n.contains("nvinfer")) {
            return "needs libnvinfer.so.10";
        }
        return "see the TensorRT section of trt-engines/README.md";
    }
}
