package dev.strobe.model;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE data: the merge list and the vocabulary derived from it, read either from
 * the merges file OpenAI published (shipped in this jar) or from a tokenizer folder in optimum's
 * layout ({@code vocab.json} + {@code merges.txt}).
 *
 * <p>The vocabulary is: the 256 byte symbols of {@link #byteSymbols()} in that order, the same
 * symbols with {@code </w>} appended, one entry per merge, then {@code <|startoftext|>} and
 * {@code <|endoftext|>}: 49408 ids for the standard file.
 */
public record ClipBpeFiles(List<String[]> merges, Map<String, Integer> vocab) {
    public static final String START = "<|startoftext|>";
    public static final String END = "<|endoftext|>";
    /** Merges the reference tokenizer uses from the published file: 49152 - 256 - 2. */
    public static final int CLIP_MERGES = 49152 - 256 - 2;

    private static final String RESOURCE = "clip/bpe_simple_vocab_16e6.txt.gz";

    /** The CLIP merges shipped with strobe. */
    public static ClipBpeFiles builtin() {
        try (InputStream in = ClipBpeFiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return fromGzipMerges(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads OpenAI's gzipped merges file (header line, then merges) and derives the vocabulary. */
    public static ClipBpeFiles fromGzipMerges(InputStream gz) throws IOException {
        List<String[]> merges = new ArrayList<>(CLIP_MERGES);
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(new GZIPInputStream(gz), StandardCharsets.UTF_8))) {
            r.readLine(); // "#version: 0.2"
            String line;
            while (merges.size() < CLIP_MERGES && (line = r.readLine()) != null) {
                merges.add(split(line));
            }
        }
        return new ClipBpeFiles(List.copyOf(merges), deriveVocab(merges));
    }

    /** Reads {@code dir/vocab.json} and {@code dir/merges.txt} (optimum / Hugging Face layout). */
    public static ClipBpeFiles fromFolder(Path dir) throws IOException {
        Path vocabFile = dir.resolve("vocab.json");
        Path mergesFile = dir.resolve("merges.txt");
        for (Path f : List.of(vocabFile, mergesFile)) {
            if (!Files.isRegularFile(f)) {
                throw new IOException(f + " does not exist; a CLIP tokenizer folder holds vocab.json and merges.txt");
            }
        }
        Map<String, Integer> vocab;
        try {
            vocab = new Gson()
                    .fromJson(
                            Files.readString(vocabFile), new TypeToken<LinkedHashMap<String, Integer>>() {}.getType());
        } catch (com.google.gson.JsonParseException
                | NumberFormatException
                | java.nio.charset.CharacterCodingException e) {
            throw new IOException(
                    vocabFile + " is not a CLIP vocabulary (a JSON object of token to id): " + firstLine(e), e);
        }
        if (vocab == null || vocab.isEmpty()) {
            throw new IOException(vocabFile + " is not a CLIP vocabulary: it is empty");
        }
        List<String[]> merges = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(mergesFile + " is not BPE merges: it is not UTF-8 text", e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#version") || line.isBlank()) {
                continue;
            }
            try {
                merges.add(split(line));
            } catch (IllegalArgumentException e) {
                throw new IOException(mergesFile + " line " + (i + 1) + " is " + e.getMessage(), e);
            }
        }
        return new ClipBpeFiles(List.copyOf(merges), Map.copyOf(vocab));
    }

    private static String firstLine(Exception e) {
        Throwable t = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).strip();
    }

    /** Writes {@code vocab.json} and {@code merges.txt} into {@code dir} (optimum's layout). */
    public void writeFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("vocab.json"), new Gson().toJson(vocab), StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder("#version: 0.2\n");
        for (String[] m : merges) {
            b.append(m[0]).append(' ').append(m[1]).append('\n');
        }
        Files.writeString(dir.resolve("merges.txt"), b, StandardCharsets.UTF_8);
    }

    private static String[] split(String line) {
        int sp = line.indexOf(' ');
        if (sp <= 0 || sp != line.lastIndexOf(' ')) {
            throw new IllegalArgumentException(
                    "not a BPE merge line: '" + (line.length() > 60 ? line.substring(0, 60) + "..." : line) + "'");
        }
        return new String[] {line.substring(0, sp), line.substring(sp + 1)};
    }

    private static Map<String, Integer> deriveVocab(List<String[]> merges) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<String> order = byteSymbolOrder();
        for (String s : order) {
            vocab.put(s, vocab.size());
        }
        for (String s : order) {
            vocab.put(s + "</w>", vocab.size());
        }
        for (String[] m : merges) {
            vocab.putIfAbsent(m[0] + m[1], vocab.size());
        }
        vocab.put(START, vocab.size());
        vocab.put(END, vocab.size());
        return vocab;
    }

    /**
     * GPT-2's reversible byte-to-unicode map: entry b is the one-character symbol for byte b.
     * Printable Latin-1 bytes map to themselves; the other 68 bytes map to U+0100 onwards.
     */
    public static String[] byteSymbols() {
        String[] out = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            out[b] = isPrintable(b) ? String.valueOf((char) b) : String.valueOf((char) next++);
        }
        return out;
    }

    /** The byte symbols in vocabulary order: the printable bytes first, then the remapped ones. */
    private static List<String> byteSymbolOrder() {
        String[] symbols = byteSymbols();
        List<String> order = new ArrayList<>(256);
        for (int b = 0; b < 256; b++) {
            if (isPrintable(b)) {
                order.add(symbols[b]);
            }
        }
        for (int b = 0; b < 256; b++) {
            if (!isPrintable(b)) {
                order.add(symbols[b]);
            }
        }
        return order;
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
}
