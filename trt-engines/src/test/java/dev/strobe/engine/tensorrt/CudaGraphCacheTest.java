package dev.strobe.engine.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.strobe.engine.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;

class CudaGraphCacheTest {
    private final FakeTrtAdapter adapter =
            new FakeTrtAdapter(FakeTrtAdapter.unetIo(false, DataType.FLOAT32), List.of());

    @Test
    void keysDifferByProfileAndShapes() {
        CudaGraphCache c = new CudaGraphCache(8);
        CudaGraphCache.Key a = new CudaGraphCache.Key(0, "2x4x64x64,2");
        CudaGraphCache.Key sameShapesOtherProfile = new CudaGraphCache.Key(1, "2x4x64x64,2");
        assertEquals(CudaGraphCache.Action.PLAIN, c.action(a));
        assertEquals(CudaGraphCache.Action.CAPTURE, c.action(a));
        assertEquals(CudaGraphCache.Action.PLAIN, c.action(sameShapesOtherProfile));
        TrtAdapter.Graph g = adapter.captureGraph();
        c.put(a, g, adapter);
        assertEquals(CudaGraphCache.Action.REPLAY, c.action(new CudaGraphCache.Key(0, "2x4x64x64,2")));
        assertSame(g, c.graph(a));
    }

    @Test
    void evictsAndDestroysTheLeastRecentlyUsedGraph() {
        CudaGraphCache c = new CudaGraphCache(2);
        CudaGraphCache.Key k1 = new CudaGraphCache.Key(0, "1");
        CudaGraphCache.Key k2 = new CudaGraphCache.Key(0, "2");
        CudaGraphCache.Key k3 = new CudaGraphCache.Key(0, "3");
        c.put(k1, adapter.captureGraph(), adapter);
        c.put(k2, adapter.captureGraph(), adapter);
        c.action(k1); // k1 used: k2 is now the eldest
        c.put(k3, adapter.captureGraph(), adapter);
        assertEquals(2, c.size());
        assertEquals(1, adapter.calls("destroyGraph").size());
        assertEquals(CudaGraphCache.Action.REPLAY, c.action(k1));
        assertEquals(CudaGraphCache.Action.PLAIN, c.action(k2), "an evicted key warms up again");
    }

    @Test
    void failedKeysStayPlain() {
        CudaGraphCache c = new CudaGraphCache(2);
        CudaGraphCache.Key k = new CudaGraphCache.Key(0, "1");
        c.action(k);
        c.markFailed(k);
        for (int i = 0; i < 3; i++) {
            assertEquals(CudaGraphCache.Action.PLAIN, c.action(k));
        }
    }
}
