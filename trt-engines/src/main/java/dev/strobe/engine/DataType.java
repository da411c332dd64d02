package dev.strobe.engine;

/** Element types that cross the engine boundary. Host tensors hold FLOAT16 values widened to float. */
public enum DataType {
    FLOAT32(4),
    FLOAT16(2),
    INT64(8),
    INT32(4);

    private final int bytes;

    DataType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element on the device, in bytes. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT16;
    }
}
