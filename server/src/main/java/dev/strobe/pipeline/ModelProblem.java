package dev.strobe.pipeline;

import dev.strobe.engine.EngineException;
import java.nio.file.Path;

/**
 * A model folder that strobe cannot serve, said in one sentence that names the folder, the file
 * and what is wrong with it ("model folder /models/x: unet/model.onnx has no input 'text_embeds'
 * ..."). The server reports it in its log and in ListModels, and serves its other models.
 *
 * <p>An {@link EngineException} of kind INVALID_MODEL, so callers that handle engine failures
 * handle it too.
 */
public final class ModelProblem extends EngineException {
    private static final long serialVersionUID = 1L;
    private final transient Path folder;

    /** @param problem a clause naming the file relative to the folder, e.g. "unet/model.onnx is not an ONNX model" */
    public ModelProblem(Path folder, String problem) {
        super(Kind.INVALID_MODEL, "model folder " + folder + ": " + problem);
        this.folder = folder;
    }

    public ModelProblem(Path folder, String problem, Throwable cause) {
        super(Kind.INVALID_MODEL, "model folder " + folder + ": " + problem, cause);
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /**
     * The one sentence for any failure to load the model in {@code folder}: a ModelProblem's own,
     * else the failure's message on its first line (such messages name their files by absolute
     * path), never a stack trace.
     */
    public static String describe(Path folder, Throwable t) {
        if (t instanceof ModelProblem p) {
            return p.getMessage();
        }
        String clause = clause(t);
        // "/models/x/tokenizer/vocab.json is not ..." after "model folder /models/x:" names the folder twice
        String prefix = folder.normalize() + java.io.File.separator;
        if (clause.startsWith(prefix)) {
            clause = clause.substring(prefix.length());
        }
        return "model folder " + folder + ": " + clause;
    }

    /** The failure's message as a clause: its first line. */
    static String clause(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).strip();
    }
}
