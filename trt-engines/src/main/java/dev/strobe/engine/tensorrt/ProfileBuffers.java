package dev.strobe.engine.tensorrt;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device and page-locked host buffers of one optimisation profile, one pair per I/O tensor,
 * each sized for the profile's max shapes. Allocated once, the first time the profile is used,
 * and reused by every later call on that profile (TensorRT only needs the addresses to hold the
 * call's actual shapes, which never exceed the max). Freed when the engine closes.
 *
 * <p>Output sizes are not in the profile: they are read from the context after every input is set
 * to its max shape, which is how TensorRT reports the largest output a profile can produce.
 *
 * <p>Used on the device thread only.
 */
final class ProfileBuffers {
    private final int profile;
    private final Map<String, TrtAdapter.DeviceBuffer> device = new LinkedHashMap<>();
    private final Map<String, ByteBuffer> host = new LinkedHashMap<>();

    private ProfileBuffers(int profile) {
        this.profile = profile;
    }

    /**
     * Allocates the buffers of {@code p}. Leaves the adapter on profile {@code p} with every input
     * at its max shape.
     */
    static ProfileBuffers allocate(TrtAdapter adapter, TrtProfile p, List<TrtIoTensor> io) {
        ProfileBuffers b = new ProfileBuffers(p.index());
        try {
            adapter.setProfile(p.index());
            for (TrtIoTensor t : io) {
                if (t.input()) {
                    adapter.setInputShape(t.name(), p.range(t.name()).max());
                }
            }
            for (TrtIoTensor t : io) {
                long[] max = t.input() ? p.range(t.name()).max() : adapter.outputShape(t.name());
                long bytes = Shapes.bytes(max, t.dataType().bytes());
                b.device.put(t.name(), adapter.malloc(bytes));
                b.host.put(t.name(), adapter.mallocHost(bytes));
            }
            return b;
        } catch (RuntimeException e) {
            b.free(adapter);
            throw e;
        }
    }

    int profile() {
        return profile;
    }

    TrtAdapter.DeviceBuffer device(String name) {
        return device.get(name);
    }

    ByteBuffer host(String name) {
        return host.get(name);
    }

    /** Points the context at this profile's buffers. */
    void bind(TrtAdapter adapter) {
        device.forEach(adapter::setTensorAddress);
    }

    /** Total device bytes held. */
    long deviceBytes() {
        return device.values().stream()
                .mapToLong(TrtAdapter.DeviceBuffer::bytes)
                .sum();
    }

    void free(TrtAdapter adapter) {
        device.values().forEach(adapter::free);
        host.values().forEach(adapter::freeHost);
        device.clear();
        host.clear();
    }
}
