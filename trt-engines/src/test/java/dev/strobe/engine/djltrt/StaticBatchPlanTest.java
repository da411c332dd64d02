package dev.strobe.engine.djltrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.DataType;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticBatchPlanTest {
    @Test
    void chunksCoverTheBatchInOrder() {
        StaticBatchPlan p = new StaticBatchPlan(4);
        assertEquals(
                List.of(
                        new StaticBatchPlan.Chunk(0, 4),
                        new StaticBatchPlan.Chunk(4, 4),
                        new StaticBatchPlan.Chunk(8, 2)),
                p.chunks(10));
        assertEquals(List.of(new StaticBatchPlan.Chunk(0, 1)), p.chunks(1));
        assertThrows(EngineException.class, () -> p.chunks(0));
    }

    @Test
    void padsWithCopiesOfTheChunksLastItem() {
        StaticBatchPlan p = new StaticBatchPlan(4);
        Tensor t = Tensor.ofFloats(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f}, 3, 2);
        Tensor padded = p.pad(t, new StaticBatchPlan.Chunk(1, 2));
        assertArrayEquals(new long[] {4, 2}, padded.shape());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f, 2, 2.5f, 2, 2.5f}, padded.floats());
        Tensor ids = Tensor.ofLongs(DataType.INT32, new long[] {7}, 1);
        assertArrayEquals(
                new long[] {7, 7, 7, 7},
                p.pad(ids, new StaticBatchPlan.Chunk(0, 1)).longs());
        Tensor scalar = Tensor.ofFloats(new float[] {999});
        assertEquals(scalar, p.pad(scalar, new StaticBatchPlan.Chunk(0, 1)));
    }

    @Test
    void unpadKeepsTheRealItems() {
        Tensor out = Tensor.ofFloats(DataType.FLOAT16, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);
        Tensor kept = StaticBatchPlan.unpad(out, 3);
        assertArrayEquals(new long[] {3, 2}, kept.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, kept.floats());
        assertEquals(DataType.FLOAT16, kept.dataType());
    }

    @Test
    void withoutTheProfileTheEngineNameStillAnswersWithOneLine() {
        var provider = DjlTensorRt.provider("dev.strobe.engine.djltrt.NotCompiledHere");
        assertEquals("djl-tensorrt", provider.name());
        EngineException e = assertThrows(EngineException.class, () -> provider.load(Path.of("unet.trt"), Map.of()));
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
        assertTrue(e.getMessage().contains("mvn -Pdjl_tensorrt package"), e.getMessage());
        assertTrue(e.getMessage().contains("engine \"tensorrt\""));
    }
}
