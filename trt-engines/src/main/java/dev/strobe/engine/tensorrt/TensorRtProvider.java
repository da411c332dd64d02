package dev.strobe.engine.tensorrt;

import dev.strobe.engine.EngineException;
import dev.strobe.engine.EngineProvider;
import dev.strobe.engine.tensorrt.javacpp.JavaCppTensorRt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "tensorrt" engine: loads TensorRT 10 engine plans (built with build-engine or trtexec) and
 * runs them with dynamic shapes. Options: see {@link TensorRtOptions}.
 *
 * <p>On a machine without TensorRT or CUDA, {@link #load} throws EngineException MISSING_LIBRARY
 * with one line from {@link TensorRtAvailability}. A plan built by another TensorRT version or for
 * another GPU fails with INVALID_MODEL carrying TensorRT's own message.
 *
 * <p>Built once in {@code main}; {@link #load} is called while the server starts.
 */
public final class TensorRtProvider implements EngineProvider {
    public static final String NAME = "tensorrt";
    private static final Logger log = LoggerFactory.getLogger(TensorRtProvider.class);

    private final TensorRtAvailability availability;
    private final Supplier<TrtAdapter> adapters;

    /**
     * @param availability answers whether the native libraries load
     * @param adapters makes one fresh adapter per plan
     */
    public TensorRtProvider(TensorRtAvailability availability, Supplier<TrtAdapter> adapters) {
        this.availability = availability;
        this.adapters = adapters;
    }

    /** The provider over the real libraries, through JavaCPP, sharing the process's TensorRT logger. */
    public static TensorRtProvider javacpp(TensorRtAvailability availability) {
        JavaCppTensorRt natives = JavaCppTensorRt.process();
        return new TensorRtProvider(availability, natives::newAdapter);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TensorRtEngine load(Path file, Map<String, String> options) {
        availability.check().ifPresent(reason -> {
            throw new EngineException(EngineException.Kind.MISSING_LIBRARY, reason);
        });
        if (!Files.isRegularFile(file)) {
            throw new EngineException(
                    EngineException.Kind.INVALID_MODEL,
                    "TensorRT engine plan not found: " + file
                            + " (build it on this GPU with build-engine or trtexec; see trt-engines/README.md)");
        }
        TensorRtOptions opts = TensorRtOptions.parse(options);
        TrtAdapter adapter;
        try {
            adapter = adapters.get();
        } catch (LinkageError e) { // JavaCPP classes whose native side cannot load
            throw new EngineException(EngineException.Kind.MISSING_LIBRARY, MissingLibraries.describe(e), e);
        }
        try {
            adapter.deserialize(file, opts.deviceId());
            TensorRtEngine engine = new TensorRtEngine(adapter, file.toString(), opts);
            log.info(
                    "loaded {} with TensorRT {} on {}: inputs {} outputs {} profiles {} batch {}..{}, "
                            + "{} MiB of I/O buffers, cuda_graphs={}",
                    file,
                    adapter.tensorRtVersion(),
                    adapter.deviceDescription(),
                    engine.info().inputs(),
                    engine.info().outputs(),
                    engine.profiles(),
                    engine.info().minBatch(),
                    engine.info().maxBatch(),
                    engine.deviceBufferBytes() >> 20,
                    opts.cudaGraphs());
            return engine;
        } catch (TrtNativeException e) {
            closeQuietly(adapter);
            throw loadFailure(file, opts, e);
        } catch (java.io.UncheckedIOException e) {
            closeQuietly(adapter);
            throw new EngineException(
                    EngineException.Kind.INVALID_MODEL,
                    "TensorRT cannot load " + file + ": " + e.getMessage() + builtWith(file),
                    e);
        } catch (LinkageError e) {
            closeQuietly(adapter);
            throw new EngineException(EngineException.Kind.MISSING_LIBRARY, MissingLibraries.describe(e), e);
        } catch (RuntimeException e) {
            closeQuietly(adapter);
            throw e;
        }
    }

    /** CUDA errors that say the driver or the GPU is the problem, not the plan. */
    private static final java.util.List<String> DRIVER_ERRORS = java.util.List.of(
            "cudaErrorInsufficientDriver",
            "cudaErrorCallRequiresNewerDriver",
            "cudaErrorNoDevice",
            "cudaErrorStubLibrary",
            "cudaErrorSystemDriverMismatch",
            "cudaErrorCompatNotSupportedOnDevice",
            "cudaErrorDevicesUnavailable");

    /**
     * Sorts a native failure during load: a driver or device problem is named as such (it says
     * nothing about the plan), a device id that does not exist is a configuration error, the rest
     * is a plan this TensorRT or GPU cannot load.
     */
    private static EngineException loadFailure(Path file, TensorRtOptions opts, TrtNativeException e) {
        String m = String.valueOf(e.getMessage());
        for (String driver : DRIVER_ERRORS) {
            if (m.contains(driver)) {
                return new EngineException(
                        EngineException.Kind.MISSING_LIBRARY,
                        "TensorRT backend unavailable: the NVIDIA driver or GPU cannot run CUDA "
                                + NativeVersions.CUDA_BUILT + " (" + m + "); install the NVIDIA driver "
                                + NativeVersions.DRIVER_BRANCH + " or newer and check nvidia-smi; the plan "
                                + file.getFileName() + " was not read",
                        e);
            }
        }
        if (m.contains("cudaErrorInvalidDevice")) {
            return new EngineException(
                    EngineException.Kind.INVALID_MODEL,
                    "TensorRT cannot use device_id " + opts.deviceId() + " for " + file + ": " + m
                            + "; nvidia-smi lists the devices (numbered from 0, after CUDA_VISIBLE_DEVICES)",
                    e);
        }
        return new EngineException(
                EngineException.Kind.INVALID_MODEL, "TensorRT cannot load " + file + ": " + m + builtWith(file), e);
    }

    /**
     * What the engine.json written by build-engine beside the plan says it was built with, so a
     * TensorRT version or GPU mismatch is obvious from the one error line.
     */
    private static String builtWith(Path plan) {
        Path json = plan.resolveSibling("engine.json");
        try {
            if (Files.isRegularFile(json)) {
                com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(Files.readString(json))
                        .getAsJsonObject();
                return " (engine.json: built with TensorRT " + field(o, "tensorrt_version") + " on "
                        + field(o, "gpu_name")
                        + " compute " + field(o, "compute_capability") + "; a plan only loads with the same TensorRT"
                        + " version on the same GPU model)";
            }
        } catch (java.io.IOException | RuntimeException ignored) {
            // the load error is what matters
        }
        return " (a plan only loads with the TensorRT version and GPU model it was built with)";
    }

    private static String field(com.google.gson.JsonObject o, String name) {
        return o.has(name) && !o.get(name).isJsonNull() ? o.get(name).getAsString() : "?";
    }

    private static void closeQuietly(TrtAdapter adapter) {
        try {
            adapter.close();
        } catch (RuntimeException | LinkageError ignored) {
            // already failing
        }
    }
}
