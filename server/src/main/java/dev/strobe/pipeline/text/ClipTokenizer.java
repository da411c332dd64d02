package dev.strobe.pipeline.text;

import dev.strobe.model.ClipBpeFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One SDXL text encoder's tokenizer, producing the same ids as OpenAI's reference CLIP tokenizer
 * ({@code simple_tokenizer.py}): {@link TextNormalizer clean-up}, split by CLIP's pattern, byte-level
 * BPE per piece, then {@code <|startoftext|>}, at most 75 ids, {@code <|endoftext|>} and padding to 77.
 * The two SDXL tokenizers differ only in padding: {@code <|endoftext|>} (49407) for CLIP ViT-L,
 * {@code !} (0) for OpenCLIP bigG.
 *
 * <p>Thread-safe: the request path calls {@link #encode} from many gRPC threads at once.
 */
public final class ClipTokenizer {
    public static final int CONTEXT_LENGTH = 77;
    public static final String PAD_CLIP_L = ClipBpeFiles.END;
    public static final String PAD_OPEN_CLIP_G = "!";

    private final TextNormalizer normalizer;
    private final BytePairEncoder bpe;
    private final String[] idToToken;
    private final int startId;
    private final int endId;
    private final int padId;
    private final int contextLength;

    private ClipTokenizer(ClipBpeFiles files, String padToken, TextNormalizer normalizer, int contextLength) {
        if (contextLength < 3) {
            throw new IllegalArgumentException("context length must be at least 3, got " + contextLength);
        }
        Map<String, Integer> vocab = files.vocab();
        this.normalizer = normalizer;
        this.bpe = new BytePairEncoder(files);
        this.startId = special(vocab, ClipBpeFiles.START);
        this.endId = special(vocab, ClipBpeFiles.END);
        Integer pad = vocab.get(padToken);
        if (pad == null) {
            throw new IllegalArgumentException("pad token '" + padToken + "' is not in the tokenizer"
                    + " vocabulary; use \"" + PAD_CLIP_L + "\" (CLIP ViT-L) or \"" + PAD_OPEN_CLIP_G
                    + "\" (OpenCLIP bigG)");
        }
        this.padId = pad;
        this.contextLength = contextLength;
        int size = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.idToToken = new String[size];
        vocab.forEach((token, id) -> idToToken[id] = token);
    }

    private static int special(Map<String, Integer> vocab, String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException(
                    "tokenizer vocabulary lacks " + token + "; this is not a CLIP tokenizer");
        }
        return id;
    }

    /** A tokenizer with CLIP's context length of 77. */
    public static ClipTokenizer of(ClipBpeFiles files, String padToken) {
        return new ClipTokenizer(files, padToken, new TextNormalizer(), CONTEXT_LENGTH);
    }

    /** As {@link #of(ClipBpeFiles, String)}, sharing one normalizer and any context length. */
    public static ClipTokenizer of(ClipBpeFiles files, String padToken, TextNormalizer normalizer, int contextLength) {
        return new ClipTokenizer(files, padToken, normalizer, contextLength);
    }

    public int contextLength() {
        return contextLength;
    }

    /** BPE tokens that fit between start and end: the context length minus 2 (75). */
    public int maxPromptTokens() {
        return contextLength - 2;
    }

    public int padId() {
        return padId;
    }

    /** The input_ids row for {@code text}. */
    public TokenizedPrompt encode(String text) {
        int max = maxPromptTokens();
        long[] ids = new long[contextLength];
        ids[0] = startId;
        int[] count = {0};
        PreTokenizer.split(normalizer.normalize(text), piece -> {
            if (piece.equals(ClipBpeFiles.START) || piece.equals(ClipBpeFiles.END)) {
                // The reference seeds its BPE cache with the two special tokens, so typed markers
                // become the special ids.
                if (count[0] < max) {
                    ids[1 + count[0]] = piece.equals(ClipBpeFiles.START) ? startId : endId;
                }
                count[0]++;
                return;
            }
            for (int id : bpe.encode(piece)) {
                if (count[0] < max) {
                    ids[1 + count[0]] = id;
                }
                count[0]++;
            }
        });
        int kept = Math.min(count[0], max);
        ids[1 + kept] = endId;
        for (int i = 2 + kept; i < contextLength; i++) {
            ids[i] = padId;
        }
        return new TokenizedPrompt(ids, count[0], count[0] > max);
    }

    /** The BPE tokens of {@code text} as vocabulary strings (e.g. {@code "photo</w>"}), untruncated. */
    public List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        PreTokenizer.split(normalizer.normalize(text), piece -> {
            if (piece.equals(ClipBpeFiles.START) || piece.equals(ClipBpeFiles.END)) {
                out.add(piece);
                return;
            }
            for (int id : bpe.encode(piece)) {
                out.add(idToToken[id]);
            }
        });
        return out;
    }

    /** The vocabulary string of an id, or null when the id is outside the vocabulary. */
    public String token(long id) {
        return id >= 0 && id < idToToken.length ? idToToken[(int) id] : null;
    }
}
