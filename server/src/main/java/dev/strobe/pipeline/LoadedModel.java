package dev.strobe.pipeline;

import dev.strobe.model.ModelManifest;
import java.nio.file.Path;

/** A model loaded from its folder: manifest, tokenizers and pipeline. */
public record LoadedModel(Path dir, ModelManifest manifest, PromptTokenizer tokenizer, ModelPipeline pipeline) {}
