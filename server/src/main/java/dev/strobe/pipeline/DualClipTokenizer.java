package dev.strobe.pipeline;

import dev.strobe.pipeline.text.ClipTokenizer;
import dev.strobe.pipeline.text.TokenizedPrompt;

/** Tokenizes a prompt for SDXL's two text encoders (same BPE, different padding). Thread-safe. */
final class DualClipTokenizer implements PromptTokenizer {
    private final ClipTokenizer first;
    private final ClipTokenizer second;

    DualClipTokenizer(ClipTokenizer first, ClipTokenizer second) {
        this.first = first;
        this.second = second;
    }

    @Override
    public PromptTokens tokenize(String prompt) {
        TokenizedPrompt a = first.encode(prompt);
        TokenizedPrompt b = second.encode(prompt);
        return new PromptTokens(a.ids(), b.ids(), a.promptTokens(), a.truncated());
    }
}
