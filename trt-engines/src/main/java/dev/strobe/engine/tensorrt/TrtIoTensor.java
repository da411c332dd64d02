package dev.strobe.engine.tensorrt;

import dev.strobe.engine.DataType;
import dev.strobe.engine.TensorSpec;

/**
 * One I/O tensor of a deserialized TensorRT engine: {@code getIOTensorName},
 * {@code getTensorIOMode}, {@code getTensorDataType} and {@code getTensorShape} (dynamic
 * dimensions are -1).
 */
public record TrtIoTensor(String name, boolean input, DataType dataType, long[] shape) {

    public TrtIoTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Every tensor of rank one or more carries the batch in dimension 0; scalars carry none. */
    public boolean batched() {
        return shape.length > 0;
    }

    public TensorSpec spec() {
        return new TensorSpec(name, dataType, shape);
    }
}
