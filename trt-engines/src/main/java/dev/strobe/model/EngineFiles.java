package dev.strobe.model;

import dev.strobe.engine.EngineException;
import dev.strobe.model.ModelManifest.ComponentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which file of a component folder each engine loads, and the choice of that file when the
 * engine is not the one the manifest names (the server's {@code --engine}, or the fall-back to ONNX
 * Runtime): an ONNX Runtime component is {@code model.onnx} (optimum's layout), a TensorRT
 * component is the plan build-engine writes beside it, {@code engine.plan}, and a DJL TensorRT 8
 * component a static plan {@code model.trt}.
 *
 * <p>Handing an engine a file of another engine fails late and obscurely (TensorRT reading an ONNX
 * file as a plan, ONNX Runtime reading a plan), so a switch of engine either finds the file that
 * engine loads in the component's folder or refuses with one sentence saying what to build.
 *
 * <p>Stateless; called while models load.
 */
public final class EngineFiles {
    public static final String ONNX = "model.onnx";
    public static final String PLAN = "engine.plan";
    public static final String TRT8_PLAN = "model.trt";

    private static final Map<String, String> FILE_OF_ENGINE =
            Map.of("onnxruntime", ONNX, "tensorrt", PLAN, "djl-tensorrt", TRT8_PLAN);

    /** Options every engine understands; others belong to the manifest's engine and are dropped on a switch. */
    private static final java.util.Set<String> SHARED_OPTIONS = java.util.Set.of("max_batch", "device_id");

    private EngineFiles() {}

    /** A chosen file and the options to load it with. */
    public record Choice(Path file, Map<String, String> options) {}

    /**
     * The file and options {@code engine} loads for one component.
     *
     * @param model the model's name, for messages
     * @param component e.g. "unet"
     * @param engine the engine that will load it
     * @throws EngineException INVALID_MODEL naming the missing file and the command that makes it
     */
    public static Choice choose(
            ModelRepository.Entry entry, String model, String component, ComponentSpec spec, String engine) {
        Path manifestFile = entry.resolve(spec.file);
        if (engine.equals(spec.engine)) {
            refuseForeignFile(entry, model, component, spec.file, engine);
            return new Choice(manifestFile, new LinkedHashMap<>(spec.options));
        }
        String wanted = FILE_OF_ENGINE.get(engine);
        Path folder = manifestFile.getParent();
        if (wanted != null && Files.isRegularFile(folder.resolve(wanted))) {
            Map<String, String> options = new LinkedHashMap<>();
            spec.options.forEach((k, v) -> {
                if (SHARED_OPTIONS.contains(k)) {
                    options.put(k, v);
                }
            });
            return new Choice(folder.resolve(wanted), options);
        }
        String rel = entry.dir().relativize(folder).toString().replace('\\', '/');
        String where = (rel.isEmpty() ? "" : rel + "/") + (wanted == null ? "<file>" : wanted);
        throw new EngineException(
                EngineException.Kind.INVALID_MODEL,
                model + ": engine " + engine + " cannot load the "
                        + component + ": model.json names " + spec.file + " for " + spec.engine + ", and "
                        + entry.dir().resolve(where) + " does not exist; "
                        + remedy(entry, component, folder, engine, spec.engine));
    }

    /** The engine's own file name in a component folder, e.g. engine.plan for tensorrt; null if none. */
    public static String fileOf(String engine) {
        return FILE_OF_ENGINE.get(engine);
    }

    /** A manifest that gives TensorRT an ONNX file (or ONNX Runtime a plan) fails here, not inside the engine. */
    private static void refuseForeignFile(
            ModelRepository.Entry entry, String model, String component, String file, String engine) {
        String f = file.toLowerCase(Locale.ROOT);
        boolean onnx = f.endsWith(".onnx");
        boolean plan = f.endsWith(".plan") || f.endsWith(".engine") || f.endsWith(".trt");
        if ("tensorrt".equals(engine) && onnx) {
            throw new EngineException(
                    EngineException.Kind.INVALID_MODEL,
                    model + ": components." + component
                            + " names the ONNX file " + file
                            + " for engine tensorrt, which loads a plan built from it; "
                            + buildCommand(component, entry.resolve(file)) + " and point the component at "
                            + Path.of(file).resolveSibling(PLAN).toString().replace('\\', '/'));
        }
        if ("onnxruntime".equals(engine) && plan) {
            throw new EngineException(
                    EngineException.Kind.INVALID_MODEL,
                    model + ": components." + component
                            + " names the TensorRT plan " + file
                            + " for engine onnxruntime, which loads ONNX files; point it at"
                            + " the ONNX export ("
                            + Path.of(file).resolveSibling(ONNX).toString().replace('\\', '/')
                            + ") or set its engine to tensorrt");
        }
    }

    private static String remedy(
            ModelRepository.Entry entry, String component, Path folder, String engine, String manifestEngine) {
        if ("tensorrt".equals(engine)) {
            Path onnx = folder.resolve(ONNX);
            return Files.isRegularFile(onnx)
                    ? buildCommand(component, onnx) + " (it writes " + folder.resolve(PLAN) + "), or drop --engine"
                    : "export the " + component + " to ONNX, build a plan from it with build-engine, or drop --engine";
        }
        if ("onnxruntime".equals(engine)) {
            return "put the ONNX export of the " + component + " there (optimum's layout), or install what "
                    + manifestEngine + " needs so that no fall-back is necessary";
        }
        return "set components." + component + ".file and .engine in model.json for " + engine;
    }

    /**
     * The build-engine line for a component: the UNet in fp16 with SDXL's profile, the VAE in fp32
     * (the stock SDXL VAE overflows in fp16), the text encoders by batch only.
     */
    public static String buildCommand(String component, Path onnx) {
        String shapes = switch (component) {
            case ModelManifest.UNET -> "--batch 1:4:8 --size 512:1024:1536 --fp16";
            case ModelManifest.VAE_DECODER -> "--batch 1:1:4 --size 512:1024:1536";
            default -> "--batch 1:4:8";
        };
        return "build it on this GPU with `./strobe build-engine --onnx " + onnx + " " + shapes + "`";
    }
}
