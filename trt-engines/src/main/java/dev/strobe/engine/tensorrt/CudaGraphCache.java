package dev.strobe.engine.tensorrt;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decides, per call, whether to enqueue normally, capture a CUDA graph, or replay one, and owns
 * the captured graphs.
 *
 * <p>A graph bakes in the profile, every input shape and the buffer addresses, so its key is the
 * profile plus the full input shapes of the call (which include the padded batch). TensorRT asks
 * for one plain enqueueV3 after the shapes change before a capture, so the first call with a key
 * runs plainly, the second captures, later ones replay. Keys whose capture failed are remembered
 * and always run plainly. At most {@code capacity} graphs are kept; the least recently used is
 * destroyed first.
 *
 * <p>Used on the device thread only.
 */
final class CudaGraphCache {
    /** What to do for one call. */
    enum Action {
        PLAIN,
        CAPTURE,
        REPLAY
    }

    /** The identity of a graph: the profile and every input shape, in engine order. */
    record Key(int profile, String shapes) {}

    private final int capacity;
    private final Set<Key> warm = new HashSet<>();
    private final Set<Key> failed = new HashSet<>();
    private final LinkedHashMap<Key, TrtAdapter.Graph> graphs = new LinkedHashMap<>(16, 0.75f, true);

    CudaGraphCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("CUDA graph cache needs room for at least one graph");
        }
        this.capacity = capacity;
    }

    Action action(Key key) {
        if (graphs.get(key) != null) { // get, not containsKey: it refreshes the LRU order
            return Action.REPLAY;
        }
        if (failed.contains(key)) {
            return Action.PLAIN;
        }
        return warm.add(key) ? Action.PLAIN : Action.CAPTURE;
    }

    TrtAdapter.Graph graph(Key key) {
        return graphs.get(key);
    }

    /** Stores a new graph, destroying the least recently used one when full. */
    void put(Key key, TrtAdapter.Graph graph, TrtAdapter adapter) {
        graphs.put(key, graph);
        if (graphs.size() > capacity) {
            Map.Entry<Key, TrtAdapter.Graph> eldest =
                    graphs.entrySet().iterator().next();
            graphs.remove(eldest.getKey());
            warm.remove(eldest.getKey());
            adapter.destroyGraph(eldest.getValue());
        }
    }

    /** Remembers that this key cannot be captured (e.g. the engine is not stream-capturable). */
    void markFailed(Key key) {
        failed.add(key);
    }

    int size() {
        return graphs.size();
    }

    void clear(TrtAdapter adapter) {
        graphs.values().forEach(adapter::destroyGraph);
        graphs.clear();
        warm.clear();
    }
}
