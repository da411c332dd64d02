package dev.strobe.engine.tensorrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strobe.engine.DataType;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.Half;
import dev.strobe.engine.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorCodecTest {
    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    @Test
    void float16EncodingWritesHalfBitsAndPadsWithTheLastItem() {
        Tensor t = Tensor.ofFloats(new float[] {1.5f, -2f, 65504f, 0.1f, 7f, 8f}, 3, 2);
        ByteBuffer b = buffer(64);
        long n = TensorCodec.encode(t, DataType.FLOAT16, 1, 2, 4, b);
        assertEquals(4 * 2 * 2, n);
        short[] want = {
            Half.fromFloat(65504f),
            Half.fromFloat(0.1f),
            Half.fromFloat(7f),
            Half.fromFloat(8f),
            Half.fromFloat(7f),
            Half.fromFloat(8f),
            Half.fromFloat(7f),
            Half.fromFloat(8f)
        };
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], b.getShort(i * 2), "half " + i);
        }
    }

    @Test
    void decodingKeepsOnlyTheRealItems() {
        ByteBuffer b = buffer(64);
        for (int i = 0; i < 8; i++) {
            b.putShort(i * 2, Half.fromFloat(i));
        }
        Tensor t = TensorCodec.decode(b, DataType.FLOAT16, new long[] {4, 2}, 3);
        assertArrayEquals(new long[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, t.floats());
        assertEquals(DataType.FLOAT16, t.dataType());
    }

    @Test
    void integersGoToInt32AndInt64AndWidenToFloats() {
        Tensor steps = Tensor.ofLongs(new long[] {999, 499}, 2);
        ByteBuffer i32 = buffer(8);
        TensorCodec.encode(steps, DataType.INT32, 0, 2, 2, i32);
        assertEquals(499, i32.getInt(4));
        ByteBuffer f32 = buffer(8);
        TensorCodec.encode(steps, DataType.FLOAT32, 0, 2, 2, f32);
        assertEquals(999f, f32.getFloat(0));
        Tensor back = TensorCodec.decode(i32, DataType.INT32, new long[] {2}, 2);
        assertArrayEquals(new long[] {999, 499}, back.longs());
    }

    @Test
    void floatsAreNeverTruncatedIntoIntegerInputs() {
        Tensor t = Tensor.ofFloats(new float[] {0.5f}, 1);
        EngineException e =
                assertThrows(EngineException.class, () -> TensorCodec.encode(t, DataType.INT64, 0, 1, 1, buffer(8)));
        assertEquals(EngineException.Kind.UNSUPPORTED_INPUT, e.kind());
    }

    @Test
    void concatJoinsChunksAlongTheBatch() {
        Tensor a = Tensor.ofFloats(new float[] {1, 2}, 1, 2);
        Tensor b = Tensor.ofFloats(new float[] {3, 4, 5, 6}, 2, 2);
        Tensor c = TensorCodec.concat(List.of(a, b));
        assertArrayEquals(new long[] {3, 2}, c.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c.floats());
    }
}
