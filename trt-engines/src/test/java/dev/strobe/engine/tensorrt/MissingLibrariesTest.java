package dev.strobe.engine.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MissingLibrariesTest {
    @Test
    void namesTheSharedObjectFromTheDeepestCause() {
        UnsatisfiedLinkError root = new UnsatisfiedLinkError(
                "/root/.javacpp/cache/cuda.jar/org/bytedeco/cuda/linux-x86_64/libjnicudart.so: libcudart.so.13: cannot open shared object file: No such file or directory");
        UnsatisfiedLinkError top = new UnsatisfiedLinkError("no jnicudart in java.library.path: /usr/lib");
        top.initCause(root);
        String line = MissingLibraries.describe(top);
        assertTrue(line.startsWith("TensorRT backend unavailable: libcudart.so.13 not found (CUDA runtime); "), line);
        assertTrue(line.endsWith(MissingLibraries.HOW_TO_FIX));
        assertFalse(line.contains("\n"));
    }

    @Test
    void recognisesEachNativePiece() {
        assertEquals(
                "libcuda.so.1 not found (NVIDIA driver)",
                MissingLibraries.missing(new UnsatisfiedLinkError(
                        "x.so: libcuda.so.1: cannot open shared object file: No such file or directory")));
        assertEquals(
                "libnvinfer.so.10 not found (TensorRT)",
                MissingLibraries.missing(
                        new UnsatisfiedLinkError("x.so: libnvinfer.so.10: cannot open shared object file")));
        assertEquals(
                "libnvonnxparser.so.10 not found (TensorRT ONNX parser)",
                MissingLibraries.missing(
                        new UnsatisfiedLinkError("x.so: libnvonnxparser.so.10: cannot open shared object file")));
    }

    @Test
    void anOlderTensorRtIsNamedByItsMissingSymbol() {
        String m = MissingLibraries.missing(
                new UnsatisfiedLinkError(
                        "/root/.javacpp/cache/t.jar/libjninvinfer.so: undefined symbol: _ZN8nvinfer18IRuntime11loadRuntimeEPKc"));
        assertTrue(m.contains("lacks symbol _ZN8nvinfer18IRuntime11loadRuntimeEPKc"), m);
        assertTrue(m.contains("older than the JNI glue expects"), m);
    }

    @Test
    void aSecondAttemptInTheSameJvmStillSaysWhatIsNeeded() {
        // what JavaCPP throws after its first failure: the class stays uninitialised
        ExceptionInInitializerError first = new ExceptionInInitializerError(
                "Exception java.lang.UnsatisfiedLinkError: no jnicudart in java.library.path: /usr/lib [in thread \"main\"]");
        NoClassDefFoundError again =
                new NoClassDefFoundError("Could not initialize class org.bytedeco.cuda.global.cudart");
        again.initCause(first);
        String m = MissingLibraries.missing(again);
        assertTrue(m.contains("jnicudart"), m);
        assertTrue(m.contains("libcuda.so.1") && m.contains("libcudart.so.13"), m);
    }

    @Test
    void absentJavaCppClassesAreReportedAsAClasspathProblem() {
        String m = MissingLibraries.missing(new NoClassDefFoundError("org/bytedeco/tensorrt/nvinfer/ILogger"));
        assertTrue(m.contains("classpath") || m.contains("NoClassDefFoundError"), m);
    }
}
