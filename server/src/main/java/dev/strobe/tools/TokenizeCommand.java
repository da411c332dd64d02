package dev.strobe.tools;

import dev.strobe.model.ClipBpeFiles;
import dev.strobe.pipeline.text.ClipTokenizer;
import dev.strobe.pipeline.text.TokenizedPrompt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokenize [--encoder clip-l|clip-g] [--tokenizer-dir DIR] TEXT}: the 77 input ids. */
@Command(name = "tokenize", description = "Tokenize a prompt like the reference CLIP tokenizer.")
final class TokenizeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--encoder",
            defaultValue = "clip-l",
            description = "clip-l (pads with <|endoftext|>) or clip-g (pads with '!'); default ${DEFAULT-VALUE}")
    private String encoder;

    @Option(
            names = "--tokenizer-dir",
            description = "a tokenizer folder with vocab.json and merges.txt (default: the built-in CLIP merges)")
    private Path tokenizerDir;

    @Parameters(index = "0", paramLabel = "TEXT", description = "the prompt")
    private String text;

    @Override
    public Integer call() {
        String pad = switch (encoder) {
            case "clip-l" -> ClipTokenizer.PAD_CLIP_L;
            case "clip-g" -> ClipTokenizer.PAD_OPEN_CLIP_G;
            default -> throw new IllegalArgumentException("--encoder must be clip-l or clip-g, got " + encoder);
        };
        ClipBpeFiles files;
        try {
            files = tokenizerDir == null ? ClipBpeFiles.builtin() : ClipBpeFiles.fromFolder(tokenizerDir);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException(
                    "cannot read tokenizer files in " + tokenizerDir + ": " + e.getMessage(), e);
        }
        ClipTokenizer tokenizer = ClipTokenizer.of(files, pad);
        TokenizedPrompt prompt = tokenizer.encode(text);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ids", prompt.ids());
        json.put("truncated", prompt.truncated());
        json.put("prompt_tokens", prompt.promptTokens());
        json.put("tokens", tokenizer.tokens(text));
        json.put("encoder", encoder);
        JsonLine.print(spec.commandLine().getOut(), json);
        return 0;
    }
}
