package dev.strobe.pipeline;

/** Tokenizes a prompt for both text encoders of a model. Thread-safe; called on request threads. */
@FunctionalInterface
public interface PromptTokenizer {
    PromptTokens tokenize(String prompt);
}
