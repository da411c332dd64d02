package dev.strobe.engine.djltrt;

import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.EngineProvider;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point of the legacy "djl-tensorrt" engine (DJL's TensorRT 8.4 engine, static shapes).
 * Its implementation is compiled only with {@code -Pdjl_tensorrt}; {@link #provider()} returns
 * it when present, or a provider whose {@code load} fails with one MISSING_LIBRARY line, so the
 * server can always register the name and a manifest asking for it gets a clear answer.
 *
 * <p>Why legacy: static shapes (one batch size and resolution per plan), inputs bound by
 * position, TensorRT 8.4 only, and a CUDA error inside DJL's native code aborts the JVM. Prefer
 * the "tensorrt" engine.
 */
public final class DjlTensorRt {
    public static final String NAME = "djl-tensorrt";
    static final String IMPLEMENTATION = "dev.strobe.engine.djltrt.DjlTensorRtProvider";

    private DjlTensorRt() {}

    /** The profile's provider if compiled in, else one that explains how to get it. */
    public static EngineProvider provider() {
        return provider(IMPLEMENTATION);
    }

    static EngineProvider provider(String className) {
        try {
            return (EngineProvider)
                    Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | LinkageError e) {
            return new Unavailable(e);
        } catch (NoSuchMethodException
                | InstantiationException
                | IllegalAccessException
                | InvocationTargetException e) {
            throw new IllegalStateException("cannot create " + className, e);
        }
    }

    /** Stands in when the profile was not built. */
    static final class Unavailable implements EngineProvider {
        private final String why;

        Unavailable(Throwable cause) {
            this.why = cause instanceof ClassNotFoundException
                    ? "this build does not include it"
                    : "it failed to link (" + cause + ")";
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Engine load(Path file, Map<String, String> options) {
            throw new EngineException(
                    EngineException.Kind.MISSING_LIBRARY,
                    "engine djl-tensorrt (DJL's legacy TensorRT 8.4 engine) is unavailable: " + why
                            + "; build strobe with `mvn -Pdjl_tensorrt package`, or better use engine \"tensorrt\"");
        }
    }
}
