package dev.strobe.pipeline.text;

import java.util.Arrays;

/**
 * One prompt as a text encoder's input: {@code ids} has the encoder's context length (77):
 * {@code <|startoftext|>}, at most 75 BPE ids, {@code <|endoftext|>}, then the encoder's padding.
 *
 * @param ids          the input_ids row, length 77
 * @param promptTokens BPE tokens the prompt produced before truncation, without start and end
 * @param truncated    whether tokens past the 75th were dropped
 */
public record TokenizedPrompt(long[] ids, int promptTokens, boolean truncated) {

    public TokenizedPrompt {
        ids = ids.clone();
    }

    /** A copy of the ids (allocates; batch builders use {@link #copyTo}). */
    @Override
    public long[] ids() {
        return ids.clone();
    }

    /** Copies the ids into {@code dst} at {@code offset} (a row of a batch buffer). */
    public void copyTo(long[] dst, int offset) {
        System.arraycopy(ids, 0, dst, offset, ids.length);
    }

    public int length() {
        return ids.length;
    }

    public long id(int position) {
        return ids[position];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedPrompt p
                && p.promptTokens == promptTokens
                && p.truncated == truncated
                && Arrays.equals(p.ids, ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + promptTokens;
    }

    @Override
    public String toString() {
        return "TokenizedPrompt" + Arrays.toString(ids) + " promptTokens=" + promptTokens
                + (truncated ? " truncated" : "");
    }
}
