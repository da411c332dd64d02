package dev.strobe.engine.tensorrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.DataType;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.Half;
import dev.strobe.engine.Tensor;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TensorRtEngineTest {
    private static final TensorRtOptions PLAIN = new TensorRtOptions(0, OptionalInt.empty(), false, 32, true);
    private static final TensorRtOptions LAZY = new TensorRtOptions(0, OptionalInt.empty(), false, 32, false);
    private static final TensorRtOptions GRAPHS = new TensorRtOptions(0, OptionalInt.empty(), true, 2, false);

    /** Batch b of 4 x hw x hw latents, item i filled with i + k/1000 (k = element index in the item). */
    private static Tensor sample(int batch, int hw) {
        int item = 4 * hw * hw;
        float[] f = new float[batch * item];
        for (int i = 0; i < batch; i++) {
            for (int k = 0; k < item; k++) {
                f[i * item + k] = i + k / 1000f;
            }
        }
        return Tensor.ofFloats(f, batch, 4, hw, hw);
    }

    private static Tensor steps(float... t) {
        return Tensor.ofFloats(t, t.length);
    }

    private static float expected(Tensor sample, float[] steps, int flatIndex) {
        int item = sample.itemSize();
        return sample.floats()[flatIndex] * 2 + steps[flatIndex / item];
    }

    private static Map<String, Tensor> in(Tensor sample, Tensor step) {
        return Map.of("sample", sample, "timestep", step);
    }

    @Test
    void infoComesFromTheProfiles() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT16),
                List.of(
                        FakeTrtAdapter.unetProfile(2, 4, 8, 16, false),
                        FakeTrtAdapter.unetProfile(1, 8, 8, 32, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", LAZY);
        assertEquals(8, e.info().maxBatch());
        assertEquals(1, e.info().minBatch());
        assertEquals("tensorrt", e.info().backend());
        assertArrayEquals(
                new long[] {-1, 4, -1, -1},
                e.info().input("sample").orElseThrow().shape());
        assertEquals(
                DataType.FLOAT16, e.info().output("out_sample").orElseThrow().dataType());
    }

    @Test
    void maxBatchOptionLowersButNeverRaises() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32),
                List.of(FakeTrtAdapter.unetProfile(1, 8, 8, 16, false)));
        assertEquals(
                4,
                new TensorRtEngine(a, "p", new TensorRtOptions(0, OptionalInt.of(4), false, 1, false))
                        .info()
                        .maxBatch());
        FakeTrtAdapter b = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32),
                List.of(FakeTrtAdapter.unetProfile(1, 8, 8, 16, false)));
        assertEquals(
                8,
                new TensorRtEngine(b, "p", new TensorRtOptions(0, OptionalInt.of(64), false, 1, false))
                        .info()
                        .maxBatch());
    }

    @Test
    void runsFloat16EngineAndConvertsBothWays() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT16),
                List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 16, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", PLAIN);
        Tensor x = sample(3, 8);
        float[] t = {999, 749, 499};
        Tensor out = e.run(in(x, steps(t)), Set.of("out_sample")).get("out_sample");
        assertArrayEquals(new long[] {3, 4, 8, 8}, out.shape());
        assertEquals(DataType.FLOAT16, out.dataType());
        for (int i = 0; i < out.size(); i += 37) {
            // the engine saw float16 inputs and produced float16, so compare at float16 precision
            float want =
                    Half.toFloat(Half.fromFloat(Half.toFloat(Half.fromFloat(x.floats()[i])) * 2 + t[i / x.itemSize()]));
            assertEquals(want, out.floats()[i], 0f, "element " + i);
        }
        // 3 items of 4x8x8 float16
        assertTrue(a.calls.contains("copyHtoD " + (3 * 4 * 8 * 8 * 2)));
    }

    @Test
    void picksTheCoveringProfileWithTheSmallestBuffers() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32),
                List.of(
                        FakeTrtAdapter.unetProfile(1, 8, 8, 32, false), // covers everything, big
                        FakeTrtAdapter.unetProfile(1, 4, 8, 16, false), // covers small images, smaller
                        FakeTrtAdapter.unetProfile(1, 2, 24, 32, false))); // does not cover 8x8
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", LAZY);
        e.run(in(sample(2, 8), steps(1, 2)), Set.of("out_sample"));
        assertEquals(List.of("setProfile 1", "setProfile 1"), a.calls("setProfile"));
        a.calls.clear();
        e.run(in(sample(2, 24), steps(1, 2)), Set.of("out_sample")); // 24 needs profile 0 or 2; 2 is smaller
        assertEquals(List.of("setProfile 2", "setProfile 2"), a.calls("setProfile"));
    }

    @Test
    void buffersAreAllocatedOncePerProfileAtTheMaxShapesAndReused() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT16),
                List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 16, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", PLAIN);
        long sampleMax = 4L * 4 * 16 * 16 * 2; // batch 4, float16
        long stepMax = 4L * 4; // batch 4, float32
        assertEquals(List.of("malloc " + sampleMax, "malloc " + stepMax, "malloc " + sampleMax), a.calls("malloc"));
        assertEquals(2 * sampleMax + stepMax, e.deviceBufferBytes());
        a.calls.clear();
        e.run(in(sample(1, 8), steps(5)), Set.of("out_sample"));
        e.run(in(sample(4, 16), steps(1, 2, 3, 4)), Set.of("out_sample"));
        e.run(in(sample(2, 12), steps(1, 2)), Set.of("out_sample"));
        assertTrue(a.calls("malloc").isEmpty(), "no allocation after load: " + a.calls("malloc"));
        assertTrue(a.calls("mallocHost").isEmpty());
        assertEquals(1, a.calls("setProfile").size(), "the profile is set once and kept");
    }

    @Test
    void lazyAllocationHappensOnFirstUseOfEachProfileOnly() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32),
                List.of(
                        FakeTrtAdapter.unetProfile(1, 2, 8, 8, false),
                        FakeTrtAdapter.unetProfile(1, 2, 16, 16, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", LAZY);
        assertTrue(a.calls("malloc").isEmpty());
        e.run(in(sample(1, 8), steps(1)), Set.of("out_sample"));
        assertEquals(3, a.calls("malloc").size());
        e.run(in(sample(1, 16), steps(1)), Set.of("out_sample"));
        e.run(in(sample(1, 8), steps(1)), Set.of("out_sample"));
        e.run(in(sample(1, 16), steps(1)), Set.of("out_sample"));
        assertEquals(6, a.calls("malloc").size());
    }

    @Test
    void padsUpToTheProfileMinimumWithTheLastItemAndDropsPaddedOutputs() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32), List.of(FakeTrtAdapter.unetProfile(4, 8, 8, 8, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", PLAIN);
        Tensor x = sample(2, 8);
        float[] t = {10, 20};
        Tensor out = e.run(in(x, steps(t)), Set.of("out_sample")).get("out_sample");
        assertTrue(a.calls.contains("setInputShape sample 4x4x8x8"), a.calls.toString());
        assertTrue(a.calls.contains("setInputShape timestep 4"));
        assertArrayEquals(new long[] {2, 4, 8, 8}, out.shape());
        for (int i = 0; i < out.size(); i++) {
            assertEquals(expected(x, t, i), out.floats()[i], 1e-5f);
        }
    }

    @Test
    void splitsBatchesAboveTheLargestMaxIntoEvenChunksInOrder() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32), List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 8, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", PLAIN);
        Tensor x = sample(9, 8);
        float[] t = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Tensor out = e.run(in(x, steps(t)), Set.of("out_sample")).get("out_sample");
        assertEquals(
                List.of("setInputShape sample 3x4x8x8", "setInputShape sample 3x4x8x8", "setInputShape sample 3x4x8x8"),
                a.calls("setInputShape").stream()
                        .filter(c -> c.startsWith("setInputShape sample") && !c.endsWith("4x4x8x8"))
                        .toList());
        assertEquals(3, a.calls("enqueue").size());
        assertArrayEquals(new long[] {9, 4, 8, 8}, out.shape());
        for (int i = 0; i < out.size(); i += 11) {
            assertEquals(expected(x, t, i), out.floats()[i], 1e-5f);
        }
    }

    @Test
    void scalarTimestepIsSentOnceAndSharedByTheBatch() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(true, DataType.FLOAT32), List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 8, true)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", PLAIN);
        Tensor x = sample(2, 8);
        Tensor out = e.run(Map.of("sample", x, "timestep", Tensor.ofFloats(new float[] {7})), Set.of("out_sample"))
                .get("out_sample");
        assertTrue(a.calls.contains("setInputShape timestep scalar"));
        assertEquals(x.floats()[300] * 2 + 7, out.floats()[300], 1e-5f);
        assertEquals(x.floats()[out.size() - 1] * 2 + 7, out.floats()[out.size() - 1], 1e-5f);
    }

    @Test
    void noCoveringProfileIsUnsupportedInputNamingShapesAndProfiles() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32),
                List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 16, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", PLAIN);
        EngineException ex =
                assertThrows(EngineException.class, () -> e.run(in(sample(1, 20), steps(1)), Set.of("out_sample")));
        assertEquals(EngineException.Kind.UNSUPPORTED_INPUT, ex.kind());
        assertTrue(ex.getMessage().contains("sample 1x4x20x20"), ex.getMessage());
        assertTrue(ex.getMessage().contains("#0 sample 1x4x8x8..4x4x16x16"), ex.getMessage());
        assertTrue(a.calls("enqueue").isEmpty());
    }

    @Test
    void wrongRankOrStaticDimensionIsRejectedBeforeAnyNativeCall() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32),
                List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 16, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", LAZY);
        Tensor threeChannels = Tensor.ofFloats(new float[3 * 64], 1, 3, 8, 8);
        EngineException ex =
                assertThrows(EngineException.class, () -> e.run(in(threeChannels, steps(1)), Set.of("out_sample")));
        assertEquals(EngineException.Kind.UNSUPPORTED_INPUT, ex.kind());
        assertTrue(ex.getMessage().contains("1x3x8x8"), ex.getMessage());
        EngineException missing =
                assertThrows(EngineException.class, () -> e.run(Map.of("sample", sample(1, 8)), Set.of("out_sample")));
        assertTrue(missing.getMessage().contains("timestep"));
        EngineException disagree =
                assertThrows(EngineException.class, () -> e.run(in(sample(2, 8), steps(1)), Set.of("out_sample")));
        assertTrue(disagree.getMessage().contains("disagree"), disagree.getMessage());
        assertTrue(a.calls.isEmpty(), a.calls.toString());
    }

    @Test
    void nativeFailureIsRuntimeWithTheNativeTextAndTheEngineRecovers() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32), List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 8, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", PLAIN);
        a.failOn(
                "enqueue",
                "enqueueV3 failed: [executionContext.cpp::enqueueV3] Error Code 1: Cuda Runtime (an illegal memory access was encountered)");
        EngineException ex =
                assertThrows(EngineException.class, () -> e.run(in(sample(1, 8), steps(1)), Set.of("out_sample")));
        assertEquals(EngineException.Kind.RUNTIME, ex.kind());
        assertTrue(ex.getMessage().contains("an illegal memory access was encountered"), ex.getMessage());
        assertTrue(ex.getMessage().contains("unet.plan"));
        assertTrue(ex.getMessage().contains("profile #0"));
        a.failures.clear();
        a.calls.clear();
        e.run(in(sample(1, 8), steps(1)), Set.of("out_sample"));
        assertEquals(List.of("setProfile 0"), a.calls("setProfile"), "profile re-selected after a failure");
    }

    @Test
    void theDeviceIsSelectedOnTheCallingThreadBeforeEveryCall() throws Exception {
        // device_id 1: the plan is loaded on this thread, but every call runs on the device thread,
        // and cudaSetDevice only affects the thread that calls it
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32), List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 8, false)));
        a.deserialize(java.nio.file.Path.of("unet.plan"), 1);
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", PLAIN);
        a.calls.clear();
        Thread device = new Thread(
                () -> {
                    e.run(in(sample(1, 8), steps(1)), Set.of("out_sample"));
                    e.run(in(sample(2, 8), steps(1, 2)), Set.of("out_sample"));
                },
                "strobe-device-test");
        device.start();
        device.join();
        assertEquals(
                List.of("useDevice 1 on strobe-device-test", "useDevice 1 on strobe-device-test"),
                a.calls("useDevice"));
        int firstDevice = a.calls.indexOf("useDevice 1 on strobe-device-test");
        int firstCopy = a.calls.indexOf(a.calls("copyHtoD").get(0));
        assertTrue(firstDevice < firstCopy, "the device is current before the first CUDA call: " + a.calls);
    }

    @Test
    void twoPlansOnDifferentDevicesShareTheDeviceThread() throws Exception {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32), List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 8, false)));
        FakeTrtAdapter b = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32), List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 8, false)));
        a.deserialize(java.nio.file.Path.of("a.plan"), 0);
        b.deserialize(java.nio.file.Path.of("b.plan"), 1);
        TensorRtEngine ea = new TensorRtEngine(a, "a.plan", PLAIN);
        TensorRtEngine eb = new TensorRtEngine(b, "b.plan", PLAIN);
        Thread device = new Thread(
                () -> {
                    ea.run(in(sample(1, 8), steps(1)), Set.of("out_sample"));
                    eb.run(in(sample(1, 8), steps(1)), Set.of("out_sample"));
                    ea.run(in(sample(1, 8), steps(1)), Set.of("out_sample"));
                    ea.close();
                },
                "dev");
        device.start();
        device.join();
        assertEquals(
                List.of("useDevice 0 on dev", "useDevice 0 on dev", "useDevice 0 on dev"),
                a.calls("useDevice"),
                "every call and the close select device 0 again, after b's call selected device 1");
        assertEquals(List.of("useDevice 1 on dev"), b.calls("useDevice"));
    }

    @Test
    void infoReportsEveryProfileAsBounds() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32),
                List.of(
                        FakeTrtAdapter.unetProfile(1, 4, 64, 128, false),
                        FakeTrtAdapter.unetProfile(1, 2, 128, 192, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", LAZY);
        assertEquals(2, e.info().profiles().size());
        assertArrayEquals(
                new long[] {1, 4, 128, 128},
                e.info().profiles().get(1).bounds("sample").min());
        assertArrayEquals(
                new long[] {2, 4, 192, 192},
                e.info().profiles().get(1).bounds("sample").max());
        assertEquals(2, e.info().withMaxBatch(2).profiles().size(), "lowering max batch keeps the profiles");
    }

    @Test
    void cudaGraphsWarmThenCaptureThenReplayPerShapeKey() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32),
                List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 16, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", GRAPHS);
        Tensor x = sample(2, 8);
        float[] t = {3, 4};
        e.run(in(x, steps(t)), Set.of("out_sample"));
        e.run(in(x, steps(t)), Set.of("out_sample"));
        Tensor third = e.run(in(x, steps(t)), Set.of("out_sample")).get("out_sample");
        assertEquals(1, a.calls("enqueue").size());
        assertEquals(1, a.calls("captureGraph").size());
        assertEquals(2, a.calls("launchGraph").size());
        assertEquals(expected(x, t, 500), third.floats()[500], 1e-5f);
        // another shape is another key: it warms up with a plain enqueue first
        e.run(in(sample(3, 8), steps(1, 2, 3)), Set.of("out_sample"));
        assertEquals(2, a.calls("enqueue").size());
        assertEquals(1, a.calls("captureGraph").size());
    }

    @Test
    void failedCaptureFallsBackToEnqueueAndIsNotRetried() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32), List.of(FakeTrtAdapter.unetProfile(1, 4, 8, 8, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", GRAPHS);
        a.failOn("captureGraph", "cudaStreamEndCapture failed: cudaErrorStreamCaptureInvalidated");
        for (int i = 0; i < 4; i++) {
            Tensor out = e.run(in(sample(1, 8), steps(2)), Set.of("out_sample")).get("out_sample");
            assertEquals(sample(1, 8).floats()[7] * 2 + 2, out.floats()[7], 1e-5f);
        }
        assertEquals(1, a.calls("captureGraph").size());
        assertEquals(4, a.calls("enqueue").size());
    }

    @Test
    void closeFreesEveryBufferAndGraphThenTheAdapter() {
        FakeTrtAdapter a = new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT32),
                List.of(
                        FakeTrtAdapter.unetProfile(1, 4, 8, 8, false),
                        FakeTrtAdapter.unetProfile(1, 4, 16, 16, false)));
        TensorRtEngine e = new TensorRtEngine(a, "unet.plan", GRAPHS);
        for (int i = 0; i < 2; i++) {
            e.run(in(sample(1, 8), steps(2)), Set.of("out_sample"));
            e.run(in(sample(1, 16), steps(2)), Set.of("out_sample"));
        }
        assertFalse(a.liveGraphs.isEmpty());
        e.close();
        assertTrue(a.liveBuffers.isEmpty(), "leaked device buffers " + a.liveBuffers);
        assertTrue(a.liveGraphs.isEmpty());
        assertTrue(a.closed);
        assertEquals("close", a.calls.get(a.calls.size() - 1));
    }
}
