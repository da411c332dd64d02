package dev.strobe.engine.tensorrt;

/**
 * One engine call of a planned run: batch items {@code start .. start+count-1} of the caller's
 * tensors, sent as a batch of {@code padded} items on optimisation profile {@code profile}.
 * When {@code padded > count} the extra items are copies of the last real item and their outputs
 * are dropped.
 */
public record BatchChunk(TrtProfile profile, int start, int count, int padded) {

    public BatchChunk {
        if (count < 1 || padded < count || start < 0) {
            throw new IllegalArgumentException("chunk start " + start + " count " + count + " padded " + padded);
        }
    }

    public int padding() {
        return padded - count;
    }
}
