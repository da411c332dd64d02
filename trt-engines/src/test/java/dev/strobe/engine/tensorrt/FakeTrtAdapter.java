package dev.strobe.engine.tensorrt;

import dev.strobe.engine.DataType;
import dev.strobe.engine.Half;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A recording stand-in for TensorRT and CUDA. Device memory is heap memory; "the engine" is a
 * tiny UNet-like rule: {@code out = sample * 2 + timestep[item]} (a scalar timestep applies to
 * every item). Like TensorRT it rejects input shapes outside the current profile, an enqueue
 * with unset shapes or addresses, and copies larger than their buffers. Every call is logged.
 */
final class FakeTrtAdapter implements TrtAdapter {
    record Buf(ByteBuffer data, long bytes, int id) implements DeviceBuffer {}

    record G(int id, Map<String, long[]> shapes) implements Graph {}

    final List<String> calls = new ArrayList<>();
    final List<TrtIoTensor> io;
    final List<Map<String, ShapeRange>> profiles;
    final Map<String, String> failures = new HashMap<>();
    final Set<Integer> liveBuffers = new HashSet<>();
    final Set<Integer> liveGraphs = new HashSet<>();
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, Buf> addresses = new HashMap<>();
    private int profile = 0;
    private int deviceId;
    private int nextId;
    boolean closed;

    FakeTrtAdapter(List<TrtIoTensor> io, List<Map<String, ShapeRange>> profiles) {
        this.io = io;
        this.profiles = profiles;
    }

    /** sample FLOAT16 [B,4,h,w], timestep FLOAT32 [B] or scalar, out_sample FLOAT16. */
    static List<TrtIoTensor> unetIo(boolean scalarTimestep, DataType sampleType) {
        return List.of(
                new TrtIoTensor("sample", true, sampleType, new long[] {-1, 4, -1, -1}),
                new TrtIoTensor("timestep", true, DataType.FLOAT32, scalarTimestep ? new long[0] : new long[] {-1}),
                new TrtIoTensor("out_sample", false, sampleType, new long[] {-1, 4, -1, -1}));
    }

    static Map<String, ShapeRange> unetProfile(int minB, int maxB, int minHw, int maxHw, boolean scalarTimestep) {
        Map<String, ShapeRange> m = new LinkedHashMap<>();
        m.put(
                "sample",
                new ShapeRange(new long[] {minB, 4, minHw, minHw}, new long[] {maxB, 4, maxHw, maxHw}, new long[] {
                    maxB, 4, maxHw, maxHw
                }));
        m.put(
                "timestep",
                scalarTimestep
                        ? ShapeRange.fixed()
                        : new ShapeRange(new long[] {minB}, new long[] {maxB}, new long[] {maxB}));
        return m;
    }

    /** Makes the named method throw a TrtNativeException with this text. */
    FakeTrtAdapter failOn(String method, String text) {
        failures.put(method, text);
        return this;
    }

    private void call(String method, String detail) {
        calls.add(detail.isEmpty() ? method : method + " " + detail);
        String f = failures.get(method);
        if (f != null) {
            throw new TrtNativeException(f);
        }
    }

    List<String> calls(String method) {
        return calls.stream()
                .filter(c -> c.equals(method) || c.startsWith(method + " "))
                .toList();
    }

    @Override
    public void deserialize(Path plan, int deviceId) {
        call("deserialize", plan.getFileName() + " device " + deviceId);
        this.deviceId = deviceId;
    }

    /** Recorded with the calling thread's name: the CUDA runtime's current device is per thread. */
    @Override
    public void useDevice() {
        call("useDevice", deviceId + " on " + Thread.currentThread().getName());
    }

    @Override
    public String tensorRtVersion() {
        return "10.15.1-fake";
    }

    @Override
    public String deviceDescription() {
        return "Fake GPU (compute 0.0, 0 GiB)";
    }

    @Override
    public List<TrtIoTensor> ioTensors() {
        return io;
    }

    @Override
    public int profileCount() {
        return profiles.size();
    }

    @Override
    public ShapeRange profileShape(String input, int p) {
        return profiles.get(p).get(input);
    }

    @Override
    public void setProfile(int p) {
        call("setProfile", String.valueOf(p));
        profile = p;
        shapes.clear();
    }

    @Override
    public void setInputShape(String input, long[] shape) {
        call("setInputShape", input + " " + Shapes.format(shape));
        ShapeRange r = profiles.get(profile).get(input);
        for (int i = 0; i < shape.length; i++) {
            if (shape.length != r.rank() || shape[i] < r.min(i) || shape[i] > r.max(i)) {
                throw new TrtNativeException("setInputShape: " + input + " " + Shapes.format(shape)
                        + " is outside profile " + profile + " " + r);
            }
        }
        shapes.put(input, shape.clone());
    }

    @Override
    public long[] outputShape(String output) {
        long[] s = shapes.get("sample");
        if (s == null) {
            throw new TrtNativeException("output shape asked before input shapes were set");
        }
        return s.clone();
    }

    @Override
    public DeviceBuffer malloc(long bytes) {
        call("malloc", String.valueOf(bytes));
        Buf b = new Buf(ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder()), bytes, nextId++);
        liveBuffers.add(b.id());
        return b;
    }

    @Override
    public void free(DeviceBuffer buffer) {
        call("free", String.valueOf(buffer.bytes()));
        liveBuffers.remove(((Buf) buffer).id());
    }

    @Override
    public ByteBuffer mallocHost(long bytes) {
        call("mallocHost", String.valueOf(bytes));
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }

    @Override
    public void freeHost(ByteBuffer buffer) {
        call("freeHost", String.valueOf(buffer.capacity()));
    }

    @Override
    public void setTensorAddress(String name, DeviceBuffer buffer) {
        call("setTensorAddress", name);
        addresses.put(name, (Buf) buffer);
    }

    @Override
    public void copyHtoD(DeviceBuffer dst, ByteBuffer src, long bytes) {
        call("copyHtoD", String.valueOf(bytes));
        Buf d = (Buf) dst;
        if (bytes > d.bytes() || bytes > src.capacity()) {
            throw new TrtNativeException("copy of " + bytes + " bytes overflows a buffer of " + d.bytes());
        }
        for (int i = 0; i < bytes; i++) {
            d.data().put(i, src.get(i));
        }
    }

    @Override
    public void copyDtoH(ByteBuffer dst, DeviceBuffer src, long bytes) {
        call("copyDtoH", String.valueOf(bytes));
        Buf s = (Buf) src;
        if (bytes > s.bytes() || bytes > dst.capacity()) {
            throw new TrtNativeException("copy of " + bytes + " bytes overflows a buffer of " + s.bytes());
        }
        for (int i = 0; i < bytes; i++) {
            dst.put(i, s.data().get(i));
        }
    }

    @Override
    public void enqueue() {
        call("enqueue", "");
        compute(shapes);
    }

    private void compute(Map<String, long[]> at) {
        for (TrtIoTensor t : io) {
            if (addresses.get(t.name()) == null) {
                throw new TrtNativeException("address of " + t.name() + " not set");
            }
            if (t.input() && at.get(t.name()) == null) {
                throw new TrtNativeException("shape of " + t.name() + " not set");
            }
        }
        TrtIoTensor sample = io.get(0);
        TrtIoTensor step = io.get(1);
        long[] s = at.get("sample");
        int batch = (int) s[0];
        int item = (int) (Tensor0.count(s) / batch);
        ByteBuffer in = addresses.get("sample").data();
        ByteBuffer ts = addresses.get("timestep").data();
        ByteBuffer out = addresses.get("out_sample").data();
        for (int b = 0; b < batch; b++) {
            float t = ts.getFloat(step.rank() == 0 ? 0 : b * 4);
            for (int k = 0; k < item; k++) {
                int idx = b * item + k;
                float v = read(in, sample.dataType(), idx) * 2 + t;
                write(out, sample.dataType(), idx, v);
            }
        }
    }

    private static float read(ByteBuffer b, DataType t, int i) {
        return t == DataType.FLOAT16 ? Half.toFloat(b.getShort(i * 2)) : b.getFloat(i * 4);
    }

    private static void write(ByteBuffer b, DataType t, int i, float v) {
        if (t == DataType.FLOAT16) {
            b.putShort(i * 2, Half.fromFloat(v));
        } else {
            b.putFloat(i * 4, v);
        }
    }

    @Override
    public void sync() {
        call("sync", "");
    }

    @Override
    public Graph captureGraph() {
        call("captureGraph", "");
        G g = new G(nextId++, new HashMap<>(shapes));
        liveGraphs.add(g.id());
        return g;
    }

    @Override
    public void launchGraph(Graph graph) {
        call("launchGraph", "");
        compute(((G) graph).shapes());
    }

    @Override
    public void destroyGraph(Graph graph) {
        call("destroyGraph", "");
        liveGraphs.remove(((G) graph).id());
    }

    @Override
    public void close() {
        call("close", "");
        closed = true;
    }

    /** Element count helper (kept here so the fake does not lean on the code under test). */
    static final class Tensor0 {
        static long count(long[] s) {
            long n = 1;
            for (long d : s) {
                n *= d;
            }
            return n;
        }
    }
}
