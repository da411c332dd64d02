package dev.strobe.pipeline.text;

import dev.strobe.model.ClipBpeFiles;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's byte-level BPE for one pre-token: its UTF-8 bytes become byte symbols ({@code </w>} on the
 * last), then the adjacent pair with the lowest merge rank is merged everywhere, left to right, until
 * no pair has a rank. Symbols are vocabulary ids throughout, and merge ranks sit in a primitive
 * open-addressing table, so a word costs a few hash probes per merge.
 *
 * <p>Thread-safe: the tables are immutable after construction and the per-word cache is a
 * {@link ConcurrentHashMap}. The cache is cleared when it reaches {@value #CACHE_LIMIT} words, so
 * arbitrary prompts cannot grow it without bound.
 */
public final class BytePairEncoder {
    static final int CACHE_LIMIT = 65_536;

    private final int[] byteId = new int[256];
    private final int[] byteEndId = new int[256];
    /** Open addressing: key = left << 32 | right (never negative), value = rank << 32 | merged id. */
    private final long[] keys;

    private final long[] values;
    private final int mask;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    public BytePairEncoder(ClipBpeFiles files) {
        Map<String, Integer> vocab = files.vocab();
        String[] symbols = ClipBpeFiles.byteSymbols();
        for (int b = 0; b < 256; b++) {
            byteId[b] = require(vocab, symbols[b], "byte symbol");
            byteEndId[b] = require(vocab, symbols[b] + "</w>", "byte symbol");
        }
        List<String[]> merges = files.merges();
        int capacity = Integer.highestOneBit(Math.max(16, merges.size() * 2)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, -1L);
        mask = capacity - 1;
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            String where = "merge " + rank + " '" + m[0] + " " + m[1] + "'";
            long key = pairKey(require(vocab, m[0], where), require(vocab, m[1], where));
            int merged = require(vocab, m[0] + m[1], where);
            put(key, ((long) rank << 32) | merged);
        }
    }

    private static int require(Map<String, Integer> vocab, String symbol, String where) {
        Integer id = vocab.get(symbol);
        if (id == null) {
            throw new IllegalArgumentException("tokenizer files are inconsistent: " + where
                    + " needs '" + symbol + "', which vocab.json lacks; use matching vocab.json and"
                    + " merges.txt from the same tokenizer");
        }
        return id;
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    private void put(long key, long value) {
        int slot = slot(key);
        while (keys[slot] != -1L && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        // A repeated merge takes its last rank, as in the reference's dict(zip(merges, ranks)).
        keys[slot] = key;
        values[slot] = value;
    }

    /** rank << 32 | merged id, or -1 when the pair is not a merge. */
    private long get(long key) {
        int slot = slot(key);
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == -1L) {
                return -1L;
            }
            slot = (slot + 1) & mask;
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** The vocabulary ids of one pre-token (a piece matched by CLIP's pattern). */
    public int[] encode(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) {
            return cached;
        }
        int[] ids = bpe(piece.getBytes(StandardCharsets.UTF_8));
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(piece, ids);
        return ids;
    }

    private int[] bpe(byte[] bytes) {
        int n = bytes.length;
        if (n == 0) {
            return new int[0];
        }
        int[] word = new int[n];
        for (int i = 0; i < n - 1; i++) {
            word[i] = byteId[bytes[i] & 0xff];
        }
        word[n - 1] = byteEndId[bytes[n - 1] & 0xff];
        while (n > 1) {
            long best = Long.MAX_VALUE;
            int bestAt = -1;
            for (int i = 0; i < n - 1; i++) {
                long v = get(pairKey(word[i], word[i + 1]));
                if (v >= 0 && v < best) {
                    best = v;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            int first = word[bestAt];
            int second = word[bestAt + 1];
            int merged = (int) best;
            int out = 0;
            for (int i = 0; i < n; ) {
                if (i < n - 1 && word[i] == first && word[i + 1] == second) {
                    word[out++] = merged;
                    i += 2;
                } else {
                    word[out++] = word[i++];
                }
            }
            n = out;
        }
        return Arrays.copyOf(word, n);
    }
}
