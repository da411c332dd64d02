package dev.strobe.engine;

import java.util.Arrays;

/**
 * Name, element type and shape of one engine input or output. A dimension of -1 is dynamic. A
 * rank-0 shape is a scalar: for a UNet's {@code timestep} this means every sample of a call shares
 * one timestep.
 */
public record TensorSpec(String name, DataType dataType, long[] shape) {
    public static final long DYNAMIC = -1;

    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public boolean isScalar() {
        return shape.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t
                && name.equals(t.name)
                && dataType == t.dataType
                && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + dataType.hashCode()) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append(' ').append(dataType).append(" [");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ",").append(shape[i] < 0 ? "?" : String.valueOf(shape[i]));
        }
        return b.append(']').toString();
    }
}
