package dev.strobe.pipeline;

import dev.strobe.model.ModelManifest;
import java.nio.file.Path;

/**
 * A model loaded from its folder: manifest, tokenizers, pipeline, and the image sizes it serves
 * (model.json's range narrowed to what the engines' shape profiles run).
 */
public record LoadedModel(
        Path dir, ModelManifest manifest, PromptTokenizer tokenizer, ModelPipeline pipeline, ServedSizes sizes) {}
