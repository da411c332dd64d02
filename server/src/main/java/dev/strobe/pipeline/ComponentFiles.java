package dev.strobe.pipeline;

import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.Engines;
import dev.strobe.model.EngineFiles;
import dev.strobe.model.OnnxFileCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads one component file through its engine, checking it first: the file exists, an ONNX file
 * parses as ONNX and its external-data files are all there and long enough. An engine's own
 * refusal (a graph ONNX Runtime rejects, a plan TensorRT cannot read) becomes a
 * {@link ModelProblem} naming the file relative to the model folder. A missing native library
 * stays an {@link EngineException} of its own kind, so the fall-back rule still applies.
 *
 * <p>Stateless; called while models load, on the main thread.
 */
final class ComponentFiles {
    private ComponentFiles() {}

    static Engine load(Engines engines, String backend, Path folder, String component, EngineFiles.Choice choice) {
        Path file = choice.file();
        String rel = relative(folder, file);
        if (!Files.isRegularFile(file)) {
            throw new ModelProblem(
                    folder, "model.json names " + rel + " for the " + component + ", which does not exist");
        }
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            OnnxFileCheck.problem(folder, file).ifPresent(p -> {
                throw new ModelProblem(folder, p);
            });
        }
        try {
            return engines.load(backend, file, choice.options());
        } catch (ModelProblem e) {
            throw e;
        } catch (EngineException e) {
            if (e.kind() != EngineException.Kind.INVALID_MODEL) {
                throw e;
            }
            // the engine names the file by absolute path; the sentence names the folder once
            String why = ModelProblem.clause(e).replace(folder.normalize() + java.io.File.separator, "");
            int named = why.indexOf(rel + ": ");
            if (named >= 0 && named < 80) { // "ONNX Runtime cannot load unet/model.onnx: ..." says the file twice
                why = why.substring(named + rel.length() + 2);
            }
            throw new ModelProblem(folder, rel + " does not load in " + backend + ": " + why, e);
        }
    }

    /** {@code file} relative to the model folder, with forward slashes; absolute when outside it. */
    static String relative(Path folder, Path file) {
        Path f = file.normalize();
        Path d = folder.normalize();
        return f.startsWith(d) ? d.relativize(f).toString().replace('\\', '/') : f.toString();
    }
}
