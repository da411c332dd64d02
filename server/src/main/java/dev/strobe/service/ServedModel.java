package dev.strobe.service;

import dev.strobe.pipeline.ModelStages;
import dev.strobe.pipeline.PromptTokenizer;

/** A loaded model: its public facts, its tokenizers and its stages. */
public record ServedModel(ModelInfo info, PromptTokenizer tokenizer, ModelStages stages) {}
